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

/// The map's shapes carry their transparency as `opacity` (plotters' SVG), which a renderer
/// honours by painting the element into a canvas-sized layer of its own and blending that: one
/// layer per road line and service area, most of map.png's cost. On an element with only a fill
/// or only a stroke, `fill-opacity` or `stroke-opacity` looks the same and is painted directly;
/// elements with both keep `opacity`.
fn paint_opacity(svg: &str) -> String {
    let mut out = String::with_capacity(svg.len() + svg.len() / 16);
    let mut rest = svg;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..]
            .find('>')
            .map_or(rest.len(), |e| start + e + 1);
        let tag = &rest[start..end];
        let fill_none = tag.contains(" fill=\"none\"");
        let stroke_none = !tag.contains(" stroke=\"") || tag.contains(" stroke=\"none\"");
        match (tag.contains(" opacity=\""), fill_none, stroke_none) {
            (true, true, false) => out.push_str(&tag.replacen(" opacity=", " stroke-opacity=", 1)),
            (true, false, true) => out.push_str(&tag.replacen(" opacity=", " fill-opacity=", 1)),
            _ => out.push_str(tag),
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
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
    let svg = paint_opacity(svg);
    let tree = usvg::Tree::from_str(&svg, &options).map_err(|e| fail(format!("map.svg: {e}")))?;
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

#[cfg(test)]
mod opacity_tests {
    use super::*;

    /// Pixels of `svg` rasterized as `render` does, without fonts.
    fn pixels(svg: &str) -> Vec<u8> {
        let tree = usvg::Tree::from_str(svg, &usvg::Options::default()).unwrap();
        let size = tree.size().to_int_size();
        let mut pixmap = resvg::tiny_skia::Pixmap::new(size.width(), size.height()).unwrap();
        resvg::render(&tree, Default::default(), &mut pixmap.as_mut());
        pixmap.data().to_vec()
    }

    #[test]
    fn fill_and_stroke_opacity_paint_what_element_opacity_painted() {
        let svg = r##"<svg xmlns="http://www.w3.org/2000/svg" width="60" height="40">
<rect x="0" y="0" width="60" height="40" fill="#FFFFFF"/>
<polygon opacity="0.18" fill="#377EB8" points="5,5 50,8 30,35 5,5"/>
<polygon opacity="0.4" fill="#E41A1C" points="20,2 58,20 20,38"/>
<polyline fill="none" opacity="0.6" stroke="#4DAF4A" stroke-width="3" points="0,30 55,4 10,10 50,36"/>
<circle cx="30" cy="20" r="6" opacity="0.5" fill="#984EA3" stroke="#000000" stroke-width="2"/>
<text x="2" y="38" opacity="0.7">a &lt; b</text>
</svg>"##;
        let rewritten = paint_opacity(svg);
        assert_eq!(rewritten.matches("fill-opacity=").count(), 3, "{rewritten}");
        assert_eq!(
            rewritten.matches("stroke-opacity=").count(),
            1,
            "{rewritten}"
        );
        // Fill and stroke both: kept as element opacity (they would differ where they overlap).
        assert!(rewritten.contains(r#"<circle cx="30" cy="20" r="6" opacity="0.5""#));
        assert!(rewritten.contains("a &lt; b</text>"));
        let (before, after) = (pixels(svg), pixels(&rewritten));
        let worst = before
            .iter()
            .zip(&after)
            .map(|(a, b)| a.abs_diff(*b))
            .max()
            .unwrap();
        // The same picture: only anti-aliased pixels where a stroke crosses itself differ, by a
        // few levels of 255 (measured: 9 at most, on the self-crossing polyline).
        let mean = before
            .iter()
            .zip(&after)
            .map(|(a, b)| a.abs_diff(*b) as f64)
            .sum::<f64>()
            / before.len() as f64;
        assert!(
            worst <= 12 && mean < 0.5,
            "pixels differ by up to {worst}, {mean} on average"
        );
    }
}
