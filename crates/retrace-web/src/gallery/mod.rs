//! Trace the Face outside the routes: posters (the print page and the
//! PDF) and the page templates. Photo processing, the media directory and
//! the public page cache are `retrace-app`'s.

pub mod pdf;
pub mod poster;
pub mod views;
