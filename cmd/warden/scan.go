package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/effects"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/report"
	"github.com/wardenrs/warden/internal/tree"
)

const scanUsage = `Usage: warden scan [flags] [PATH]

Reports every effect of the crate in PATH (default "."): where it obtains
authority over the outside world (ambient calls such as File::open,
TcpStream::connect, Command::new, env::var), forges it (raw handles, FFI,
unsafe code) or exercises it at build time (build scripts, proc macros,
include!/env!), grouped by capability and function, and which
capabilities each function reaches through the crate's own calls.
Nothing is built or run.

Capabilities: fs, net, process, env, system, ffi, unsafe, raw_handle, build.

Flags:
  --format F              text (default), json, csv or md
  --target TRIPLE         evaluate cfg for this target (default x86_64-unknown-linux-gnu)
  --features LIST         comma-separated features to enable
  --all-features          enable every feature
  --no-default-features   do not enable the default feature
  --tests                 include cfg(test) code and test targets
  --examples              include example targets
  --fail-on CAPS          exit with status 1 if any effect has one of these
                          comma-separated capabilities ("any" for all)

Formats:
  text  a readable report (colour on a terminal unless NO_COLOR is set)
  json  {"crate":{...},"effects":[{"function","callee","capability","kind",
        "file","line","col","confidence","via_macro"}],"functions":[{"path",
        "public","direct","reachable","witness"}],"imports":[...],
        "problems":[...],"summary":{...}}
  csv   crate,fn_decl,callee,effect,dir,file,line,col
  md    an audit report: imports by module, effects per capability, and a
        security summary

In a virtual workspace (a Cargo.toml with [workspace] and no [package]),
every member is scanned with the features cargo resolves for it, followed
by what it reaches through its dependencies (see "warden tree").

Exit status: 0 on success, 1 when --fail-on matched, 2 on usage or input
errors (missing or malformed Cargo.toml, unknown target or feature).
`

const importsUsage = `Usage: warden imports [flags] [PATH]

Prints the import analysis of the crate in PATH (default "."): one line
"dir, file, imported::path" for each item imported from std, core, alloc or
a system crate that touches an authority module (std::fs, std::net, std::os,
std::process, std::env, std::path, std::io, std::ffi, std::ptr, std::mem,
libc, nix, rustix, winapi, ...), grouped by module.

Flags: --target, --features, --all-features, --no-default-features, --tests
and --examples as for "warden scan"; --format text (default) or json.
`

// crateFlags are the flags shared by commands that load a crate.
type crateFlags struct {
	target, features, format, failOn string
	allFeatures, noDefault, tests    bool
	examples                         bool
}

func (cf *crateFlags) register(fs interface {
	StringVar(*string, string, string, string)
	BoolVar(*bool, string, bool, string)
}) {
	fs.StringVar(&cf.target, "target", "", "target triple")
	fs.StringVar(&cf.features, "features", "", "features to enable")
	fs.StringVar(&cf.format, "format", "text", "output format")
	fs.BoolVar(&cf.allFeatures, "all-features", false, "enable all features")
	fs.BoolVar(&cf.noDefault, "no-default-features", false, "disable default features")
	fs.BoolVar(&cf.tests, "tests", false, "include cfg(test) code")
	fs.BoolVar(&cf.examples, "examples", false, "include examples")
}

func (cf *crateFlags) options() load.Options {
	var feats []string
	for _, f := range strings.FieldsFunc(cf.features, func(r rune) bool { return r == ',' || r == ' ' }) {
		feats = append(feats, f)
	}
	return load.Options{Target: cf.target, Features: feats, AllFeatures: cf.allFeatures,
		NoDefaultFeatures: cf.noDefault, Tests: cf.tests, Examples: cf.examples}
}

// crateArgs parses a command's flags and its optional crate path.
func crateArgs(fs *flag.FlagSet, args []string) (string, error) {
	paths, err := parseFlags(fs, args)
	if err != nil {
		return "", err
	}
	return cratePath(paths)
}

func cratePath(paths []string) (string, error) {
	switch len(paths) {
	case 0:
		return ".", nil
	case 1:
		return paths[0], nil
	}
	return "", fmt.Errorf("%w: expected one crate path, got %d", errUsage, len(paths))
}

// useColor reports whether w is a terminal and NO_COLOR is unset.
func useColor(w io.Writer) bool {
	if _, ok := os.LookupEnv("NO_COLOR"); ok {
		return false
	}
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func scanCommand() *command {
	return &command{
		name:    "scan",
		summary: "report what a crate can do to the outside world, where, and through which functions",
		usage:   scanUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "scan", scanUsage)
			var cf crateFlags
			cf.register(fs)
			fs.StringVar(&cf.failOn, "fail-on", "", "capabilities that make the scan fail")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			gate, err := parseCaps(cf.failOn)
			if err != nil {
				return err
			}
			switch cf.format {
			case "text", "json", "csv", "md":
			default:
				return fmt.Errorf("%w: unknown format %q (text, json, csv or md)", errUsage, cf.format)
			}
			if m, merr := manifest.Load(dir); merr == nil && m.Virtual() {
				if cf.format != "text" && cf.format != "json" {
					return fmt.Errorf("%w: a workspace scan writes text or json", errUsage)
				}
				return scanWorkspace(ctx, e, dir, cf)
			}
			res, err := analysis.Run(ctx, dir, cf.options())
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			switch cf.format {
			case "json":
				err = report.JSON(out, res)
			case "csv":
				err = report.CSV(out, res)
			case "md":
				err = report.Markdown(out, res)
			default:
				err = report.Text(out, res, report.Options{Color: useColor(e.stdout)})
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			for _, eff := range res.Effects {
				if gate[eff.Capability] {
					return errFindings
				}
			}
			return nil
		},
	}
}

func parseCaps(list string) (map[effects.Capability]bool, error) {
	gate := map[effects.Capability]bool{}
	for _, c := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		if c == "any" {
			for _, k := range effects.All {
				gate[k] = true
			}
			continue
		}
		if !effects.Capability(c).Valid() {
			return nil, fmt.Errorf("%w: unknown capability %q in --fail-on", errUsage, c)
		}
		gate[effects.Capability(c)] = true
	}
	return gate, nil
}

func importsCommand() *command {
	return &command{
		name:    "imports",
		summary: "list imports from std and system crates that touch authority modules",
		usage:   importsUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "imports", importsUsage)
			var cf crateFlags
			cf.register(fs)
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			res, err := analysis.Run(ctx, dir, cf.options())
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			switch cf.format {
			case "json":
				err = report.JSON(out, &analysis.Result{Crate: res.Crate, Imports: res.Imports, Effects: []analysis.Effect{}, Functions: []analysis.Function{}, Problems: []analysis.Problem{}})
			case "text":
				err = report.Imports(out, res)
			default:
				return fmt.Errorf("%w: unknown format %q (text or json)", errUsage, cf.format)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
}

const iosafetyUsage = `Usage: warden iosafety [flags] [PATH]

Prints only the I/O-safety findings of the crate in PATH (default "."):
safe public APIs that let any caller forge or misuse a raw file
descriptor, socket or handle, which Rust's I/O safety rule (RFC 3128)
forbids. Each finding names its check, the function and location, and a
fix:

  WIO001 raw-handle-param   a public safe fn takes RawFd (or an integer
                            named like a descriptor) and does I/O on it
  WIO002 raw-handle-bound   a public safe fn is generic over AsRawFd /
                            IntoRawFd (RawFd itself satisfies the bound)
  WIO003 forging-wrapper    a safe fn calls from_raw_fd on a value from
                            its parameters, a field or arithmetic
  WIO004 forged-literal     from_raw_fd(3): an I/O object from a literal
                            (0, 1, 2 reported at low severity)
  WIO005 escaping-borrow    as_raw_fd() of a local owner returned, stored
                            in a struct, or used after drop(owner)
  WIO006 double-close-or-leak
                            close(x.as_raw_fd()) while x still owns the fd,
                            or the result of into_raw_fd() discarded

The JSON output also has "io_safety_adoption": how many public functions
take or return raw handles versus OwnedFd/BorrowedFd/AsFd, and which types
implement AsFd, From<OwnedFd>, or only AsRawFd.

A finding is suppressed by a comment on its line or just above it that
gives a reason:
  // warden:allow(WIO003) the fd comes from systemd socket activation
Suppressed findings are still listed, with their reason.

Flags: --target, --features, --all-features, --no-default-features,
--tests and --examples as for "warden scan"; --format text (default) or
json; --fail exits with status 1 if any finding is not suppressed.
`

func iosafetyCommand() *command {
	return &command{
		name:    "iosafety",
		summary: "find safe APIs that let callers forge or misuse raw handles (RFC 3128)",
		usage:   iosafetyUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "iosafety", iosafetyUsage)
			var cf crateFlags
			cf.register(fs)
			fail := fs.Bool("fail", false, "exit 1 on unsuppressed findings")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			if cf.format != "text" && cf.format != "json" {
				return fmt.Errorf("%w: unknown format %q (text or json)", errUsage, cf.format)
			}
			res, err := analysis.Run(ctx, dir, cf.options())
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			if cf.format == "json" {
				err = report.JSON(out, &analysis.Result{Crate: res.Crate, Findings: res.Findings, Effects: []analysis.Effect{},
					Functions: []analysis.Function{}, Imports: []analysis.Import{}, Problems: res.Problems, Summary: res.Summary})
			} else {
				err = report.IOSafety(out, res)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if *fail && res.Summary.Findings > 0 {
				return errFindings
			}
			return nil
		},
	}
}

const treeUsage = `Usage: warden tree [flags] [PATH]

Analyses the whole dependency tree of the Cargo project in PATH (default
"."): resolves it with "cargo metadata --offline" (so cargo's source
replacement, vendored and registry directories apply), analyses every
crate with the features cargo enables for it, links calls between crates
through their public re-exports, and reports for every crate its direct
capabilities, the capabilities it reaches through its dependencies and
which dependencies bring them, with a witness call path for each public
function of the project.

Flags:
  --format F       text (default), json (per-crate records and edges),
                   dot (the crate graph for Graphviz, coloured by capability)
                   or md (a summary page, then the audit report of
                   "warden scan --format md" for each crate with effects)
  --target TRIPLE  evaluate cfg for this target (default x86_64-unknown-linux-gnu)
  -j N             crates analysed in parallel (default: all cores)
  --cache-dir DIR  where per-crate results are kept (default
                   $WARDEN_CACHE_DIR, else warden/ in the user cache
                   directory, $XDG_CACHE_HOME or ~/.cache)
  --no-cache       analyse every crate again and keep nothing
  --lockfile       resolve from Cargo.lock and the source directories
                   instead of running cargo; without this flag that is
                   the fallback when cargo is missing or fails, and
                   without a Cargo.lock the tree comes from the manifests
                   (highest versions present); both unify features from
                   the manifests as cargo does

Results are cached per crate, keyed by name, version, a checksum of its
files, target, features and Warden's cache schema; entries are written
atomically and verified on read, so a corrupt or foreign entry is ignored
and rebuilt.

A crate that cannot be analysed is reported with the reason; the rest of
the tree is analysed. Progress is shown on standard error when it is a
terminal.
`

func treeCommand() *command {
	return &command{
		name:    "tree",
		summary: "analyse a whole dependency tree: which crate reaches what, through whom",
		usage:   treeUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "tree", treeUsage)
			format := fs.String("format", "text", "output format")
			target := fs.String("target", "", "target triple")
			jobs := fs.Int("j", 0, "parallel crates")
			cacheDir := fs.String("cache-dir", "", "cache directory")
			noCache := fs.Bool("no-cache", false, "do not use the cache")
			fromLock := fs.Bool("lockfile", false, "resolve from Cargo.lock without cargo")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			if *format != "text" && *format != "json" && *format != "dot" && *format != "md" {
				return fmt.Errorf("%w: unknown format %q (text, json, dot or md)", errUsage, *format)
			}
			triple := *target
			if triple == "" {
				triple = load.DefaultTarget
			}
			var c *cache.Cache
			if !*noCache {
				d := *cacheDir
				if d == "" {
					if d, err = cache.DefaultDir(); err != nil {
						return err
					}
				}
				if c, err = cache.Open(d); err != nil {
					return err
				}
			}
			mode := deps.Auto
			if *fromLock {
				mode = deps.Lock
			}
			t, err := deps.Resolve(ctx, dir, deps.Options{Target: triple, Mode: mode, Cache: c})
			if err != nil {
				return err
			}
			for _, n := range t.Notes {
				fmt.Fprintf(e.stderr, "warden tree: %s\n", n)
			}
			opt := tree.Options{Target: triple, Jobs: *jobs, Cache: c}
			if useColor(e.stderr) {
				opt.Progress = func(done, total int, name string) {
					fmt.Fprintf(e.stderr, "\r\x1b[K[%d/%d] %s", done, total, name)
					if done == total {
						fmt.Fprint(e.stderr, "\r\x1b[K")
					}
				}
			}
			rep, err := tree.Analyze(ctx, t, opt)
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			switch *format {
			case "json":
				err = tree.JSON(out, rep)
			case "dot":
				err = tree.DOT(out, rep)
			case "md":
				err = treeMarkdown(ctx, out, t, rep, triple)
			default:
				err = tree.Text(out, rep)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
}

// treeMarkdown writes the tree's summary page and then the full audit
// report of every analysed crate that has effects of its own.
func treeMarkdown(ctx context.Context, w io.Writer, t *deps.Graph, rep *tree.Report, triple string) error {
	if err := tree.MarkdownSummary(w, rep); err != nil {
		return err
	}
	for _, c := range rep.Crates {
		if !c.Analyzed || len(c.Direct) == 0 {
			continue
		}
		res, err := analysis.Run(ctx, c.Path, load.Options{Target: triple, Features: c.Features, NoDefaultFeatures: true})
		if err != nil {
			fmt.Fprintf(w, "\n# Audit: %s %s\n\nCould not be analysed: %v\n", c.Name, c.Version, err)
			continue
		}
		fmt.Fprintln(w)
		if err := report.Markdown(w, res); err != nil {
			return err
		}
	}
	return nil
}

// workspaceResult is the JSON of "warden scan" on a virtual workspace:
// each member's own scan and its record in the dependency tree.
type workspaceResult struct {
	Members []workspaceMember `json:"members"`
}

type workspaceMember struct {
	Scan *analysis.Result  `json:"scan"`
	Tree *tree.CrateReport `json:"tree"`
}

// scanWorkspace scans every member of a virtual workspace, with what
// each reaches through its dependencies.
func scanWorkspace(ctx context.Context, e *env, dir string, cf crateFlags) error {
	triple := cf.target
	if triple == "" {
		triple = load.DefaultTarget
	}
	t, err := deps.Resolve(ctx, dir, deps.Options{Target: triple})
	if err != nil {
		return err
	}
	for _, n := range t.Notes {
		fmt.Fprintf(e.stderr, "warden scan: %s\n", n)
	}
	rep, err := tree.Analyze(ctx, t, tree.Options{Target: triple})
	if err != nil {
		return err
	}
	byID := map[string]*tree.CrateReport{}
	for i := range rep.Crates {
		byID[rep.Crates[i].ID] = &rep.Crates[i]
	}
	var ws workspaceResult
	out := bufio.NewWriter(e.stdout)
	defer out.Flush()
	for _, id := range t.Members {
		p := t.Packages[id]
		opt := cf.options()
		if cf.features == "" && !cf.allFeatures && !cf.noDefault {
			opt.Features, opt.NoDefaultFeatures = p.Features, true
		}
		res, err := analysis.Run(ctx, p.Dir, opt)
		if err != nil {
			fmt.Fprintf(e.stderr, "warden scan: member %s: %v\n", p.Name, err)
			continue
		}
		cr := byID[string(id)]
		ws.Members = append(ws.Members, workspaceMember{Scan: res, Tree: cr})
		if cf.format == "json" {
			continue
		}
		if err := report.Text(out, res, report.Options{Color: useColor(e.stdout)}); err != nil {
			return err
		}
		if cr != nil {
			fmt.Fprintf(out, "Through dependencies: reachable %s\n", strings.Join(capNames(cr.Reachable), " "))
			for _, f := range cr.Functions {
				for i, c := range f.Reachable {
					fmt.Fprintf(out, "  %-10s %s\n", c, f.Witness[i])
				}
			}
		}
		fmt.Fprintln(out)
	}
	if cf.format == "json" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(ws)
	}
	return nil
}

func capNames(cs []effects.Capability) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c)
	}
	if len(out) == 0 {
		return []string{"-"}
	}
	return out
}
