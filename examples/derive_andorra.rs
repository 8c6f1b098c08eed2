//! Derives the default scenario's villages and sites from Andorra's OpenStreetMap extract.
//!
//! ```text
//! cargo run --release --example derive_andorra            # rewrites data/andorra/{villages,sites}.csv
//! cargo run --release --example derive_andorra -- --check # fails if the shipped files differ
//! ```
//!
//! How (also in data/README.md):
//! - Towns are the 7 parishes (`boundary=administrative`, `admin_level=7`); a place belongs to
//!   the parish polygon that contains it (the nearest parish if none does).
//! - Villages are the `place=town|village|hamlet|isolated_dwelling` nodes. Population is the
//!   OSM `population` tag where present; otherwise every building (`building=*` way, at its
//!   mean vertex) is given to the nearest such place within `BUILDING_RADIUS_M`, and the place's
//!   population is `PERSONS_PER_BUILDING` times its buildings. Elders (60+) are
//!   `ELDER_SHARE` of the population, rounded.
//! - Sites are public buildings that could host a facility: `townhall` (amenity=townhall,
//!   office=government, amenity=public_building), `clinic` (amenity=hospital|doctors|clinic,
//!   healthcare=doctor|hospital|clinic), `school` (amenity=school|kindergarten), `church`
//!   (amenity=place_of_worship), `library`, `post_office`, `community_centre`
//!   (amenity=community_centre|social_centre), and `nursing_home` (amenity=nursing_home or
//!   social_facility=nursing_home|assisted_living), which is marked as an existing facility.
//!   Costs are left to the scenario (per tier and kind).

use carecover::io::{OsmExtract, OsmPoi, read_osm_extract};
use carecover::model::LonLat;
use carecover::network::haversine_m;
use geo::{Contains, Distance, Euclidean, Point};
use std::path::Path;

const PBF: &str = "data/andorra/andorra-geofabrik-2021-06-22.osm.pbf";
const VILLAGE_PLACES: &[&str] = &["town", "village", "hamlet", "isolated_dwelling"];
const BUILDING_RADIUS_M: f64 = 1000.0;
const PERSONS_PER_BUILDING: f64 = 4.0;
const ELDER_SHARE: f64 = 0.22;

fn kind(p: &OsmPoi) -> Option<&'static str> {
    let amenity = p.tag("amenity").unwrap_or_default();
    let healthcare = p.tag("healthcare").unwrap_or_default();
    let social = p.tag("social_facility").unwrap_or_default();
    Some(match () {
        _ if amenity == "nursing_home" || matches!(social, "nursing_home" | "assisted_living") => {
            "nursing_home"
        }
        _ if matches!(amenity, "townhall" | "public_building")
            || p.tag("office") == Some("government") =>
        {
            "townhall"
        }
        _ if matches!(amenity, "hospital" | "doctors" | "clinic")
            || matches!(healthcare, "doctor" | "hospital" | "clinic") =>
        {
            "clinic"
        }
        _ if matches!(amenity, "school" | "kindergarten") => "school",
        _ if amenity == "place_of_worship" => "church",
        _ if amenity == "library" => "library",
        _ if amenity == "post_office" => "post_office",
        _ if matches!(amenity, "community_centre" | "social_centre") => "community_centre",
        _ => return None,
    })
}

fn parish_of(extract: &OsmExtract, p: LonLat) -> String {
    let pt = Point::new(p.lon, p.lat);
    let parishes = extract
        .boundaries
        .iter()
        .filter(|(_, level, _)| *level == 7);
    if let Some((name, _, _)) = parishes.clone().find(|(_, _, mp)| mp.contains(&pt)) {
        return name.clone();
    }
    parishes
        .min_by(|a, b| {
            Euclidean
                .distance(&a.2, &pt)
                .total_cmp(&Euclidean.distance(&b.2, &pt))
        })
        .map(|(n, _, _)| n.clone())
        .unwrap_or_default()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let check = std::env::args().any(|a| a == "--check");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let extract = read_osm_extract(&root.join(PBF))?;
    let parishes = extract.boundaries.iter().filter(|b| b.1 == 7).count();
    assert_eq!(parishes, 7, "Andorra has 7 parishes");

    let places: Vec<_> = extract
        .places
        .iter()
        .filter(|p| VILLAGE_PLACES.contains(&p.place.as_str()) && !p.name.is_empty())
        .collect();
    let mut buildings = vec![0usize; places.len()];
    for b in &extract.buildings {
        let nearest = places
            .iter()
            .enumerate()
            .map(|(i, p)| (i, haversine_m(*b, p.location)))
            .min_by(|x, y| x.1.total_cmp(&y.1).then(x.0.cmp(&y.0)));
        if let Some((i, d)) = nearest
            && d <= BUILDING_RADIUS_M
        {
            buildings[i] += 1;
        }
    }
    let mut villages = csv::Writer::from_writer(Vec::new());
    villages.write_record([
        "id",
        "name",
        "town",
        "lon",
        "lat",
        "population",
        "elders",
        "place",
        "population_source",
        "buildings",
    ])?;
    for (i, p) in places.iter().enumerate() {
        let (population, source) = match p.population {
            Some(pop) => (pop, "osm_population_tag"),
            None => (
                buildings[i] as f64 * PERSONS_PER_BUILDING,
                "buildings_estimate",
            ),
        };
        villages.write_record([
            format!("n{}", p.osm_id),
            p.name.clone(),
            parish_of(&extract, p.location),
            format!("{:.7}", p.location.lon),
            format!("{:.7}", p.location.lat),
            format!("{population:.0}"),
            format!("{:.0}", (population * ELDER_SHARE).round()),
            p.place.clone(),
            source.to_string(),
            buildings[i].to_string(),
        ])?;
    }

    let mut sites = csv::Writer::from_writer(Vec::new());
    sites.write_record([
        "id", "name", "town", "kind", "lon", "lat", "cost", "existing", "capacity",
    ])?;
    for p in &extract.pois {
        let Some(k) = kind(p) else { continue };
        let name = p.tag("name").unwrap_or(k).to_string();
        sites.write_record([
            p.osm_ref.clone(),
            name,
            parish_of(&extract, p.location),
            k.to_string(),
            format!("{:.7}", p.location.lon),
            format!("{:.7}", p.location.lat),
            String::new(),
            if k == "nursing_home" { "1" } else { "0" }.to_string(),
            String::new(),
        ])?;
    }

    let outputs = [
        ("data/andorra/villages.csv", villages.into_inner()?),
        ("data/andorra/sites.csv", sites.into_inner()?),
    ];
    for (path, bytes) in outputs {
        let path = root.join(path);
        if check {
            let shipped = std::fs::read(&path)?;
            if shipped != bytes {
                return Err(format!(
                    "{} differs from what the derivation produces",
                    path.display()
                )
                .into());
            }
            println!("{} is up to date", path.display());
        } else {
            std::fs::write(&path, &bytes)?;
            println!(
                "wrote {} ({} rows)",
                path.display(),
                bytes.iter().filter(|&&b| b == b'\n').count() - 1
            );
        }
    }
    Ok(())
}
