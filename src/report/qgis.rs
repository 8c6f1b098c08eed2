//! A QGIS project (`plan.qgs`) that opens every output layer styled, and a `.qml` style per
//! layer for users who add layers by hand. Sites are coloured by tier, villages by how they are
//! served, service areas are semi-transparent fills by tier, assignments thin lines; sites and
//! villages are labelled with their names. Layer sources are relative paths, so the output
//! folder can be moved or shared as a whole.

use crate::lang::Lang;
use quick_xml::escape::escape;

/// A colour as QGIS writes it: "r,g,b,a".
type Rgba = (u8, u8, u8, u8);

/// How one layer is drawn.
#[derive(Clone, Debug)]
pub struct LayerStyle {
    /// File name of the layer, e.g. `sites.geojson`.
    pub file: String,
    pub name: String,
    /// QGIS geometry class: Point, Line or Polygon.
    pub geometry: &'static str,
    /// Field the categories are read from, and the (value, label, colour) categories.
    pub field: String,
    pub categories: Vec<(String, String, Rgba)>,
    /// Field shown as label, if any.
    pub label: Option<String>,
    /// Marker shape and size (points only): sites are larger triangles, villages circles.
    pub marker: (&'static str, f64),
    /// Field aliases QGIS shows in the attribute table and forms (the keys stay English for
    /// scripts).
    pub aliases: Vec<(&'static str, &'static str)>,
}

/// Chinese names of the layers' fields, as the attribute table shows them.
const ALIASES_ZH: [(&str, &str); 35] = [
    ("id", "编号"),
    ("name", "名称"),
    ("town", "镇街"),
    ("kind", "场地类型"),
    ("tier", "设施层级"),
    ("status", "状态"),
    ("build_year", "建设年度"),
    ("cost", "建设费用（元）"),
    ("subsidy", "建设补助（元）"),
    ("operating_cost", "运营补贴（元/年）"),
    ("capacity", "容量（人）"),
    ("villages_served", "服务村数"),
    ("elders_served", "服务老人数"),
    ("villages_within", "半径内村数"),
    ("elders_within", "半径内老人数"),
    ("over_capacity", "超出容量"),
    ("served_share", "服务比例"),
    ("beds", "床位"),
    ("moved_to", "撤并后迁往"),
    ("mode", "出行方式"),
    ("radius_min", "服务半径（分钟）"),
    ("population", "人口"),
    ("elders", "老人数"),
    ("covered", "已覆盖"),
    ("service", "覆盖情况"),
    ("served_by", "服务方式"),
    ("served_site", "服务场地"),
    ("served_min", "到服务场地（分钟）"),
    ("served_from", "开始服务年度"),
    ("exemption", "不设点原因"),
    ("reason", "未服务原因"),
    ("village_name", "村名"),
    ("site_name", "场地名称"),
    ("minutes", "分钟"),
    ("area_km2", "面积（平方公里）"),
];

fn option(name: &str, value: &str) -> String {
    format!(
        r#"<Option name="{}" type="QString" value="{}"/>"#,
        escape(name),
        escape(value)
    )
}

fn colour((r, g, b, a): Rgba) -> String {
    format!("{r},{g},{b},{a}")
}

/// One symbol of the layer's geometry class.
fn symbol(index: usize, style: &LayerStyle, c: Rgba) -> String {
    let (kind, class, options) = match style.geometry {
        "Point" => (
            "marker",
            "SimpleMarker",
            [
                option("color", &colour(c)),
                option("name", style.marker.0),
                option("size", &style.marker.1.to_string()),
                option("outline_color", "35,35,35,255"),
            ]
            .join(""),
        ),
        "Line" => (
            "line",
            "SimpleLine",
            [
                option("line_color", &colour(c)),
                option("line_width", "0.3"),
                option("line_style", "solid"),
            ]
            .join(""),
        ),
        _ => (
            "fill",
            "SimpleFill",
            [
                option("color", &colour((c.0, c.1, c.2, 70))),
                option("outline_color", &colour(c)),
                option("outline_width", "0.4"),
                option("style", "solid"),
            ]
            .join(""),
        ),
    };
    format!(
        r#"<symbol type="{kind}" name="{index}" alpha="1" clip_to_extent="1" force_rhr="0"><layer class="{class}" pass="0" locked="0" enabled="1"><Option type="Map">{options}</Option></layer></symbol>"#
    )
}

/// The `<renderer-v2>` and `<labeling>` elements of a layer (shared by .qgs and .qml).
pub fn renderer(style: &LayerStyle) -> String {
    let categories: String = style
        .categories
        .iter()
        .enumerate()
        .map(|(k, (value, label, _))| {
            format!(
                r#"<category render="true" symbol="{k}" value="{}" label="{}"/>"#,
                escape(value.as_str()),
                escape(label.as_str())
            )
        })
        .collect();
    let symbols: String = style
        .categories
        .iter()
        .enumerate()
        .map(|(k, (_, _, c))| symbol(k, style, *c))
        .collect();
    let labeling = style.label.as_ref().map_or(String::new(), |field| {
        format!(
            r#"<labeling type="simple"><settings calloutType="simple"><text-style fieldName="{}" fontSize="8" textColor="20,20,20,255" isExpression="0"><text-buffer bufferDraw="1" bufferSize="0.8" bufferColor="255,255,255,255"/></text-style><placement placement="{}" dist="1"/><rendering scaleVisibility="0"/></settings></labeling>"#,
            escape(field.as_str()),
            if style.geometry == "Point" { 0 } else { 1 }
        )
    });
    format!(
        r#"<renderer-v2 type="categorizedSymbol" attr="{}" symbollevels="0" enableorderby="0" forceraster="0"><categories>{categories}</categories><symbols>{symbols}</symbols></renderer-v2>{labeling}"#,
        escape(style.field.as_str())
    )
}

/// A layer style file (`.qml`).
pub fn qml(style: &LayerStyle) -> String {
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis version=\"3.22.0\" styleCategories=\"Symbology|Labeling\" labelsEnabled=\"{}\">\n{}\n</qgis>\n",
        style.label.is_some() as u8,
        renderer(style)
    )
}

const WGS84: &str = r#"<spatialrefsys nativeFormat="Wkt"><wkt>GEOGCRS["WGS 84",DATUM["World Geodetic System 1984",ELLIPSOID["WGS 84",6378137,298.257223563,LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4326]]</wkt><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description><projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>true</geographicflag></spatialrefsys>"#;

/// The `<aliases>` element of a layer.
fn aliases(style: &LayerStyle) -> String {
    if style.aliases.is_empty() {
        return String::new();
    }
    let items: String = style
        .aliases
        .iter()
        .enumerate()
        .map(|(i, (field, alias))| {
            format!(
                r#"<alias field="{}" index="{i}" name="{}"/>"#,
                escape(*field),
                escape(*alias)
            )
        })
        .collect();
    format!("<aliases>{items}</aliases>")
}

/// The project file: every layer (drawn in the given order, first on top), styled, in WGS-84.
pub fn project(title: &str, layers: &[LayerStyle]) -> String {
    let id = |s: &LayerStyle| format!("{}_layer", s.file.trim_end_matches(".geojson"));
    let tree: String = layers
        .iter()
        .map(|s| format!(r#"<layer-tree-layer id="{}" name="{}" source="./{}" providerKey="ogr" checked="Qt::Checked" expanded="1"/>"#, id(s), escape(s.name.as_str()), escape(s.file.as_str())))
        .collect::<Vec<_>>()
        .join("\n    ");
    let maplayers: String = layers
        .iter()
        .map(|s| {
            format!(
                r#"<maplayer type="vector" geometry="{}" labelsEnabled="{}"><id>{}</id><datasource>./{}</datasource><layername>{}</layername><srs>{WGS84}</srs><provider encoding="UTF-8">ogr</provider>{}{}</maplayer>"#,
                s.geometry,
                s.label.is_some() as u8,
                id(s),
                escape(s.file.as_str()),
                escape(s.name.as_str()),
                renderer(s),
                aliases(s)
            )
        })
        .collect::<Vec<_>>()
        .join("\n    ");
    let order: String = layers
        .iter()
        .map(|s| format!(r#"<item>{}</item>"#, id(s)))
        .collect();
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n<qgis projectname=\"{}\" version=\"3.22.0\">\n  <title>{}</title>\n  <projectCrs>{WGS84}</projectCrs>\n  <layer-tree-group>\n    {tree}\n    <custom-order enabled=\"0\">{order}</custom-order>\n  </layer-tree-group>\n  <projectlayers>\n    {maplayers}\n  </projectlayers>\n  <properties><SpatialRefSys><ProjectionsEnabled type=\"int\">1</ProjectionsEnabled></SpatialRefSys></properties>\n</qgis>\n",
        escape(title),
        escape(title)
    )
}

/// The styles of carecover's four layers for a plan with these tiers (name and the label
/// people read), in `lang`: layer names, category labels and field aliases.
pub fn styles(tiers: &[(String, String)], lang: Lang) -> Vec<LayerStyle> {
    let t = |zh: &str, en: &str| lang.pick(zh, en).to_string();
    let by_tier = || {
        tiers
            .iter()
            .enumerate()
            .map(|(k, (name, label))| {
                (name.clone(), label.clone(), {
                    let (r, g, b) = super::tier_rgb(k);
                    (r, g, b, 255)
                })
            })
            .collect::<Vec<_>>()
    };
    let aliases = match lang {
        Lang::Zh => ALIASES_ZH.to_vec(),
        Lang::En => Vec::new(),
    };
    vec![
        LayerStyle {
            file: "sites.geojson".into(),
            name: t("场地", "sites"),
            geometry: "Point",
            field: "tier".into(),
            categories: by_tier(),
            label: Some("name".into()),
            marker: ("triangle", 5.0),
            aliases: aliases.clone(),
        },
        LayerStyle {
            file: "villages.geojson".into(),
            name: t("村", "villages"),
            geometry: "Point",
            field: "service".into(),
            categories: vec![
                ("covered".into(), t("已覆盖", "covered"), (26, 150, 65, 255)),
                (
                    "uncovered".into(),
                    t("不在任何服务半径内", "outside every radius"),
                    (215, 25, 28, 255),
                ),
                (
                    "off_network".into(),
                    t("不在路网上", "off the road network"),
                    (120, 120, 120, 255),
                ),
            ],
            label: Some("name".into()),
            marker: ("circle", 2.6),
            aliases: aliases.clone(),
        },
        LayerStyle {
            file: "assignments.geojson".into(),
            name: t("服务关系", "assignments"),
            geometry: "Line",
            field: "tier".into(),
            categories: by_tier(),
            label: None,
            marker: ("circle", 2.0),
            aliases: aliases.clone(),
        },
        LayerStyle {
            file: "service_areas.geojson".into(),
            name: t("服务范围", "service areas"),
            geometry: "Polygon",
            field: "tier".into(),
            categories: by_tier(),
            label: None,
            marker: ("circle", 2.0),
            aliases,
        },
    ]
}
