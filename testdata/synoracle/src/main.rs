//! synoracle: a differential-testing oracle for Warden's Rust parser.
//!
//! Parses Rust files with syn 1.x and prints one JSON line per file with
//! counts of selected syntax nodes (see README.md). A `--bench` mode times
//! `syn::parse_file` alone.
//!
//! In count mode, parsing happens on worker threads with a large stack:
//! deeply nested input can otherwise overflow the stack, which aborts the
//! process and cannot be caught. Worker threads are also recycled periodically because
//! proc-macro2's `span-locations` source map is thread-local, grows with
//! every parsed byte and uses 32-bit offsets. Bench mode parses on the main
//! thread unless the corpus is very large.

use std::io::{self, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

use syn::visit::{self, Visit};

/// Stack size for worker threads (virtual; only touched pages are committed).
const WORKER_STACK: usize = 1 << 30;
/// Recycle a worker thread after it has parsed this many bytes, well below
/// the 4 GiB limit of proc-macro2's 32-bit span offsets.
const WORKER_BYTE_BUDGET: usize = 1 << 30;
/// Bench mode parses on the main thread while iters * bytes stays below this.
const MAIN_THREAD_BENCH_BUDGET: usize = 1 << 31;

#[derive(Default)]
struct Counts {
    fns: u64,
    calls: u64,
    method_calls: u64,
    macro_calls: u64,
    unsafe_blocks: u64,
    use_leaves: u64,
}

impl<'ast> Visit<'ast> for Counts {
    fn visit_item_fn(&mut self, i: &'ast syn::ItemFn) {
        self.fns += 1;
        visit::visit_item_fn(self, i);
    }
    fn visit_impl_item_method(&mut self, i: &'ast syn::ImplItemMethod) {
        self.fns += 1;
        visit::visit_impl_item_method(self, i);
    }
    fn visit_trait_item_method(&mut self, i: &'ast syn::TraitItemMethod) {
        self.fns += 1;
        visit::visit_trait_item_method(self, i);
    }
    fn visit_foreign_item_fn(&mut self, i: &'ast syn::ForeignItemFn) {
        self.fns += 1;
        visit::visit_foreign_item_fn(self, i);
    }
    fn visit_expr_call(&mut self, i: &'ast syn::ExprCall) {
        self.calls += 1;
        // Debugging aid for investigating mismatches: SYNORACLE_TRACE=1
        // prints the line of every call's opening parenthesis.
        if std::env::var_os("SYNORACLE_TRACE").is_some() {
            eprintln!("call {}", i.paren_token.span.start().line);
        }
        visit::visit_expr_call(self, i);
    }
    fn visit_expr_method_call(&mut self, i: &'ast syn::ExprMethodCall) {
        self.method_calls += 1;
        visit::visit_expr_method_call(self, i);
    }
    fn visit_macro(&mut self, i: &'ast syn::Macro) {
        self.macro_calls += 1;
        visit::visit_macro(self, i);
    }
    fn visit_expr_unsafe(&mut self, i: &'ast syn::ExprUnsafe) {
        self.unsafe_blocks += 1;
        visit::visit_expr_unsafe(self, i);
    }
    fn visit_use_name(&mut self, i: &'ast syn::UseName) {
        self.use_leaves += 1;
        visit::visit_use_name(self, i);
    }
    fn visit_use_rename(&mut self, i: &'ast syn::UseRename) {
        self.use_leaves += 1;
        visit::visit_use_rename(self, i);
    }
    fn visit_use_glob(&mut self, i: &'ast syn::UseGlob) {
        self.use_leaves += 1;
        visit::visit_use_glob(self, i);
    }
}

/// Appends `s` to `out` as a JSON string literal.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{7f}' || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// 1-based line and column (in chars) of byte offset `off` in `bytes`.
fn line_col_of_byte(bytes: &[u8], off: usize) -> (usize, usize) {
    let prefix = &bytes[..off];
    let line = prefix.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = prefix.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
    // prefix is valid UTF-8 (it is everything before the first invalid byte).
    let col = std::str::from_utf8(&prefix[line_start..]).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Analyses one file; returns (bytes, counts, errors).
fn analyse(path: &str) -> (usize, Counts, Vec<String>) {
    let data = match std::fs::read(Path::new(path)) {
        Ok(d) => d,
        Err(e) => return (0, Counts::default(), vec![format!("0:0: read error: {}", e)]),
    };
    let n = data.len();
    let src = match std::str::from_utf8(&data) {
        Ok(s) => s,
        Err(e) => {
            let (l, c) = line_col_of_byte(&data, e.valid_up_to());
            return (n, Counts::default(), vec![format!("{}:{}: file is not valid UTF-8", l, c)]);
        }
    };
    let result = panic::catch_unwind(AssertUnwindSafe(|| match syn::parse_file(src) {
        Ok(file) => {
            let mut counts = Counts::default();
            counts.visit_file(&file);
            Ok(counts)
        }
        Err(err) => Err(err
            .into_iter()
            .map(|e| {
                let start = e.span().start();
                // proc-macro2 columns are 0-based chars; report 1-based.
                format!("{}:{}: {}", start.line, start.column + 1, e)
            })
            .collect::<Vec<_>>()),
    }));
    match result {
        Ok(Ok(counts)) => (n, counts, Vec::new()),
        Ok(Err(errs)) => (n, Counts::default(), errs),
        Err(payload) => (
            n,
            Counts::default(),
            vec![format!("0:0: panic in syn: {}", panic_message(&*payload))],
        ),
    }
}

fn json_line(path: &str, bytes: usize, c: &Counts, errors: &[String]) -> String {
    let mut s = String::with_capacity(256);
    s.push_str("{\"file\":");
    json_str(&mut s, path);
    s.push_str(&format!(
        ",\"bytes\":{},\"fns\":{},\"calls\":{},\"method_calls\":{},\"macro_calls\":{},\"unsafe_blocks\":{},\"use_leaves\":{},\"errors\":[",
        bytes, c.fns, c.calls, c.method_calls, c.macro_calls, c.unsafe_blocks, c.use_leaves
    ));
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        json_str(&mut s, e);
    }
    s.push_str("]}");
    s
}

/// Runs `f` on a fresh worker thread with a large stack.
fn on_worker<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::Builder::new()
        .name("synoracle-worker".into())
        .stack_size(WORKER_STACK)
        .spawn(f)
        .expect("spawning worker thread");
    match handle.join() {
        Ok(v) => v,
        Err(p) => panic::resume_unwind(p),
    }
}

fn count_mode(paths: Vec<String>) -> io::Result<()> {
    let mut rest = paths.into_iter().peekable();
    while rest.peek().is_some() {
        // Hand a worker files until it has consumed its byte budget.
        let batch: Vec<String> = rest.by_ref().collect();
        let leftover = on_worker(move || {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            let mut used = 0usize;
            let mut it = batch.into_iter();
            while let Some(path) = it.next() {
                let (bytes, counts, errors) = analyse(&path);
                if writeln!(out, "{}", json_line(&path, bytes, &counts, &errors)).is_err() {
                    return Err(());
                }
                used += bytes;
                if used >= WORKER_BYTE_BUDGET {
                    break;
                }
            }
            let _ = out.flush();
            Ok(it.collect::<Vec<String>>())
        });
        match leftover {
            Ok(v) => rest = v.into_iter().peekable(),
            Err(()) => return Err(io::Error::new(io::ErrorKind::BrokenPipe, "writing stdout")),
        }
    }
    Ok(())
}

fn bench_mode(paths: Vec<String>, iters: usize) {
    let mut sources: Vec<String> = Vec::new();
    for p in &paths {
        if let Ok(d) = std::fs::read(Path::new(p)) {
            if let Ok(s) = String::from_utf8(d) {
                sources.push(s);
            }
        }
    }
    let total_bytes: usize = sources.iter().map(|s| s.len()).sum();
    // Split into chunks so that no worker's span source map outgrows its budget.
    let mut chunks: Vec<Vec<String>> = vec![Vec::new()];
    let mut used = 0usize;
    for s in sources {
        if used >= WORKER_BYTE_BUDGET {
            chunks.push(Vec::new());
            used = 0;
        }
        used += s.len();
        chunks.last_mut().unwrap().push(s);
    }
    let nfiles: usize = chunks.iter().map(|c| c.len()).sum();
    let iters = iters.max(1);

    let parse_all = |srcs: &[String]| -> (usize, f64) {
        let start = Instant::now();
        let mut n_ok = 0usize;
        for s in srcs {
            let r = panic::catch_unwind(AssertUnwindSafe(|| syn::parse_file(s).is_ok()));
            if let Ok(true) = r {
                n_ok += 1;
            }
        }
        (n_ok, start.elapsed().as_secs_f64())
    };

    let mut best = f64::INFINITY;
    let mut parsed_ok = 0usize;
    if (total_bytes as u128) * (iters as u128) <= MAIN_THREAD_BENCH_BUDGET as u128 {
        // Common case: parse on the main thread. This is measurably faster
        // than a spawned thread (glibc's per-thread malloc arenas grow and
        // trim repeatedly) and matches how syn is normally used.
        let all: Vec<String> = chunks.into_iter().flatten().collect();
        for _ in 0..iters {
            let (ok, secs) = parse_all(&all);
            best = best.min(secs);
            parsed_ok = ok;
        }
    } else {
        // Huge corpus: parse chunk by chunk on fresh worker threads so the
        // thread-local span source map never overflows its 32-bit offsets.
        let chunks = std::sync::Arc::new(chunks);
        for _ in 0..iters {
            let mut ok = 0usize;
            let mut elapsed = 0f64;
            for ci in 0..chunks.len() {
                let chunks = chunks.clone();
                let (n_ok, secs) = on_worker(move || parse_all(&chunks[ci]));
                ok += n_ok;
                elapsed += secs;
            }
            best = best.min(elapsed);
            parsed_ok = ok;
        }
    }
    let mbps = if best > 0.0 { total_bytes as f64 / 1e6 / best } else { 0.0 };
    println!(
        "{{\"files\":{},\"bytes\":{},\"parsed_ok\":{},\"best_seconds\":{:.6},\"mb_per_s\":{:.3}}}",
        nfiles, total_bytes, parsed_ok, best, mbps
    );
}

fn usage() -> ! {
    eprintln!(
        "usage: synoracle FILE...\n       synoracle --stdin            (newline-separated paths on stdin)\n       synoracle --bench [--iters N] --stdin | FILE..."
    );
    std::process::exit(2);
}

fn main() {
    // Panics inside syn are caught and reported per file; keep stderr quiet.
    panic::set_hook(Box::new(|_| {}));

    let mut bench = false;
    let mut iters = 3usize;
    let mut from_stdin = false;
    let mut paths: Vec<String> = Vec::new();
    let mut args = std::env::args_os().skip(1);
    let mut only_files = false;
    while let Some(a) = args.next() {
        let s = a.to_string_lossy().into_owned();
        if only_files {
            paths.push(s);
            continue;
        }
        match s.as_str() {
            "--bench" => bench = true,
            "--stdin" => from_stdin = true,
            "--iters" => {
                iters = args
                    .next()
                    .and_then(|v| v.to_string_lossy().parse().ok())
                    .unwrap_or_else(|| usage());
            }
            "--" => only_files = true,
            "-h" | "--help" => usage(),
            _ if s.starts_with("--") => usage(),
            _ => paths.push(s),
        }
    }
    if from_stdin {
        let mut input = Vec::new();
        io::stdin().lock().read_to_end(&mut input).expect("reading stdin");
        for line in input.split(|&b| b == b'\n') {
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            if !line.is_empty() {
                paths.push(String::from_utf8_lossy(line).into_owned());
            }
        }
    }
    if paths.is_empty() && !from_stdin {
        usage();
    }
    if bench {
        bench_mode(paths, iters);
    } else if count_mode(paths).is_err() {
        // Broken pipe (e.g. piped into `head`): exit quietly.
        std::process::exit(1);
    }
}
