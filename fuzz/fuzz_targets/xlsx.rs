//! XLSX import, structure-aware: a workbook assembled from the input
//! (sheet cells with any reference, type, style, value and formula;
//! shared strings; styles with number formats, so dates; or a raw sheet
//! part) read by the import's reader and planned, as `csv_import` does
//! with the bytes of a file.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use retrace_app::csv_import::{
    ColumnMapping, ImportKind, MAX_UPLOAD_BYTES, TextEncoding, read_table,
};
use std::collections::BTreeSet;
use std::io::Write;

#[derive(Arbitrary, Debug)]
enum Reference {
    At(u8, u8),
    Raw(String),
    Missing,
}

#[derive(Arbitrary, Debug)]
struct Cell {
    reference: Reference,
    kind: Option<String>,
    kind_index: u8,
    style: Option<u8>,
    value: String,
    formula: Option<String>,
    inline: bool,
}

#[derive(Arbitrary, Debug)]
struct Workbook {
    sheet_name: String,
    rows: Vec<(Option<u32>, Vec<Cell>)>,
    raw_sheet: Option<String>,
    dimension: Option<String>,
    shared: Vec<String>,
    number_formats: Vec<(u16, String)>,
    cell_formats: Vec<u16>,
    date1904: bool,
    kind: bool,
}

const KINDS: [&str; 7] = ["s", "str", "inlineStr", "b", "e", "n", "d"];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn column(mut index: u32) -> String {
    let mut name = String::new();
    loop {
        name.insert(0, char::from(b'A' + (index % 26) as u8));
        if index < 26 {
            return name;
        }
        index = index / 26 - 1;
    }
}

fn sheet_xml(book: &Workbook) -> String {
    if let Some(raw) = &book.raw_sheet {
        return raw.clone();
    }
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
    );
    if let Some(dimension) = &book.dimension {
        xml.push_str(&format!("<dimension ref=\"{}\"/>", escape(dimension)));
    }
    xml.push_str("<sheetData>");
    for (number, cells) in &book.rows {
        match number {
            Some(n) => xml.push_str(&format!("<row r=\"{n}\">")),
            None => xml.push_str("<row>"),
        }
        for cell in cells {
            xml.push_str("<c");
            match &cell.reference {
                Reference::At(row, col) => xml.push_str(&format!(
                    " r=\"{}{}\"",
                    column(u32::from(*col)),
                    u32::from(*row) + 1
                )),
                Reference::Raw(raw) => xml.push_str(&format!(" r=\"{}\"", escape(raw))),
                Reference::Missing => {}
            }
            let kind = cell
                .kind
                .as_deref()
                .unwrap_or(KINDS[usize::from(cell.kind_index) % KINDS.len()]);
            xml.push_str(&format!(" t=\"{}\"", escape(kind)));
            if let Some(style) = cell.style {
                xml.push_str(&format!(" s=\"{style}\""));
            }
            xml.push('>');
            if let Some(formula) = &cell.formula {
                xml.push_str(&format!("<f>{}</f>", escape(formula)));
            }
            if cell.inline {
                xml.push_str(&format!("<is><t>{}</t></is>", escape(&cell.value)));
            } else {
                xml.push_str(&format!("<v>{}</v>", escape(&cell.value)));
            }
            xml.push_str("</c>");
        }
        xml.push_str("</row>");
    }
    xml.push_str("</sheetData></worksheet>");
    xml
}

fn zip_of(parts: &[(&str, String)]) -> Option<Vec<u8>> {
    let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, text) in parts {
        writer.start_file(*name, options).ok()?;
        writer.write_all(text.as_bytes()).ok()?;
    }
    Some(writer.finish().ok()?.into_inner())
}

fuzz_target!(|book: Workbook| {
    let content_types = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/><Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/><Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/></Types>";
    let rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>";
    let workbook = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><workbookPr date1904=\"{}\"/><sheets><sheet name=\"{}\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        u8::from(book.date1904),
        escape(&book.sheet_name)
    );
    let workbook_rels = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/><Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/></Relationships>";
    let mut shared = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" count=\"{0}\" uniqueCount=\"{0}\">",
        book.shared.len()
    );
    for text in &book.shared {
        shared.push_str(&format!("<si><t>{}</t></si>", escape(text)));
    }
    shared.push_str("</sst>");
    let mut styles = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><numFmts>",
    );
    for (id, code) in &book.number_formats {
        styles.push_str(&format!(
            "<numFmt numFmtId=\"{id}\" formatCode=\"{}\"/>",
            escape(code)
        ));
    }
    styles.push_str("</numFmts><cellXfs>");
    for id in &book.cell_formats {
        styles.push_str(&format!("<xf numFmtId=\"{id}\"/>"));
    }
    styles.push_str("</cellXfs></styleSheet>");
    let Some(bytes) = zip_of(&[
        ("[Content_Types].xml", content_types.to_owned()),
        ("_rels/.rels", rels.to_owned()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", workbook_rels.to_owned()),
        ("xl/worksheets/sheet1.xml", sheet_xml(&book)),
        ("xl/sharedStrings.xml", shared),
        ("xl/styles.xml", styles),
    ]) else {
        return;
    };
    let table = match read_table(&bytes, TextEncoding::Detect, MAX_UPLOAD_BYTES) {
        Ok(table) => table,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let kind = if book.kind {
        ImportKind::Requests
    } else {
        ImportKind::Registrations
    };
    let mapping = ColumnMapping::by_header_names(kind, &table.headers);
    retrace_fuzz::plan_table(kind, &mapping, &table, "upload.xlsx", &BTreeSet::new());
});
