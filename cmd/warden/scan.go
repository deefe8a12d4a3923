package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"golang.org/x/term"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/report"
	"github.com/wardenrs/warden/internal/tree"
)

const scanUsage = `Usage: warden scan [flags] [PATH]

Reports every effect of the crate in PATH (default "."): where it obtains
authority over the outside world (ambient calls such as File::open,
TcpStream::connect, Command::new, env::var), forges it (raw handles, FFI,
unsafe code) or exercises it at build time (build scripts, proc macros,
include!/env!), grouped by capability and function, and what each
function (binaries' main included) reaches, through the crate's own calls
and through its dependencies, with a witness path. Nothing is built or run.

The dependencies are found as "warden tree" finds them (cargo metadata,
Cargo.lock, vendor directories, $CARGO_HOME, Debian's registry), analysed
(and cached), their macro_rules! macros expanded where the crate invokes
them, and the crate's functions linked to theirs. Every target is
analysed: the library, every binary and the build script.

Code Warden cannot see (a macro defined nowhere, a proc-macro attribute or
derive, code generated into OUT_DIR, an unreadable file) is a blind spot;
the report then says "incomplete: N blind spots" right after its header.

Capabilities: fs, net, process, env, system, ffi, unsafe, raw_handle, build.

Flags:
  --format F              text (default), json, csv, md or sarif
  --target TRIPLE         evaluate cfg for this target (default
                          x86_64-unknown-linux-gnu); "all" analyses the
                          code of every platform, each effect with its cfg
  --features LIST         comma-separated features to enable (default: the
                          features cargo resolves, else the defaults)
  --all-features          enable every feature
  --no-default-features   do not enable the default feature
  --tests                 include cfg(test) code and test targets
  --examples              include example targets
  --benches               include bench targets
  --no-deps               do not look at dependencies: their macros are blind
                          spots and calls into them are not followed
  --fail-on CAPS          exit with status 1 if the crate has or reaches one of
                          these comma-separated capabilities ("any" for all),
                          or, with "blind", if the analysis is incomplete
  --include-name-matches  --fail-on also counts effects and reaches that rely
                          on a method matched by name only (its receiver's
                          type unknown); by default only callees resolved by
                          path, type or trait count
  -j N                    crates analysed in parallel (default: all cores)
  --cache-dir DIR         where dependencies' results are kept (see "warden tree")
  --no-cache              analyse every dependency again and keep nothing

Formats:
  text  a readable report (colour on a terminal unless NO_COLOR is set)
  json  {"crate":{...},"effects":[...],"functions":[...],"imports":[...],
        "problems":[...],"coverage":{"complete","blind_spots":[...]},
        "findings":[...],"io_safety_adoption":{...},"summary":{...}}
  csv   crate,fn_decl,callee,effect,dir,file,line,col,cfg,build_time,
        resolution,kind,unsafe_context
  md    an audit report: coverage, imports by module, effects per
        capability, public API reach, and a security summary
  sarif SARIF 2.1.0 for GitHub code scanning: one result per effect,
        I/O-safety finding, problem and blind spot, with rules and help,
        locations relative to the crate (%SRCROOT%), and the effect id
        as partial fingerprint

In a virtual workspace (a Cargo.toml with [workspace] and no [package]),
every member is scanned (text or json; sarif is for one crate: use
"warden tree --format sarif" or scan each member).

Exit status: 0 on success, 1 when --fail-on matched, 2 on usage or input
errors (missing or malformed Cargo.toml, unknown target or feature).
`

const importsUsage = `Usage: warden imports [flags] [PATH]

Prints the import inventory of the crate in PATH (default "."): one line
"dir, file, path" for each item imported from the standard library's
authority modules (std::env, std::fs, std::net, std::os, std::path,
std::process) or libc, as written in the source: use trees are flattened
but keep self, renames and globs (std::net::self,
std::os::windows::raw::SOCKET as StdSocket, std::os::windows::io::*); dir
is relative to the crate root and file is the file's name. An audit
inventory covers every platform and every feature, so by default the
target is "all" and every feature is open: code behind #[cfg(windows)] or
a disabled feature is listed too.

Flags: --target (default all), --features, --all-features,
--no-default-features, --tests, --examples and --benches as for "warden
scan" (giving any feature flag closes the other features); --format text
(default) or json (each import with its resolved path and cfg).
`

// crateFlags are the flags shared by commands that load a crate.
type crateFlags struct {
	target, features, format, failOn string
	allFeatures, noDefault, tests    bool
	examples, benches                bool
}

func (cf *crateFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&cf.format, "format", "text", "output format")
	registerLoadFlags(fs, cf)
}

// registerLoad registers the flags that choose what is loaded (all but
// --format).
func (cf *crateFlags) registerLoad(fs *flag.FlagSet) { registerLoadFlags(fs, cf) }

func registerLoadFlags(fs *flag.FlagSet, cf *crateFlags) {
	fs.StringVar(&cf.target, "target", "", "target triple, or all")
	fs.StringVar(&cf.features, "features", "", "features to enable")
	fs.BoolVar(&cf.allFeatures, "all-features", false, "enable all features")
	fs.BoolVar(&cf.noDefault, "no-default-features", false, "disable default features")
	fs.BoolVar(&cf.tests, "tests", false, "include cfg(test) code")
	fs.BoolVar(&cf.examples, "examples", false, "include examples")
	fs.BoolVar(&cf.benches, "benches", false, "include benches")
}

// featuresGiven reports whether a feature flag was given.
func (cf *crateFlags) featuresGiven() bool {
	return cf.features != "" || cf.allFeatures || cf.noDefault
}

func (cf *crateFlags) options() load.Options {
	feats := strings.FieldsFunc(cf.features, func(r rune) bool { return r == ',' || r == ' ' })
	return load.Options{Target: cf.target, Features: feats, AllFeatures: cf.allFeatures,
		NoDefaultFeatures: cf.noDefault, Tests: cf.tests, Examples: cf.examples, Benches: cf.benches}
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
	return ok && term.IsTerminal(int(f.Fd()))
}

// cacheFlags are the flags of commands that analyse dependency trees.
type cacheFlags struct {
	dir     string
	noCache bool
	jobs    int
}

func (c *cacheFlags) register(fs *flag.FlagSet) { registerCacheFlags(fs, c) }

func registerCacheFlags(fs *flag.FlagSet, c *cacheFlags) {
	fs.StringVar(&c.dir, "cache-dir", "", "cache directory")
	fs.BoolVar(&c.noCache, "no-cache", false, "do not use the cache")
	fs.IntVar(&c.jobs, "j", 0, "crates analysed in parallel")
}

// open returns the cache, or nil with --no-cache.
func (c *cacheFlags) open() (*cache.Cache, error) {
	if c.noCache {
		return nil, nil
	}
	d := c.dir
	if d == "" {
		var err error
		if d, err = cache.DefaultDir(); err != nil {
			return nil, err
		}
	}
	return cache.Open(d)
}

// progress returns a progress callback drawing on e.stderr when it is a
// terminal, else nil.
func progress(e *env) func(done, total int, name string) {
	if !useColor(e.stderr) {
		return nil
	}
	return func(done, total int, name string) {
		fmt.Fprintf(e.stderr, "\r\x1b[K[%d/%d] %s", done, total, report.Clean(name))
		if done == total {
			fmt.Fprint(e.stderr, "\r\x1b[K")
		}
	}
}

func scanCommand() *command {
	return &command{
		name:    "scan",
		summary: "report what a crate can do to the outside world, where, and through which functions",
		usage:   scanUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			defer batchGC()()
			fs := newFlagSet(e, "scan", scanUsage)
			var cf crateFlags
			var cc cacheFlags
			cf.register(fs)
			cc.register(fs)
			fs.StringVar(&cf.failOn, "fail-on", "", "capabilities that make the scan fail")
			nameMatches := fs.Bool("include-name-matches", false, "--fail-on also counts name matches")
			noDeps := fs.Bool("no-deps", false, "do not look at dependencies")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			gate, err := parseGate(cf.failOn)
			if err != nil {
				return err
			}
			gate.nameMatches = *nameMatches
			switch cf.format {
			case "text", "json", "csv", "md", "sarif":
			default:
				return fmt.Errorf("%w: unknown format %q (text, json, csv, md or sarif)", errUsage, cf.format)
			}
			c, err := cc.open()
			if err != nil {
				return err
			}
			scan, err := tree.ScanPackages(ctx, dir, tree.ScanOptions{Load: cf.options(), FeaturesGiven: cf.featuresGiven(),
				NoDeps: *noDeps, Cache: c, Jobs: cc.jobs, Version: cacheVersion(), Progress: progress(e)})
			if err != nil {
				return err
			}
			for _, n := range scan.Notes {
				fmt.Fprintf(e.stderr, "warden scan: %s\n", report.Clean(n))
			}
			if len(scan.Results) > 1 && cf.format != "text" && cf.format != "json" {
				return fmt.Errorf("%w: a workspace scan writes text or json", errUsage)
			}
			if err := writeScan(e, scan, cf.format); err != nil {
				return err
			}
			for _, res := range scan.Results {
				if gate.matches(res) {
					return errFindings
				}
			}
			return nil
		},
	}
}

// writeScan renders a scan: one report per package.
func writeScan(e *env, scan *tree.Scan, format string) error {
	out := bufio.NewWriter(e.stdout)
	var err error
	if len(scan.Results) > 1 {
		err = writeWorkspace(out, e, scan, format)
	} else {
		res := scan.Results[0]
		switch format {
		case "json":
			err = report.JSON(out, res)
		case "csv":
			err = report.CSV(out, res)
		case "md":
			err = report.Markdown(out, res)
		case "sarif":
			err = report.SARIF(out, res, report.SARIFOptions{Version: version})
		default:
			err = report.Text(out, res, report.Options{Color: useColor(e.stdout)})
		}
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

// workspaceMember is one member in the JSON of a workspace scan: its
// scan and its record in the dependency tree.
type workspaceMember struct {
	Scan json.RawMessage   `json:"scan"`
	Tree *tree.CrateReport `json:"tree"`
}

func writeWorkspace(out io.Writer, e *env, scan *tree.Scan, format string) error {
	byName := map[string]*tree.CrateReport{}
	if scan.Tree != nil {
		for i := range scan.Tree.Crates {
			c := &scan.Tree.Crates[i]
			byName[c.Name+" "+c.Version] = c
		}
	}
	var members []workspaceMember
	for i, res := range scan.Results {
		cr := byName[res.Crate.Name+" "+res.Crate.Version]
		if format == "json" {
			var b strings.Builder
			if err := report.JSON(&b, res); err != nil {
				return err
			}
			members = append(members, workspaceMember{Scan: json.RawMessage(b.String()), Tree: cr})
			continue
		}
		if i > 0 {
			fmt.Fprintln(out)
		}
		if err := report.Text(out, res, report.Options{Color: useColor(e.stdout)}); err != nil {
			return err
		}
	}
	if format != "json" {
		return nil
	}
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Members []workspaceMember `json:"members"`
	}{members})
}

// gate is what --fail-on asks for.
type gate struct {
	caps  map[model.Capability]bool
	blind bool
	// nameMatches counts effects and reaches that rely on a method
	// matched by name only (--include-name-matches).
	nameMatches bool
}

func parseGate(list string) (gate, error) {
	g := gate{caps: map[model.Capability]bool{}}
	for _, c := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == ' ' }) {
		switch {
		case c == "any":
			for _, k := range model.All {
				g.caps[k] = true
			}
		case c == "blind":
			g.blind = true
		case model.Capability(c).Valid():
			g.caps[model.Capability(c)] = true
		default:
			return g, fmt.Errorf("%w: unknown capability %q in --fail-on (%s, any or blind)", errUsage, c, capList())
		}
	}
	return g, nil
}

func capList() string {
	var s []string
	for _, c := range model.All {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// matches reports whether a scanned package fails the gate: it has or
// reaches a gated capability, or it is incomplete and blind spots are
// gated.
func (g gate) matches(res *analysis.Result) bool {
	if g.blind && !res.Complete() {
		return true
	}
	for c := range tree.Reaches(res, g.nameMatches) {
		if g.caps[c] {
			return true
		}
	}
	return false
}

func importsCommand() *command {
	return &command{
		name:    "imports",
		summary: "list imports from std's authority modules and libc, as written, for every platform",
		usage:   importsUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			defer batchGC()()
			fs := newFlagSet(e, "imports", importsUsage)
			var cf crateFlags
			cf.register(fs)
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			if cf.format != "text" && cf.format != "json" {
				return fmt.Errorf("%w: unknown format %q (text or json)", errUsage, cf.format)
			}
			opt := cf.options()
			if opt.Target == "" {
				opt.Target = "all"
			}
			opt.AnyFeatures = !cf.featuresGiven()
			res, err := analysis.Run(ctx, dir, opt)
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			if cf.format == "json" {
				err = report.ImportsJSON(out, res)
			} else {
				err = report.Imports(out, res)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if n := len(res.Of(diag.BlindSpot)); n > 0 && err == nil {
				fmt.Fprintf(e.stderr, "warden imports: incomplete: %d blind spots (code Warden could not see; \"warden scan\" lists them)\n", n)
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

  WIO001 raw-handle-param   a public safe fn (or a public trait's method
                            declaration) takes a raw handle in any form
                            (RawFd, Option<RawFd>, tuples, slices, an
                            integer named like a descriptor) and uses it
                            as a handle: passes it on, stores it, or calls
                            a method on it
  WIO002 raw-handle-bound   a public safe fn is generic over AsRawFd /
                            IntoRawFd, or a crate trait standing for them
                            (RawFd itself satisfies the bound)
  WIO003 forging-wrapper    a safe fn calls from_raw_fd on a value from
                            its parameters, a field or arithmetic
  WIO004 forged-literal     from_raw_fd(3): an I/O object from a literal
                            (0, 1, 2 reported at low severity)
  WIO005 escaping-borrow    as_raw_fd() of a local owner returned, stored
                            in a struct, or used after drop(owner)
  WIO006 double-close-or-leak
                            close(x.as_raw_fd()) while x still owns the fd,
                            or the result of into_raw_fd() discarded
  WIO007 raw-handle-return  a public safe fn returns an owned RawFd (alone,
                            in a Result, Option, tuple or a struct of the
                            crate) for its caller to close

The checks read the same program as "warden scan": code produced by the
crate's macros (and its dependencies', with their sources) is checked, and
a finding in such code is reported at the macro's invocation.

The JSON output also has "io_safety_adoption": how many public functions
take or return raw handles versus OwnedFd/BorrowedFd/AsFd, and which types
implement AsFd, From<OwnedFd>, or only AsRawFd.

A finding is suppressed by a comment on its line or just above it that
gives a reason:
  // warden:allow(WIO003) the fd comes from systemd socket activation
Suppressed findings are still listed, with their reason.

Flags: --target, --features, --all-features, --no-default-features,
--tests, --examples and --benches as for "warden scan"; --format text
(default) or json; --fail exits with status 1 if any finding is not
suppressed.
`

func iosafetyCommand() *command {
	return &command{
		name:    "iosafety",
		summary: "find safe APIs that let callers forge or misuse raw handles (RFC 3128)",
		usage:   iosafetyUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			defer batchGC()()
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
				err = report.IOSafetyJSON(out, res)
			} else {
				err = report.IOSafety(out, res)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			for _, f := range res.Of(diag.Finding) {
				if *fail && !f.Suppressed {
					return errFindings
				}
			}
			return nil
		},
	}
}

const treeUsage = `Usage: warden tree [flags] [PATH]

Analyses the whole dependency tree of the Cargo project in PATH (default
"."), resolved as cargo resolves it ("cargo metadata --offline --locked";
without cargo or a lock file, from Cargo.lock or the manifests and the
source directories cargo would use: vendor directories, $CARGO_HOME,
Debian's /usr/share/cargo/registry). Every crate is analysed with the
features resolved for it, dependencies first so that their macros are
expanded where they are used; every target (library, binaries, build
script) is linked into one call graph keyed by package (two versions of a
crate never mix); build scripts, build-dependencies and proc macros are
build time, kept apart from run time.

The text report opens with one line per crate: its runtime and build-time
capabilities and the main reason (a function with a short witness); then
the details: the root's entry points and public functions with full
witnesses, and each crate's problems and blind spots.

Flags:
  --format F       text (default), json (per-crate records and edges),
                   dot (the crate graph for Graphviz, coloured by capability),
                   md (the summary table, then one short section per
                   crate with capabilities) or sarif (SARIF 2.1.0 for GitHub
                   code scanning: every crate's effects, problems and blind
                   spots; files of crates outside PATH under a uriBaseId
                   CRATE_<name>_<version>)
  --target TRIPLE  evaluate cfg for this target (default
                   x86_64-unknown-linux-gnu), or "all"
  --fail-on CAPS   exit with status 1 if the root reaches one of these
                   capabilities at run time ("any" for all), or, with
                   "blind", if any crate's analysis is incomplete
  --include-name-matches
                   --fail-on also counts capabilities reached only through
                   a method matched by name (receiver type unknown)
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

Results are cached per crate, keyed by Warden's version, its effect model,
the crate's name, version, a checksum of its files, target, features and
the keys of its dependencies; entries are written atomically and verified
on read, so a corrupt or foreign entry is ignored and rebuilt.

A crate that cannot be analysed is reported with the reason; the rest of
the tree is analysed. Progress is shown on standard error when it is a
terminal.
`

func treeCommand() *command {
	return &command{
		name:    "tree",
		summary: "analyse a whole dependency tree: which crate reaches what, through whom, at run and build time",
		usage:   treeUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			defer batchGC()()
			fs := newFlagSet(e, "tree", treeUsage)
			format := fs.String("format", "text", "output format")
			target := fs.String("target", "", "target triple")
			failOn := fs.String("fail-on", "", "capabilities that make the command fail")
			nameMatches := fs.Bool("include-name-matches", false, "--fail-on also counts name matches")
			var cc cacheFlags
			cc.register(fs)
			fromLock := fs.Bool("lockfile", false, "resolve from Cargo.lock without cargo")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			if *format != "text" && *format != "json" && *format != "dot" && *format != "md" && *format != "sarif" {
				return fmt.Errorf("%w: unknown format %q (text, json, dot, md or sarif)", errUsage, *format)
			}
			g8, err := parseGate(*failOn)
			if err != nil {
				return err
			}
			g8.nameMatches = *nameMatches
			triple := *target
			if triple == "" {
				triple = load.DefaultTarget
			}
			c, err := cc.open()
			if err != nil {
				return err
			}
			mode := deps.Auto
			if *fromLock {
				mode = deps.Lock
			}
			t, err := deps.Resolve(ctx, dir, deps.Options{Target: triple, Mode: mode, Cache: c})
			if err != nil {
				return err
			}
			rep, err := tree.Analyze(ctx, t, tree.Options{Target: triple, Jobs: cc.jobs, Cache: c, Version: cacheVersion(), Progress: progress(e)})
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			switch *format {
			case "json":
				err = report.TreeJSON(out, rep)
			case "dot":
				err = report.TreeDOT(out, rep)
			case "md":
				err = report.TreeMarkdown(out, rep)
			case "sarif":
				err = report.TreeSARIF(out, rep, report.SARIFOptions{Version: version, ProjectDir: dir})
			default:
				err = report.TreeText(out, rep)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if g8.blind && rep.BlindSpots > 0 {
				return errFindings
			}
			for _, cr := range rep.Crates {
				if cr.ID != rep.RootID {
					continue
				}
				for _, cap := range cr.Runtime {
					if g8.caps[cap] && (g8.nameMatches || !slices.Contains(cr.RuntimeByName, cap)) {
						return errFindings
					}
				}
			}
			return nil
		},
	}
}
