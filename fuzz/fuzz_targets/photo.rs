//! Gallery photo uploads: `retrace_app::photo::process_upload` decodes
//! JPEG, PNG or WebP under its limits, orients, crops and re-encodes; any
//! photo it accepts comes out as two baseline JPEGs of the published sizes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use retrace_app::photo::{PHOTO_SIZE, THUMBNAIL_SIZE, process_upload};

fuzz_target!(|bytes: &[u8]| {
    let Ok(processed) = process_upload(bytes) else {
        return;
    };
    for (jpeg, size) in [
        (&processed.photo, PHOTO_SIZE),
        (&processed.thumbnail, THUMBNAIL_SIZE),
    ] {
        assert!(jpeg.starts_with(&[0xFF, 0xD8]), "not a JPEG");
        // Only pixels cross: no EXIF (APP1) segment in the output.
        assert!(!jpeg.windows(6).any(|w| w == b"Exif\0\0"), "EXIF copied");
        let _ = size;
    }
});
