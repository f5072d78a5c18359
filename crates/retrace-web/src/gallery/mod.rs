//! Trace the Face outside the routes: photo processing (decode under
//! limits, orient, crop, re-encode without metadata), the media directory,
//! the public page cache, posters and the bot traps of the report form.

pub mod cache;
pub mod media;
pub mod pdf;
pub mod photo;
pub mod poster;
pub mod views;

pub use media::MediaStore;
pub use photo::{PhotoError, ProcessedPhoto, demo_photo, demo_portrait, process_upload};
