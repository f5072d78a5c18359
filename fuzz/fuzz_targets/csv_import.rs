//! The CSV (and XLSX) import: the bytes of an uploaded file read as the
//! import reads them (encoding, separator, XLSX told apart by content),
//! mapped by its header names and planned row by row (validation, record
//! ids, duplicates in the file) for both kinds of import.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_app::csv_import::{
    ColumnMapping, ImportKind, MAX_UPLOAD_BYTES, TextEncoding, read_table,
};
use std::collections::BTreeSet;

fuzz_target!(|input: &[u8]| {
    let Some((&flags, bytes)) = input.split_first() else {
        return;
    };
    let encoding = if flags & 1 == 0 {
        TextEncoding::Detect
    } else {
        TextEncoding::Windows1252
    };
    let kind = if flags & 2 == 0 {
        ImportKind::Registrations
    } else {
        ImportKind::Requests
    };
    let table = match read_table(bytes, encoding, MAX_UPLOAD_BYTES) {
        Ok(table) => table,
        Err(error) => {
            let _ = error.to_string();
            return;
        }
    };
    let mut mapping = ColumnMapping::by_header_names(kind, &table.headers);
    if flags & 4 != 0 {
        // A saved mapping naming columns by position instead.
        for (field, header) in kind.fields().iter().zip(&table.headers) {
            mapping.columns.insert((*field).to_owned(), header.clone());
        }
    }
    let _ = ColumnMapping::from_json(&mapping.to_json());
    let create_anyway: BTreeSet<u64> = table
        .rows
        .iter()
        .map(|(line, _)| *line)
        .step_by(3)
        .collect();
    retrace_fuzz::plan_table(kind, &mapping, &table, "upload.csv", &create_anyway);
});
