// Build script: generates code into OUT_DIR that src/main.rs include!s.
// What the generated code does is invisible to a source reader that does
// not run build.rs; an auditor must report it as a blind spot.
use std::env;
use std::fs;
use std::path::Path;

fn main() {
    let out_dir = env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    let dest = Path::new(&out_dir).join("gen.rs");
    fs::write(
        &dest,
        "pub fn generated() -> std::io::Result<String> {\n    \
         std::fs::read_to_string(\"/etc/hostname\")\n}\n",
    )
    .expect("write gen.rs");
    println!("cargo:rerun-if-changed=build.rs");
}
