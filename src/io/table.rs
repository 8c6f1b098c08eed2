//! Tabular inputs as the bureau keeps them: spreadsheets (XLSX, XLS, ODS, via `calamine`) and
//! CSV files whose headers are not carecover's (a village roster's 村名, 所属镇街, 60岁以上老人,
//! 经度, 纬度). A [`TableOptions`] names the sheet and maps carecover's field names to the file's
//! headers; rows then go through the same checks as any other input.

use super::row::Row;
use crate::error::{Error, Result};
use calamine::{Data, Range, Reader};
use std::collections::BTreeMap;
use std::path::Path;

/// How to read a table: which sheet, and which header holds each field.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableOptions {
    /// Sheet name (spreadsheets); default: the first sheet.
    pub sheet: Option<String>,
    /// carecover field → header in the file, e.g. `elders = "60岁以上老人"`.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
}

impl TableOptions {
    /// Renames the file's headers to field names; a mapped header missing from the file is an
    /// error naming it and listing the headers there are.
    pub(crate) fn rename(&self, file: &Path, headers: &mut [String]) -> Result<()> {
        // A column named twice would be read from its first copy only.
        for (k, h) in headers.iter().enumerate() {
            if !h.trim().is_empty()
                && let Some(first) = headers[..k].iter().position(|o| o.trim() == h.trim())
            {
                return Err(Error::file(
                    file,
                    format!(
                        "column `{}` appears twice in the header (columns {} and {}): rename or remove one",
                        h.trim(),
                        first + 1,
                        k + 1
                    ),
                ));
            }
        }
        for (field, header) in &self.columns {
            if field != header && headers.iter().any(|h| h.trim() == field) {
                return Err(Error::file(
                    file,
                    format!(
                        "the scenario maps `{field}` to column `{header}`, but the header also has a column `{field}`: remove the mapping or rename that column"
                    ),
                ));
            }
            match headers.iter_mut().find(|h| h.trim() == header.trim()) {
                Some(h) => *h = field.clone(),
                None => {
                    return Err(Error::file(
                        file,
                        format!(
                            "the scenario maps `{field}` to column `{header}`, which is not in the header: {}",
                            headers.join(", ")
                        ),
                    ));
                }
            }
        }
        Ok(())
    }

    /// An error about a mapped field, told by the user's heading: "field `elders`" becomes
    /// "column `60岁以上老人` (field `elders`)".
    pub(crate) fn name_fields(&self, e: Error) -> Error {
        let Error::Input {
            file,
            place,
            mut message,
        } = e
        else {
            return e;
        };
        let mut place = place;
        for (field, header) in &self.columns {
            let from = format!("field `{field}`");
            let to = format!("column `{header}` (field `{field}`)");
            place = place.map(|p| p.replace(&from, &to));
            message = message.replace(&from, &to);
        }
        Error::Input {
            file,
            place,
            message,
        }
    }

    /// Renames the properties of GeoJSON features (`rows`) like [`TableOptions::rename`]; a
    /// mapped property that no feature has is an error. The mapped property wins over one
    /// already named like the field (e.g. the feature's own `id`).
    pub(crate) fn rename_rows(&self, file: &Path, rows: &mut [Row]) -> Result<()> {
        for (field, header) in &self.columns {
            let mut seen = false;
            for r in rows.iter_mut() {
                if r.fields.iter().any(|(k, _)| k.trim() == header.trim()) {
                    r.fields.retain(|(k, _)| k != field);
                }
                for (k, _) in r
                    .fields
                    .iter_mut()
                    .filter(|(k, _)| k.trim() == header.trim())
                {
                    *k = field.clone();
                    seen = true;
                }
            }
            if !seen {
                return Err(Error::file(
                    file,
                    format!(
                        "the scenario maps `{field}` to property `{header}`, which no feature has"
                    ),
                ));
            }
        }
        Ok(())
    }
}

pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(t) => t.as_f64().to_string(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// A workbook's sheet by name (default: the first), with an error listing the sheets there are.
pub(crate) fn open_sheet(file: &Path, sheet: Option<&str>) -> Result<(String, Range<Data>)> {
    let mut book = calamine::open_workbook_auto(file)
        .map_err(|e| Error::file(file, format!("not a readable spreadsheet: {e}")))?;
    let names = book.sheet_names();
    let sheet = match sheet {
        Some(s) if names.iter().any(|n| n == s) => s.to_string(),
        Some(s) => {
            return Err(Error::file(
                file,
                format!("no sheet `{s}`; the sheets are: {}", names.join(", ")),
            ));
        }
        None => names
            .first()
            .cloned()
            .ok_or_else(|| Error::file(file, "the workbook has no sheets"))?,
    };
    let range = book
        .worksheet_range(&sheet)
        .map_err(|e| Error::file(file, format!("cannot read sheet `{sheet}`: {e}")))?;
    Ok((sheet, range))
}

/// Reads a spreadsheet's sheet as rows: the first non-empty row is the header; blank rows are
/// skipped. Each row's place is "sheet `name`, row N" with N as the spreadsheet shows it.
pub(crate) fn for_each_sheet_row<'a>(
    file: &'a Path,
    options: &TableOptions,
    required: &[&str],
    mut each: impl FnMut(Row<'a>) -> Result<()>,
) -> Result<()> {
    let (sheet, range) = open_sheet(file, options.sheet.as_deref())?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range
        .rows()
        .enumerate()
        .filter(|(_, r)| r.iter().any(|c| !matches!(c, Data::Empty)));
    let Some((_, header_row)) = rows.next() else {
        return Err(Error::file(file, format!("sheet `{sheet}` is empty")));
    };
    let mut headers: Vec<String> = header_row
        .iter()
        .map(|c| cell_text(c).trim().to_string())
        .collect();
    options.rename(file, &mut headers)?;
    super::check_columns(file, &headers, required)?;
    let mut n = 0;
    for (k, r) in rows {
        each(Row {
            file,
            place: format!("sheet `{sheet}`, row {}", first_row + k + 1),
            fields: headers
                .iter()
                .cloned()
                .zip(r.iter().map(cell_text))
                .collect(),
        })?;
        n += 1;
    }
    if n == 0 {
        return Err(Error::file(
            file,
            format!("sheet `{sheet}` has a header but no data rows"),
        ));
    }
    Ok(())
}
