//! Photos for the public gallery. An upload is decoded to pixels under
//! size, pixel and memory limits, turned upright from its EXIF orientation,
//! cropped to a 3:4 portrait, resized and encoded again as a baseline JPEG.
//! Only pixels cross from the upload to the output: EXIF (GPS included),
//! XMP, ICC profiles and comments are never copied, whatever the input.

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits, RgbImage};
use std::io::Cursor;

/// Largest upload accepted, in bytes.
pub const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Largest picture accepted, in pixels (40 megapixels).
pub const MAX_PIXELS: u64 = 40_000_000;
/// Longest side accepted, whatever the pixel count.
const MAX_SIDE: u32 = 16_384;
/// Memory the decoder may allocate.
const MAX_DECODER_ALLOC: u64 = 512 * 1024 * 1024;

/// The published photo and its thumbnail, 3:4 portraits.
pub const PHOTO_SIZE: (u32, u32) = (480, 640);
pub const THUMBNAIL_SIZE: (u32, u32) = (150, 200);
const PHOTO_QUALITY: u8 = 82;
const THUMBNAIL_QUALITY: u8 = 72;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error("the photo is larger than 10 MB")]
    TooLarge,
    #[error("the file is empty")]
    Empty,
    #[error("the photo must be a JPEG, PNG or WebP image")]
    UnsupportedFormat,
    #[error("the photo has more than 40 megapixels")]
    TooManyPixels,
    #[error("the photo is too small (at least 120 × 160 pixels)")]
    TooSmall,
    #[error("the photo could not be read: the file is damaged or not an image")]
    Unreadable,
    #[error("the photo could not be encoded")]
    Encoding,
}

#[derive(Debug, Clone)]
pub struct ProcessedPhoto {
    pub photo: Vec<u8>,
    pub thumbnail: Vec<u8>,
}

/// Decodes, checks, orients, crops and re-encodes an upload. CPU-bound:
/// call it from a blocking task.
pub fn process_upload(bytes: &[u8]) -> Result<ProcessedPhoto, PhotoError> {
    if bytes.is_empty() {
        return Err(PhotoError::Empty);
    }
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(PhotoError::TooLarge);
    }
    // The format comes from the bytes, never from the file name or the
    // declared content type.
    let format = image::guess_format(bytes).map_err(|_| PhotoError::UnsupportedFormat)?;
    if !matches!(
        format,
        ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP
    ) {
        return Err(PhotoError::UnsupportedFormat);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODER_ALLOC);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(PhotoError::TooManyPixels);
    }
    // A broken orientation tag is not worth refusing a photo for.
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    let rgb = flatten(image);
    if rgb.width() < 120 || rgb.height() < 160 {
        return Err(PhotoError::TooSmall);
    }
    let portrait = crop_portrait(&rgb);
    Ok(ProcessedPhoto {
        photo: encode(&portrait, PHOTO_SIZE, PHOTO_QUALITY)?,
        thumbnail: encode(&portrait, THUMBNAIL_SIZE, THUMBNAIL_QUALITY)?,
    })
}

fn classify(error: image::ImageError) -> PhotoError {
    match error {
        image::ImageError::Limits(_) => PhotoError::TooManyPixels,
        image::ImageError::Unsupported(_) => PhotoError::UnsupportedFormat,
        _ => PhotoError::Unreadable,
    }
}

/// RGB on a white background (transparent PNG and WebP areas become white).
fn flatten(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (target, source) in rgb.pixels_mut().zip(rgba.pixels()) {
        let alpha = u16::from(source.0[3]);
        for channel in 0..3 {
            let value = source.0.get(channel).copied().unwrap_or(0);
            let blended = (u16::from(value) * alpha + 255 * (255 - alpha)) / 255;
            if let Some(slot) = target.0.get_mut(channel) {
                *slot = u8::try_from(blended).unwrap_or(255);
            }
        }
    }
    rgb
}

/// The largest centred 3:4 portrait inside the picture.
fn crop_portrait(image: &RgbImage) -> RgbImage {
    let (width, height) = image.dimensions();
    let (crop_w, crop_h) = if u64::from(width) * 4 > u64::from(height) * 3 {
        (height * 3 / 4, height)
    } else {
        (width, width * 4 / 3)
    };
    let x = (width - crop_w) / 2;
    // Faces sit in the upper part of most portraits: keep the top third.
    let y = (height - crop_h) / 3;
    image::imageops::crop_imm(image, x, y, crop_w.max(1), crop_h.max(1)).to_image()
}

fn encode(
    image: &RgbImage,
    (width, height): (u32, u32),
    quality: u8,
) -> Result<Vec<u8>, PhotoError> {
    // A cheap halving first keeps the filtered resize of 40 MP photos fast.
    let mut source = image.clone();
    while source.width() >= width * 4 {
        source = image::imageops::resize(
            &source,
            source.width() / 2,
            source.height() / 2,
            FilterType::Triangle,
        );
    }
    let resized = image::imageops::resize(&source, width, height, FilterType::CatmullRom);
    let mut out = Vec::with_capacity(64 * 1024);
    JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&resized)
        .map_err(|_| PhotoError::Encoding)?;
    Ok(out)
}

/// A generated, non-photographic portrait for demo entries: a flat
/// geometric silhouette (head and shoulders) on a coloured background,
/// drawn from `seed`. No real face is involved.
pub fn demo_portrait(seed: u64) -> RgbImage {
    let palette: [[u8; 3]; 8] = [
        [0x2e, 0x5e, 0x8c],
        [0x8c, 0x3b, 0x2e],
        [0x3d, 0x7a, 0x4f],
        [0x6b, 0x4c, 0x8c],
        [0x8c, 0x74, 0x2e],
        [0x2e, 0x7a, 0x7a],
        [0x5a, 0x5a, 0x66],
        [0x9c, 0x4f, 0x6e],
    ];
    let pick = |shift: u32| -> [u8; 3] {
        let index = usize::try_from((seed >> shift) % 8).unwrap_or(0);
        palette.get(index).copied().unwrap_or([90, 90, 90])
    };
    let background = pick(0);
    let figure = {
        let base = pick(3);
        [
            base[0].saturating_add(90),
            base[1].saturating_add(90),
            base[2].saturating_add(90),
        ]
    };
    let (width, height) = PHOTO_SIZE;
    let head_r = 70.0 + ((seed >> 6) % 30) as f32;
    let head_y = 230.0 + ((seed >> 11) % 40) as f32;
    let shoulders = 170.0 + ((seed >> 16) % 50) as f32;
    let stripes = (seed >> 21) % 3;
    RgbImage::from_fn(width, height, |x, y| {
        let (fx, fy) = (x as f32, y as f32);
        let cx = width as f32 / 2.0;
        let in_head = (fx - cx).powi(2) + (fy - head_y).powi(2) <= head_r * head_r;
        let body_top = head_y + head_r + 20.0;
        let in_body = fy >= body_top && {
            let dy = fy - body_top;
            (fx - cx).abs() <= shoulders * (dy / 120.0).min(1.0).sqrt()
        };
        if in_head || in_body {
            image::Rgb(figure)
        } else {
            let band = match stripes {
                0 => (x / 40) % 2 == 0,
                1 => (y / 40) % 2 == 0,
                _ => ((x + y) / 50) % 2 == 0,
            };
            let shade = if band { 12 } else { 0 };
            image::Rgb([
                background[0].saturating_add(shade),
                background[1].saturating_add(shade),
                background[2].saturating_add(shade),
            ])
        }
    })
}

/// A demo portrait as the gallery stores it.
pub fn demo_photo(seed: u64) -> Result<ProcessedPhoto, PhotoError> {
    let portrait = demo_portrait(seed);
    Ok(ProcessedPhoto {
        photo: encode(&portrait, PHOTO_SIZE, PHOTO_QUALITY)?,
        thumbnail: encode(&portrait, THUMBNAIL_SIZE, THUMBNAIL_QUALITY)?,
    })
}
