//! A path dependency with a few effects.

use std::fs;

/// Reads the configuration under dir.
pub fn config(dir: &str) -> String {
    fs::read_to_string(format!("{dir}/.config/app")).unwrap_or_default()
}

/// Writes a marker file.
pub fn mark(dir: &str) {
    let _ = fs::write(format!("{dir}/.marker"), b"x");
}
