//! `map.png`: `map.svg` rasterized with `resvg` (pure Rust) for pasting into a Word report.
//! 2.5× the SVG's 900 px, so 2,250 px wide: about 19 cm at 300 dpi, an A4 page's text width.
//!
//! The labels are Chinese in a Chinese scenario, so the rasterizer needs a Chinese font. None is
//! shipped (a CJK font is 10–20 MB); the scenario's `[output] font` is used if given, else the
//! first of the common Chinese families found among the system's fonts (Windows: Microsoft
//! YaHei, SimHei, SimSun; macOS: PingFang SC; Linux: Noto Sans CJK SC from `fonts-noto-cjk`,
//! WenQuanYi). Where none is found, Chinese labels would come out as empty boxes: the PNG is
//! still written (the shapes are right) and [`MapPng::font`] is `None`, so the caller can say
//! so.

use crate::error::{Error, Result};
use resvg::usvg::{self, fontdb};
use std::path::Path;

/// Pixels per SVG pixel.
const SCALE: f32 = 2.5;

/// Chinese font families in order of preference (English names, as the font files give them).
const CJK_FAMILIES: [&str; 14] = [
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Microsoft YaHei",
    "PingFang SC",
    "Hiragino Sans GB",
    "SimHei",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Noto Serif CJK SC",
    "SimSun",
    "Droid Sans Fallback",
    "AR PL UMing CN",
];

/// A rendered map and the font family its labels used.
pub struct MapPng {
    pub png: Vec<u8>,
    /// The Chinese-capable family used for `sans-serif`, if one was found.
    pub font: Option<String>,
}

/// The fonts to render with: the scenario's font file, else the system's, with `sans-serif`
/// (what map.svg asks for) set to a Chinese-capable family where there is one.
fn fonts(font_file: Option<&Path>) -> Result<(fontdb::Database, Option<String>)> {
    let mut db = fontdb::Database::new();
    let family = if let Some(file) = font_file {
        db.load_font_file(file)
            .map_err(|e| Error::file(file, format!("cannot read the `[output] font` file: {e}")))?;
        let family = db
            .faces()
            .flat_map(|f| f.families.first())
            .map(|(name, _)| name.clone())
            .next();
        if family.is_none() {
            return Err(Error::file(
                file,
                "the `[output] font` file holds no usable font face",
            ));
        }
        family
    } else {
        db.load_system_fonts();
        CJK_FAMILIES
            .iter()
            .find(|want| {
                db.faces()
                    .any(|f| f.families.iter().any(|(name, _)| name == *want))
            })
            .map(|f| f.to_string())
    };
    if let Some(f) = &family {
        db.set_sans_serif_family(f.clone());
    }
    Ok((db, family))
}

/// Rasterizes `svg` (carecover's own map.svg) to PNG.
pub fn render(svg: &str, font_file: Option<&Path>) -> Result<MapPng> {
    let (db, font) = fonts(font_file)?;
    let mut options = usvg::Options::default();
    if let Some(f) = &font {
        options.font_family = f.clone();
    }
    options.fontdb = std::sync::Arc::new(db);
    let fail = |what: String| Error::Write {
        file: "map.png".into(),
        source: std::io::Error::other(what),
    };
    let tree = usvg::Tree::from_str(svg, &options).map_err(|e| fail(format!("map.svg: {e}")))?;
    let size = tree
        .size()
        .to_int_size()
        .scale_by(SCALE)
        .ok_or_else(|| fail("map too large to rasterize".into()))?;
    let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height())
        .ok_or_else(|| fail("map too large to rasterize".into()))?;
    resvg::render(
        &tree,
        resvg::tiny_skia::Transform::from_scale(SCALE, SCALE),
        &mut pixmap.as_mut(),
    );
    let png = pixmap.encode_png().map_err(|e| fail(e.to_string()))?;
    Ok(MapPng { png, font })
}
