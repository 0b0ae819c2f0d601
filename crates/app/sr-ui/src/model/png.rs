//! The designer's "Export PNG": 8-bit RGBA pixels into a compressed PNG
//! file through the `png` crate.

/// `rgba` (`width × height` pixels, 4 bytes each, rows top to bottom) as
/// a PNG file. `None` when the sizes do not match or the encoder fails.
pub fn encode_rgba(width: u32, height: u32, rgba: &[u8]) -> Option<Vec<u8>> {
    let row = usize::try_from(width).ok()?.checked_mul(4)?;
    if rgba.len() != row.checked_mul(usize::try_from(height).ok()?)? {
        return None;
    }
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgba);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().ok()?;
    writer.write_image_data(rgba).ok()?;
    writer.finish().ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pixels back out of a file, through the `png` crate's decoder.
    fn decode(file: &[u8]) -> (u32, u32, Vec<u8>) {
        let mut reader = png::Decoder::new(std::io::Cursor::new(file))
            .read_info()
            .expect("a PNG header");
        let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
        let info = reader.next_frame(&mut pixels).expect("one frame");
        assert_eq!(info.color_type, png::ColorType::Rgba);
        pixels.truncate(info.buffer_size());
        (info.width, info.height, pixels)
    }

    #[test]
    fn images_round_trip_and_compress() {
        let check = |w: u32, h: u32| {
            let rgba: Vec<u8> = (0..w * h * 4).map(|i| (i * 7 % 251) as u8).collect();
            let png = encode_rgba(w, h, &rgba).expect("sizes match");
            assert_eq!(decode(&png), (w, h, rgba), "{w}×{h}");
        };
        check(1, 1);
        check(3, 2);
        check(200, 120);
        assert_eq!(encode_rgba(2, 2, &[0; 15]), None);
        // A diagram is mostly background: far smaller than its pixels.
        let blank = vec![255u8; 400 * 300 * 4];
        let png = encode_rgba(400, 300, &blank).expect("sizes match");
        assert!(png.len() < blank.len() / 20, "{} bytes", png.len());
    }
}
