/// Reaches the filesystem through tempfile.
pub fn scratch() -> std::io::Result<std::fs::File> {
    tempfile::tempfile()
}
