// </pre><script>window.__pwned=4</script><img src=x onerror="window.__pwned=5">
pub fn read_config() -> String {
    std::fs::read_to_string("\"><svg onload=window.__pwned=6>").unwrap_or_default()
}
