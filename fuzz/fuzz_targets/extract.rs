//! Library text extraction, a pure function of the uploaded bytes:
//! `retrace_app::extract::text_of` for the format chosen by the first
//! byte (TXT, Markdown, HTML, PDF, DOCX, ODT). Its contract is that
//! hostile input yields `None`, never a panic: the target aborts on any
//! panic, even one the extractor's guard would catch.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_domain::library::DocumentFormat;

fuzz_target!(|input: &[u8]| {
    let Some((&which, bytes)) = input.split_first() else {
        return;
    };
    let formats = DocumentFormat::ALL;
    let format = formats[usize::from(which) % formats.len()];
    if let Some(text) = retrace_app::extract::text_of(format, bytes) {
        assert!(!text.is_empty() && text.trim() == text);
    }
});
