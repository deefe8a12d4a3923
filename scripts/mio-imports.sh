#!/usr/bin/env bash
# List the std/core/alloc/libc imports of a crate as written in its source,
# one line per imported item: `dir, file, path`, the form of the published
# hand audit of mio (testdata/audits/README.md).
#
# Usage: scripts/mio-imports.sh [--lines] [CRATE_DIR]
#   CRATE_DIR defaults to /usr/share/cargo/registry/mio-0.8.4.
#   --lines appends `, line N` (the line of the `use` keyword) to each line.
#
# What it does, for every .rs file under CRATE_DIR/src:
# - removes comments (line, block, nested block, doc) and the contents of
#   string, raw string, byte string and char literals, keeping line breaks;
# - takes every `use` keyword token (a reserved word: it can only start a use
#   declaration) wherever it is: at module level, inside fn bodies and blocks,
#   inside macro invocations (`cfg_os_poll! { ... }`, `cfg_net! { ... }`,
#   `cfg_if!`), inside `#[cfg(..)]`-gated items whatever the cfg, including
#   `#[cfg(test)]` modules; `pub use` and `pub(crate) use` alike;
# - parses the use tree up to its `;` and flattens it: `use std::net::{self,
#   SocketAddr};` gives `std::net::self` and `std::net::SocketAddr`; `use
#   std::net;` gives `std::net`; a rename stays `path as Name`; a glob stays
#   `path::*`; a group nested in a group is flattened the same way;
# - keeps the leaves whose path starts with `std::`, `core::`, `alloc::` or
#   `libc::` (a bare `std`/`libc` leaf, or a leading `::`, would be kept
#   too; mio 0.8.4 has none);
# - prints `dir, file, path`, dir relative to CRATE_DIR (e.g. `src/net/tcp`),
#   sorted by dir, then file, then path (byte order). A leaf imported twice in
#   one file (under two cfgs) is printed twice.
#
# Limits:
# - Text only: no cfg evaluation, no macro expansion. A `use` produced by a
#   macro_rules! transcriber from fragments (`use $path;`) or built by a proc
#   macro would be missed or printed with its `$` fragments; mio 0.8.4 has
#   none (its macros.rs has no `use`).
# - Files not under src/ (benches, examples, tests, build.rs) are not read,
#   and neither is a file outside src/ pulled in by `#[path]` (mio has none).
# - `extern crate` items and fully qualified paths in expressions
#   (`libc::close(fd)`, `std::io::Error::last_os_error()`) are not imports
#   and are not listed.
# - Paths are as written: `self::`, `super::`, `crate::` imports and
#   re-exports of std items through crate-local modules are not resolved.
set -euo pipefail

lines=0
if [[ "${1:-}" == "--lines" ]]; then lines=1; shift; fi
dir="${1:-/usr/share/cargo/registry/mio-0.8.4}"
[[ -d "$dir/src" ]] || { echo "mio-imports: no src/ under $dir" >&2; exit 2; }

prog=$(cat <<'PY'
import os, re, sys

root, show_lines = sys.argv[1].rstrip('/'), sys.argv[2] == '1'
ROOTS = ('std', 'core', 'alloc', 'libc')

def strip(src):
    """Blank comments and literal contents, keeping newlines (so line numbers hold)."""
    out = []
    i, n = 0, len(src)
    def blank(s):
        return ''.join(c if c == '\n' else ' ' for c in s)
    while i < n:
        c = src[i]
        if src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            out.append(blank(src[i:j])); i = j
        elif src.startswith('/*', i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith('/*', j): depth += 1; j += 2
                elif src.startswith('*/', j): depth -= 1; j += 2
                else: j += 1
            out.append(blank(src[i:j])); i = j
        elif re.match(r'b?r(#*)"', src[i:i+10]) and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_')):
            m = re.match(r'b?r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append('""' + blank(src[i+2:j])); i = j
        elif c == '"' or (c == 'b' and src.startswith('b"', i) and (i == 0 or not (src[i-1].isalnum() or src[i-1] == '_'))):
            j = i + (2 if c == 'b' else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == '\\' else 1
            j += 1
            out.append('""' + blank(src[i+2:j])); i = j
        elif c == "'":
            # char literal ('a', '\n', '\u{..}', b'x' handled via the 'b' prefix
            # being an identifier char) versus lifetime ('a).
            m = re.match(r"'(\\(?:u\{[0-9a-fA-F]+\}|x[0-9a-fA-F]{2}|.)|[^\\'\n])'", src[i:])
            if m:
                out.append("' '"); i += m.end()
            else:
                out.append(c); i += 1
        else:
            out.append(c); i += 1
    return ''.join(out)

TOK = re.compile(r'\s+|(r#)?[A-Za-z_][A-Za-z0-9_]*|::|[{}();,*]|.', re.S)

def tokens(text):
    line = 1
    for m in TOK.finditer(text):
        t = m.group(0)
        if not t.isspace():
            yield t, line
        line += t.count('\n')

def parse_tree(toks, k, prefix, out):
    """Parse one use tree at toks[k]; append flattened leaves to out; return next index."""
    path = list(prefix)
    if toks[k] == '::':          # leading `::` (2018: extern crate root)
        k += 1
    while True:
        t = toks[k]
        if t == '{':
            k += 1
            while toks[k] != '}':
                k = parse_tree(toks, k, path, out)
                if toks[k] == ',':
                    k += 1
            return k + 1
        if t == '*':
            out.append('::'.join(path + ['*']))
            return k + 1
        path.append(t)
        k += 1
        if toks[k] == '::':
            k += 1
            continue
        if toks[k] == 'as':
            out.append('::'.join(path) + ' as ' + toks[k+1])
            return k + 2
        out.append('::'.join(path))
        return k

rows = []
for dp, dns, fns in os.walk(os.path.join(root, 'src')):
    dns.sort()
    for fn in sorted(fns):
        if not fn.endswith('.rs'):
            continue
        p = os.path.join(dp, fn)
        with open(p, encoding='utf-8') as fh:
            text = strip(fh.read())
        tl = list(tokens(text))
        toks = [t for t, _ in tl] + [';']
        rel = os.path.relpath(dp, root)
        for k, (t, ln) in enumerate(tl):
            if t != 'use':
                continue
            leaves = []
            end = parse_tree(toks, k + 1, [], leaves)
            if toks[end] != ';':
                sys.exit('%s:%d: cannot parse use item (stopped at %r)' % (p, ln, toks[end]))
            for leaf in leaves:
                first = leaf.split('::', 1)[0].split(' ', 1)[0]
                if first in ROOTS:
                    rows.append((rel, fn, leaf, ln))

rows.sort(key=lambda r: (r[0].encode(), r[1].encode(), r[2].encode(), r[3]))
for rel, fn, leaf, ln in rows:
    print('%s, %s, %s%s' % (rel, fn, leaf, ', line %d' % ln if show_lines else ''))
PY
)
exec python3 -c "$prog" "$dir" "$lines"
