package infer

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/program"
	"github.com/wardenrs/warden/internal/syntax"
	"github.com/wardenrs/warden/internal/testfs"
)

// lower builds the program of a one-file library.
func lower(t *testing.T, src string) *program.Program {
	t.Helper()
	dir := testfs.Write(t, t.TempDir(), map[string]string{
		"Cargo.toml": "[package]\nname = \"t\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
		"src/lib.rs": src,
	})
	lc, err := load.Load(context.Background(), dir, load.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := program.Build(context.Background(), lc, lc.Targets[0], program.Options{CrateName: "t"})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// resolveCalls walks fn probe and renders each method call as
// "name -> target (resolution)" and each path call as "f(..) -> ...",
// in walk order; unresolved calls are "name -> ?".
func resolveCalls(t *testing.T, src string) []string {
	t.Helper()
	p := lower(t, src)
	c := New(p, Std(), nil)
	var out []string
	for _, f := range p.Funcs {
		if f.Path != "t::probe" {
			continue
		}
		b := c.Body(f)
		p.WalkScoped(f, func(n syntax.Node, cur *program.Cursor) bool {
			b.Enter(n, cur)
			switch n := n.(type) {
			case *syntax.MethodCallExpr:
				out = append(out, render(n.Name.Name, b.Method(n)))
			case *syntax.CallExpr:
				if pe, ok := n.Fun.(*syntax.PathExpr); ok {
					if b.IsLocal(pe.Path) {
						out = append(out, pe.Path.String()+"() -> local")
					} else {
						out = append(out, render(pe.Path.String()+"()", b.Call(pe.Path)))
					}
				}
			}
			return true
		}, b.Leave)
	}
	return out
}

func render(name string, tg Target) string {
	switch tg.Kind {
	case NoTarget:
		if tg.Ret != nil {
			return name + " -> ? : " + tg.Ret.String()
		}
		return name + " -> ?"
	case TraitMethod:
		var impls []string
		for _, d := range tg.Impls {
			impls = append(impls, d.Path)
		}
		return fmt.Sprintf("%s -> %s (%s) [%s]", name, tg.Path, tg.Res, strings.Join(impls, " "))
	}
	return fmt.Sprintf("%s -> %s (%s)", name, tg.Path, tg.Res)
}

func TestResolve(t *testing.T) {
	for _, tc := range []struct {
		name string
		src  string
		want []string
	}{
		{
			name: "enum value with its own new",
			src: `pub enum ErrorKind { Dns, Io }
impl ErrorKind { pub fn new(self) -> Error { Error } }
pub struct Error;
pub fn probe() { ErrorKind::Dns.new(); let k = ErrorKind::Io; k.new(); }`,
			want: []string{"new -> t::ErrorKind::new (type)", "new -> t::ErrorKind::new (type)"},
		},
		{
			name: "std builder chain and thread builder",
			src: `pub fn probe() {
    let c = std::process::Command::new("ls").arg("-l").spawn();
    std::thread::Builder::new().name("x".into()).spawn(|| ());
}`,
			// Walk order: a call before its receiver and arguments.
			want: []string{
				"spawn -> std::process::Command::spawn (type)",
				"arg -> std::process::Command::arg (type)",
				"std::process::Command::new() -> std::process::Command::new (path)",
				"spawn -> std::thread::Builder::spawn (type)",
				"name -> std::thread::Builder::name (type)",
				"std::thread::Builder::new() -> std::thread::Builder::new (path)",
				"into -> str::into (type)",
			},
		},
		{
			name: "metadata accessors through ? and closures",
			src: `pub fn probe(p: &std::path::Path) -> std::io::Result<bool> {
    let m = std::fs::metadata(p)?;
    let d = std::fs::metadata(p).map(|m| m.is_dir()).unwrap_or(false);
    Ok(m.is_file() && d && p.is_file())
}`,
			want: []string{
				"std::fs::metadata() -> std::fs::metadata (path)",
				"unwrap_or -> std::result::Result::unwrap_or (type)",
				"map -> std::result::Result::map (type)",
				"std::fs::metadata() -> std::fs::metadata (path)",
				"is_dir -> std::fs::Metadata::is_dir (type)",
				"Ok() -> std::result::Result::Ok (path)",
				"is_file -> std::fs::Metadata::is_file (type)",
				"is_file -> std::path::Path::is_file (type)",
			},
		},
		{
			name: "parameters, lets, closures and match bindings shadow items",
			src: `fn home_dir() -> Option<std::path::PathBuf> { None }
pub fn probe(home_dir: &std::path::Path, f: impl Fn()) {
    home_dir.join("a");
    let home_dir = |x: u8| x;
    home_dir(1);
    match Some(std::path::PathBuf::new()) { Some(home_dir) => { home_dir.exists(); } None => {} }
    f();
}`,
			want: []string{
				"join -> std::path::Path::join (type)",
				"home_dir() -> local",
				"Some() -> std::option::Option::Some (path)",
				"std::path::PathBuf::new() -> std::path::PathBuf::new (path)",
				"exists -> std::path::Path::exists (type)",
				"f() -> local",
			},
		},
		{
			name: "a let is not in scope in its own initializer, and ends with its block",
			src: `pub struct Conn;
impl Conn { pub fn connect(&self) {} }
pub fn probe(c: Conn) {
    { let c = std::net::TcpStream::connect("x").unwrap(); c.peer_addr(); }
    c.connect();
    let c = c.connect();
}`,
			want: []string{
				"unwrap -> std::result::Result::unwrap (type)",
				"std::net::TcpStream::connect() -> std::net::TcpStream::connect (path)",
				"peer_addr -> std::net::TcpStream::peer_addr (type)",
				"connect -> t::Conn::connect (type)",
				"connect -> t::Conn::connect (type)",
			},
		},
		{
			name: "generic and dyn receivers link every impl",
			src: `pub trait Opener { fn open(&self) -> u8; fn twice(&self) -> u8 { self.open() } }
pub struct A; pub struct B;
impl Opener for A { fn open(&self) -> u8 { 1 } }
impl Opener for B { fn open(&self) -> u8 { 2 } }
pub fn probe<T: Opener>(t: &T, d: &dyn Opener, w: impl Opener) where T: Clone {
    t.open(); d.open(); w.open();
}`,
			want: []string{
				"open -> t::Opener::open (trait) [t::A::open t::B::open]",
				"open -> t::Opener::open (trait) [t::A::open t::B::open]",
				"open -> t::Opener::open (trait) [t::A::open t::B::open]",
			},
		},
		{
			name: "fields, Self, tuples, indexing, for loops",
			src: `pub struct S { path: std::path::PathBuf, pair: (u8, std::fs::File), list: Vec<std::path::PathBuf> }
impl S { pub fn get(&self) -> &Self { self } }
pub fn probe(s: S) -> std::io::Result<()> {
    s.get().path.exists();
    s.pair.1.metadata()?;
    s.list[0].is_dir();
    for p in &s.list { p.is_file(); }
    for e in std::fs::read_dir(".")? { e?.path().is_symlink(); }
    Ok(())
}`,
			want: []string{
				"exists -> std::path::Path::exists (type)",
				"get -> t::S::get (type)",
				"metadata -> std::fs::File::metadata (type)",
				"is_dir -> std::path::Path::is_dir (type)",
				"is_file -> std::path::Path::is_file (type)",
				"std::fs::read_dir() -> std::fs::read_dir (path)",
				"is_symlink -> std::path::Path::is_symlink (type)",
				"path -> std::fs::DirEntry::path (type)",
				"Ok() -> std::result::Result::Ok (path)",
			},
		},
		{
			name: "bounds carry their arguments and associated types",
			src: `pub fn probe<P: AsRef<std::path::Path>>(p: P, it: impl Iterator<Item = std::path::PathBuf>) {
    p.as_ref().canonicalize();
    it.filter(|x| x.is_file());
}`,
			want: []string{
				"canonicalize -> std::path::Path::canonicalize (type)",
				"as_ref -> std::convert::AsRef::as_ref (trait) []",
				"filter -> std::iter::Iterator::filter (trait) []",
				"is_file -> std::path::Path::is_file (type)",
			},
		},
		{
			name: "an empty collection takes the type of what is pushed",
			src: `pub fn probe(p: &std::path::Path) {
    let mut parents = vec![];
    parents.push(p);
    for q in parents.into_iter() { q.exists(); }
}`,
			want: []string{
				"push -> std::vec::Vec::push (type)",
				"into_iter -> std::vec::Vec::into_iter (type)",
				"exists -> std::path::Path::exists (type)",
			},
		},
		{
			name: "match values, smart pointers of their argument, derefs",
			src: `use std::sync::Arc;
pub fn probe(p: &std::path::Path) {
    let base = match p.canonicalize() { Ok(path) => Arc::new(path), Err(_) => return };
    let mut path = &**base;
    while let Some(parent) = path.parent() { parent.exists(); path = parent; }
}`,
			want: []string{
				"canonicalize -> std::path::Path::canonicalize (type)",
				"Arc::new() -> std::sync::Arc::new (path)",
				"parent -> std::path::Path::parent (type)",
				"exists -> std::path::Path::exists (type)",
			},
		},
		{
			name: "unknown receivers stay unresolved",
			src: `pub fn probe(x: &dyn std::any::Any) { let v = unknown(); v.open(); }
fn unknown<T>() -> T { todo!() }`,
			want: []string{"unknown() -> t::unknown (path)", "open -> ?"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := resolveCalls(t, tc.src)
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("calls:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}
