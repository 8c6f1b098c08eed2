//! Text encodings of CSV files. Excel and WPS in China save "CSV" in GB18030 (GBK) unless told
//! to write UTF-8; both are read: a file that is not UTF-8 but decodes as GB18030 is
//! transcoded as it streams (`encoding_rs_io`), anything else is refused with what to do.

use crate::error::{Error, Result};
use std::io::{Cursor, Read};
use std::path::Path;

/// How much of a file is looked at to tell its encoding.
const SNIFF: usize = 64 * 1024;

/// The encoding `head` (the start of a file, perhaps cut inside a character) is in: UTF-8
/// (also with a BOM, and pure ASCII), or GB18030; `None` for neither.
fn sniff(head: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    match std::str::from_utf8(head) {
        Ok(_) => return Some(encoding_rs::UTF_8),
        // Cut inside a character at the end of the sample: still UTF-8.
        Err(e) if e.error_len().is_none() => return Some(encoding_rs::UTF_8),
        Err(_) => {}
    }
    // A GB18030 character is at most 4 bytes: allow the sample to end inside one.
    let cut = if head.len() == SNIFF { 3 } else { 0 };
    (0..=cut).find_map(|k| {
        encoding_rs::GB18030
            .decode_without_bom_handling_and_without_replacement(&head[..head.len() - k])
            .map(|_| encoding_rs::GB18030)
    })
}

fn unreadable(file: &Path) -> Error {
    Error::file(
        file,
        "is neither UTF-8 nor GB18030/GBK text: save it as UTF-8 (Excel: 另存为 → CSV UTF-8（逗号分隔）; WPS: 另存为 → UTF-8 编码的 CSV)",
    )
}

/// `reader` as UTF-8 text: as it is, or transcoded from GB18030.
pub(crate) fn utf8_reader(mut reader: Box<dyn Read>, file: &Path) -> Result<Box<dyn Read>> {
    let mut head = Vec::with_capacity(SNIFF);
    (&mut reader)
        .take(SNIFF as u64)
        .read_to_end(&mut head)
        .map_err(|source| Error::Read {
            file: file.to_path_buf(),
            source,
        })?;
    let encoding = sniff(&head).ok_or_else(|| unreadable(file))?;
    let whole = Cursor::new(head).chain(reader);
    if encoding == encoding_rs::UTF_8 {
        return Ok(Box::new(whole));
    }
    Ok(Box::new(
        encoding_rs_io::DecodeReaderBytesBuilder::new()
            .encoding(Some(encoding))
            .build(whole),
    ))
}

/// A whole file's bytes as UTF-8 text (see [`utf8_reader`]).
pub(crate) fn utf8_text(bytes: &[u8], file: &Path) -> Result<String> {
    let head = &bytes[..bytes.len().min(SNIFF)];
    match sniff(head) {
        Some(e) if e == encoding_rs::UTF_8 => {
            String::from_utf8(bytes.to_vec()).map_err(|_| unreadable(file))
        }
        Some(e) => e
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|t| t.into_owned())
            .ok_or_else(|| unreadable(file)),
        None => Err(unreadable(file)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_text_is_read_as_utf8_and_other_bytes_are_refused() {
        let text = "村名,老人数\n东村,200\n";
        let (gbk, _, _) = encoding_rs::GBK.encode(text);
        assert_ne!(&gbk[..], text.as_bytes());
        let mut out = String::new();
        utf8_reader(Box::new(Cursor::new(gbk.to_vec())), Path::new("v.csv"))
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        assert_eq!(utf8_text(&gbk, Path::new("v.csv")).unwrap(), text);
        let e = utf8_reader(
            Box::new(Cursor::new(vec![0x81, 0x20, 0xff])),
            Path::new("v.csv"),
        )
        .err()
        .unwrap()
        .to_string();
        assert!(e.contains("v.csv") && e.contains("UTF-8"), "{e}");
    }

    #[test]
    fn a_utf8_sample_cut_inside_a_character_is_still_utf8() {
        let long = "东".repeat(SNIFF); // 3 bytes each: the sample ends inside one
        assert_eq!(sniff(&long.as_bytes()[..SNIFF]), Some(encoding_rs::UTF_8));
    }
}
