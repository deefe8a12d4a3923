package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"

	"github.com/owenrumney/go-sarif/v2/sarif"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/iosafety"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

// SARIF 2.1.0 output (scan, tree and check --format sarif), for GitHub
// code scanning and any SARIF viewer. The object model is go-sarif's;
// this file decides what goes into it:
//
//   - one run, tool.driver "warden" with its version and informationUri;
//     rules only for what the run reports, in a fixed order (effects by
//     capability and kind, I/O-safety checks, blind spots, problems, the
//     gate's causes), each with a short and full description and help;
//   - every result has a ruleId, a level, a message and one location:
//     an artifactLocation whose uri is relative (never absolute) to a
//     uriBaseId: %SRCROOT% (the project: the scanned crate, or the
//     directory given to tree and check) for crates inside the project,
//     CRATE_<name>_<version> for crates outside it (registry, vendored
//     and path dependencies), each mapped in originalUriBaseIds to the
//     directory as a file:// URI; a region (startLine, startColumn) when
//     the line is known;
//   - partialFingerprints: an effect's stable id (wardenEffectId/v1), so
//     a code-scanning alert survives line moves and version bumps as the
//     id does; findings, blind spots and problems a hash of what they are
//     without their line;
//   - levels: effects are warnings for the authorities that reach the
//     outside world (fs, net, process, env, system, ffi, raw_handle) and
//     notes for unsafe code and build-time effects (the build capability,
//     or any effect of a build script or proc macro); findings follow
//     their severity (high error, medium warning, low note), suppressed
//     ones carry a SARIF suppression with the comment's reason; blind
//     spots and problems are warnings; every cause of a failing check is
//     an error.
//
// Strings from the crate are written exactly (encoding/json escapes
// them; invalid UTF-8 becomes U+FFFD); file names are percent-encoded
// into URIs.

// SARIFOptions says what the SARIF renderers cannot read from their
// input.
type SARIFOptions struct {
	// Version is Warden's version (tool.driver.version).
	Version string
	// ProjectDir is the directory %SRCROOT% stands for; "" means the
	// scanned crate's directory (SARIF) or the root crate's (TreeSARIF,
	// CheckSARIF).
	ProjectDir string
	// ProjectFile is the decisions file (CheckSARIF: the location of
	// stale decisions).
	ProjectFile string
}

// InformationURI is the driver's informationUri.
const InformationURI = "https://github.com/wardenrs/warden"

const (
	srcRoot       = "%SRCROOT%"
	effectFPKey   = "wardenEffectId/v1"
	findingFPKey  = "wardenFinding/v1"
	blindFPKey    = "wardenBlindSpot/v1"
	problemFPKey  = "wardenProblem/v1"
	decisionFPKey = "wardenDecision/v1"
)

// ruleText is the text of a rule: a one-line summary and the help
// (fullDescription and help).
type ruleText struct {
	short, help string
}

// effectRules are the texts of the effect rules, by capability and kind
// (rule id effect/<capability>/<kind>). A kind "" entry stands for any
// other kind of that capability (its rule id still names the kind).
var effectRules = []struct {
	cap  model.Capability
	kind string
	text ruleText
}{
	{model.FS, "ambient", ruleText{"Opens, reads, writes or lists files by path",
		"The code obtains authority over the file system from the environment: it names files or directories by path (std::fs, File::open, OpenOptions, read_dir, the path-taking libc functions). Whatever the process may touch, this code may read, overwrite or delete. Review which paths it can reach and whether callers control them."}},
	{model.FS, "", ruleText{"Uses file-system authority",
		"The code uses file-system authority (files and directories) in a way other than a direct call, for example a modelled std::fs function taken as a value (fn_pointer). Review where the value is called and with which paths."}},
	{model.Net, "ambient", ruleText{"Opens sockets or resolves names",
		"The code obtains network authority: it connects, binds or listens on sockets (TcpStream, TcpListener, UdpSocket, UnixStream, libc socket/connect/bind) or resolves host names. It can exfiltrate data or accept connections. Review the addresses it can reach and who chooses them."}},
	{model.Net, "", ruleText{"Uses network authority",
		"The code uses network authority (sockets, DNS) in a way other than a direct call, for example a modelled function taken as a value. Review where it is called."}},
	{model.Process, "ambient", ruleText{"Spawns or replaces processes",
		"The code starts programs (std::process::Command, fork, exec*, posix_spawn, system, popen). A spawned program runs with the process's full authority. Review which program and arguments can be chosen, and by whom."}},
	{model.Process, "exit", ruleText{"Exits or aborts the process",
		"The code ends the whole process (std::process::exit, abort, libc exit/_exit). A library that exits takes the decision away from the program embedding it. Review whether this can be reached from a library API."}},
	{model.Process, "signal", ruleText{"Sends or handles signals",
		"The code sends signals to processes (kill, killpg, raise) or installs signal handlers (signal, sigaction). It can stop other processes or change how this one reacts to them. Review the targets and handlers."}},
	{model.Process, "", ruleText{"Uses process authority",
		"The code uses process authority (spawning, exiting, signals). Review where and how."}},
	{model.Env, "ambient", ruleText{"Reads or changes the environment, arguments or current directory",
		"The code reads or changes environment variables, the command-line arguments or the current directory (std::env, getenv, setenv, chdir). Environment variables often hold secrets and steer other code; changing them is process-wide. Review what it reads and what it does with it."}},
	{model.Env, "", ruleText{"Uses environment authority",
		"The code uses environment authority (variables, arguments, current directory). Review where and how."}},
	{model.System, "call", ruleText{"Calls into a system-binding crate",
		"The code calls a function of a system-binding crate such as libc (one that is not modelled as fs, net, process or env). It acts on the operating system directly, below std's guarantees. Review the call and its arguments."}},
	{model.System, "", ruleText{"Uses system bindings",
		"The code uses a system-binding crate such as libc. Review where and how."}},
	{model.FFI, "extern_fn", ruleText{"Declares a foreign function",
		"The crate declares a function implemented outside Rust (an extern block). Foreign code is not analysed: it can do anything the process can. Review which library provides it and what it does."}},
	{model.FFI, "extern_static", ruleText{"Declares a foreign static",
		"The crate declares a static defined outside Rust (an extern block). Its contents are not analysed. Review which library provides it."}},
	{model.FFI, "extern_static_use", ruleText{"Uses a foreign static",
		"The code reads or writes a static defined outside Rust. Review what the foreign side does with it."}},
	{model.FFI, "extern_call", ruleText{"Calls a foreign function",
		"The code calls a function implemented outside Rust. Foreign code is not analysed and can do anything the process can. Review the call and the library behind it."}},
	{model.FFI, "link", ruleText{"Links a native library",
		"A #[link] attribute makes the crate link a native library, whose code runs inside the process unanalysed. Review the library."}},
	{model.FFI, "export", ruleText{"Exports a symbol to foreign code",
		"An item is exported under a fixed symbol name (#[no_mangle], #[export_name]): foreign code can call or read it, and it can replace a symbol of the same name. Review who links against it."}},
	{model.FFI, "", ruleText{"Uses foreign code",
		"The code uses foreign (non-Rust) code, for example a foreign function taken as a value. Review where and how."}},
	{model.Unsafe, "unsafe_block", ruleText{"Contains an unsafe block",
		"An unsafe block lets the code do what the compiler cannot check (raw pointers, unsafe functions, mutable statics, union fields). A mistake there breaks memory safety for the whole program. Review the operations inside and the invariants they rely on."}},
	{model.Unsafe, "unsafe_fn", ruleText{"Declares an unsafe function",
		"An unsafe fn puts a safety contract on its callers. Review that the contract is documented and that callers keep it."}},
	{model.Unsafe, "unsafe_impl", ruleText{"Implements an unsafe trait",
		"An unsafe impl (Send, Sync, GlobalAlloc, ...) promises what the compiler cannot check. A wrong promise breaks memory or thread safety. Review the invariant it relies on."}},
	{model.Unsafe, "unsafe_trait", ruleText{"Declares an unsafe trait",
		"An unsafe trait makes its implementors promise an invariant. Review the documented contract."}},
	{model.Unsafe, "unsafe_call", ruleText{"Calls an unsafe function",
		"The code calls an unsafe function, whose safety contract the caller must keep. Review that the arguments satisfy it."}},
	{model.Unsafe, "raw_deref", ruleText{"Dereferences a raw pointer",
		"The code dereferences a raw pointer. Nothing checks that it is valid, aligned and points to live, initialised memory. Review where the pointer comes from."}},
	{model.Unsafe, "union_field", ruleText{"Reads a union field",
		"The code reads a field of a union, reinterpreting its bytes. Review that the field read is the one last written, or valid for any bytes."}},
	{model.Unsafe, "static_mut", ruleText{"Declares or uses a mutable static",
		"A static mut is shared mutable state without synchronisation; every access is unsafe and a data race is undefined behaviour. Review every access."}},
	{model.Unsafe, "asm", ruleText{"Contains inline assembly",
		"Inline assembly (asm!, global_asm!) is not analysed and can do anything the process can. Review it."}},
	{model.Unsafe, "", ruleText{"Uses unsafe code",
		"The code uses unsafe Rust. Review the operation and the invariants it relies on."}},
	{model.RawHandle, "forge", ruleText{"Makes an I/O object from a raw handle",
		"The code builds an owned I/O object (File, TcpStream, OwnedFd, ...) from a raw file descriptor, socket or handle (from_raw_fd and friends). If the number does not come from something the code owns, it acts on another component's resource, or closes it. Review where the handle comes from."}},
	{model.RawHandle, "", ruleText{"Uses raw handles",
		"The code uses raw file descriptors, sockets or handles. Review where they come from."}},
	{model.Build, "build_script", ruleText{"Has a build script",
		"The crate has a build script (build.rs): code that runs on the machine that builds the project, with the builder's authority, before any test or review of the program. Review everything it does."}},
	{model.Build, "proc_macro", ruleText{"Is a procedural-macro crate",
		"The crate is a procedural macro: its code runs inside the compiler on every build, with the builder's authority, and generates code for its users. Review what it does when it runs and what it generates."}},
	{model.Build, "include", ruleText{"Includes a file at compile time",
		"include!, include_str! or include_bytes! read a file when the crate is compiled and put its contents into the program. Review which file, and that it is the one shipped with the crate."}},
	{model.Build, "env_macro", ruleText{"Reads the build environment at compile time",
		"env! or option_env! read an environment variable of the build and bake its value into the program. Review that no secret of the build machine can end up there."}},
	{model.Build, "", ruleText{"Acts at build time",
		"The code acts when the crate is built, not when it runs. Review it."}},
}

// effectRuleText returns the text of an effect rule.
func effectRuleText(c model.Capability, kind string) ruleText {
	for _, r := range effectRules {
		if r.cap == c && r.kind == kind {
			return r.text
		}
	}
	for _, r := range effectRules {
		if r.cap == c && r.kind == "" {
			return r.text
		}
	}
	return ruleText{"Uses capability " + string(c), "The code uses the " + string(c) + " capability. Review where and how."}
}

// effectRuleOrder ranks effect rules in report order: capabilities in
// model.All order, the kinds of a capability in table order, unknown
// ones last by name.
func effectRuleOrder(c model.Capability, kind string) int {
	for i, r := range effectRules {
		if r.cap == c && r.kind == kind {
			return i
		}
	}
	return len(effectRules)
}

// blindRules explain the blind spots by kind (rule id blind-spot/<kind>).
var blindRules = map[string]string{
	"macro-not-found":      "A macro is invoked that Warden found defined nowhere it looked (the crate, its dependencies' sources): what it expands to is not analysed.",
	"macro-error":          "A macro_rules! macro could not be expanded: the code it would produce is not analysed.",
	"expansion-budget":     "Macro expansion stopped at its budget (deep or exponential recursion): the rest of the expansion is not analysed.",
	"proc-macro":           "A procedural macro is invoked: the code it generates is produced by running it, which Warden does not do, so it is not analysed.",
	"proc-macro-attribute": "A procedural-macro attribute rewrites the item it is on: what the item becomes is not analysed.",
	"proc-macro-derive":    "A derive of a procedural macro generates code that is not analysed.",
	"generated-code":       "The code includes what a build script generates (into OUT_DIR), which exists only after a build: it is not analysed.",
	"include-unknown":      "include! of a path Warden cannot compute (a macro or variable argument): the included code is not analysed.",
	"include-unreadable":   "include! of a file that could not be read: the included code is not analysed.",
	"dependencies":         "The crate's dependencies could not all be found or analysed: calls into them are not followed.",
	"dependency-not-found": "A dependency's source was not found: calls into it are not followed and its macros are not expanded.",
	"syntax":               "A file could not be parsed completely: the code Warden could not read is not analysed.",
}

const blindHelp = "A blind spot is code that exists but that Warden could not see, so an absence of effects there proves nothing. " +
	"Review the code by hand, or make it visible (install the missing source, vendor the dependency), and run Warden again."

// checkRules are the rules of "warden check" (the causes the gate fails
// on).
var checkRules = []struct {
	id   string
	text ruleText
}{
	{"check/unreviewed", ruleText{"An effect is neither reviewed nor allowed by the policy",
		"The effect has no decision in the project file (warden.toml) and the policy does not allow its capability for its crate. Review it, then record the decision with `warden audit accept|reject|caller-checked ID --reason TEXT`, or allow the capability for the crate in the policy."}},
	{"check/rejected", ruleText{"An effect was reviewed and rejected",
		"A reviewer recorded the decision unsafe on this effect: the gate fails while the code is there. Remove or replace the code (update or drop the dependency), or change the decision in the project file."}},
	{"check/stale", ruleText{"A decision matches no effect any more",
		"The project file holds a decision on an effect id that no crate of the tree has any more: the code it judged is gone or changed. Remove the decision from the project file (like an unused grant), after reviewing the new code if it changed."}},
	{"check/blind", ruleText{"A crate of the tree has a blind spot",
		"Part of a crate could not be analysed, so its effects cannot all be reviewed, and the policy says blind spots fail the gate (blind = \"fail\", the default). Make the code visible, or set blind = \"warn\" in the policy once it has been reviewed by hand."}},
}

// sarifBuilder collects one run.
type sarifBuilder struct {
	run   *sarif.Run
	rules map[string]*sarif.ReportingDescriptor
	order map[string]string // rule id -> sort key
	// project is the directory %SRCROOT% stands for.
	project string
	bases   map[string]string // uriBaseId -> directory
	labels  map[string]string // uriBaseId -> "name version"
	baseOf  map[string]string // crate key -> its uriBaseId
	results []*sarif.Result
}

func newSARIFBuilder(version, project string) *sarifBuilder {
	driver := sarif.NewVersionedDriver("warden", orDefault(version, "dev")).WithInformationURI(InformationURI)
	driver.WithFullName("Warden, a supply-chain auditor for Rust crates")
	b := &sarifBuilder{run: sarif.NewRun(*sarif.NewTool(driver)), rules: map[string]*sarif.ReportingDescriptor{},
		order: map[string]string{}, bases: map[string]string{}, labels: map[string]string{}, baseOf: map[string]string{}}
	if project != "" {
		b.project = absDir(project)
		b.bases[srcRoot] = b.project
	}
	return b
}

// absDir makes a directory absolute and clean ("" stays "").
func absDir(d string) string {
	if d == "" {
		return ""
	}
	if a, err := filepath.Abs(d); err == nil {
		return a
	}
	return filepath.Clean(d)
}

// rule adds a rule (once) and returns its id.
func (b *sarifBuilder) rule(id, sortKey string, t ruleText, level string, tags ...string) string {
	if _, ok := b.rules[id]; ok {
		return id
	}
	r := sarif.NewRule(id).WithName(ruleName(id)).WithDescription(t.short).
		WithFullDescription(sarif.NewMultiformatMessageString(t.help)).
		WithTextHelp(t.help).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(level))
	props := sarif.Properties{"tags": append([]string{"security", "supply-chain"}, tags...)}
	r.WithProperties(props)
	b.rules[id] = r
	b.order[id] = sortKey
	return id
}

// ruleName turns a rule id into a name: effect/fs/ambient is
// EffectFsAmbient.
func ruleName(id string) string {
	var s strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '/' || r == '_' || r == '-' }) {
		s.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return s.String()
}

// crateBase returns the uriBaseId and the directory uris are relative
// to, for a crate's files: %SRCROOT% and the project for a crate inside
// the project, else CRATE_<name>_<version> and the crate's directory.
func (b *sarifBuilder) crateBase(name, version, dir string) (string, string) {
	dir = absDir(dir)
	if b.project != "" && dir != "" && within(b.project, dir) {
		return srcRoot, b.project
	}
	key := name + " " + version + " " + dir
	if id, ok := b.baseOf[key]; ok {
		return id, dir
	}
	id := "CRATE_" + name + "_" + version
	for n := 2; ; n++ {
		if _, taken := b.bases[id]; !taken {
			break
		}
		id = fmt.Sprintf("CRATE_%s_%s_%d", name, version, n)
	}
	b.baseOf[key] = id
	b.bases[id] = dir
	b.labels[id] = name + " " + version
	return id, dir
}

// within reports whether dir is root or under it.
func within(root, dir string) bool {
	rel, err := filepath.Rel(root, dir)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// location makes a result's location: file (relative to the crate's
// directory, or absolute) of a crate whose files are under uriBaseId
// base, relative to root.
func location(base, root, crateDir, file string, line, col int, function string) *sarif.Location {
	if file == "" {
		file = "Cargo.toml"
	}
	var p string
	switch {
	case filepath.IsAbs(file) && root != "":
		if rel, err := filepath.Rel(root, file); err == nil {
			p = filepath.ToSlash(rel)
		}
	case root != "" && crateDir != "":
		if rel, err := filepath.Rel(root, filepath.Join(absDir(crateDir), filepath.FromSlash(file))); err == nil {
			p = filepath.ToSlash(rel)
		}
	case !filepath.IsAbs(file):
		p = file
	}
	al := sarif.NewArtifactLocation()
	if p != "" {
		al.WithUri(relURI(p)).WithUriBaseId(base)
	} else {
		al.WithUri(fileURI(file, false))
	}
	pl := sarif.NewPhysicalLocation().WithArtifactLocation(al)
	if line > 0 {
		r := sarif.NewRegion().WithStartLine(line)
		if col > 0 {
			r.WithStartColumn(col)
		}
		pl.WithRegion(r)
	}
	loc := sarif.NewLocationWithPhysicalLocation(pl)
	if function != "" {
		loc.WithLogicalLocations([]*sarif.LogicalLocation{sarif.NewLogicalLocation().WithFullyQualifiedName(function).WithKind("function")})
	}
	return loc
}

// relURI percent-encodes a slash-separated relative path as a relative
// URI reference.
func relURI(p string) string {
	u := url.URL{Path: p}
	return u.String()
}

// fileURI is the file:// URI of an absolute path (with a final slash
// for a directory).
func fileURI(p string, dir bool) string {
	s := filepath.ToSlash(p)
	if !strings.HasPrefix(s, "/") {
		s = "/" + s // Windows drive letters
	}
	if dir && !strings.HasSuffix(s, "/") {
		s += "/"
	}
	u := url.URL{Scheme: "file", Path: s}
	return u.String()
}

// add appends a result.
func (b *sarifBuilder) add(ruleID, level, msg string, loc *sarif.Location, fps map[string]any, props sarif.Properties) *sarif.Result {
	r := sarif.NewRuleResult(ruleID).WithLevel(level).WithMessage(sarif.NewTextMessage(msg)).
		WithLocations([]*sarif.Location{loc}).WithPartialFingerPrints(fps)
	if len(props) > 0 {
		r.Properties = props
	}
	b.results = append(b.results, r)
	return r
}

// hashFP is a fingerprint of parts: 16 hex digits of their SHA-256.
func hashFP(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

// guid makes a stable GUID (version 5 and variant bits set, as the
// schema's pattern requires) from parts.
func guid(parts ...string) string {
	h := sha256.Sum256([]byte("warden-suppression\x00" + strings.Join(parts, "\x00")))
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// effectLevel is the level of an effect: a note for unsafe code and
// build time, a warning for authority over the outside world.
func effectLevel(d diag.Diagnostic) string {
	switch c := model.Capability(d.Capability); {
	case d.BuildTime, c == model.Unsafe, c == model.Build:
		return "note"
	}
	return "warning"
}

// severityLevel maps a finding's severity to a SARIF level.
func severityLevel(s string) string {
	switch iosafety.Severity(s) {
	case iosafety.High:
		return "error"
	case iosafety.Low:
		return "note"
	}
	return "warning"
}

// effectRule adds the rule of an effect and returns its id.
func (b *sarifBuilder) effectRule(d diag.Diagnostic) string {
	c := model.Capability(d.Capability)
	id := "effect/" + d.Capability + "/" + d.Kind
	level := "warning"
	if c == model.Unsafe || c == model.Build {
		level = "note"
	}
	return b.rule(id, fmt.Sprintf("0 %02d %04d %s", c.Rank(), effectRuleOrder(c, d.Kind), id), effectRuleText(c, d.Kind), level, "capability:"+d.Capability)
}

// effectMessage describes an effect: "fs: std::fs::read_to_string in fn
// tinyhttp::config::load (resolution path)".
func effectMessage(d diag.Diagnostic) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s: %s", d.Capability, d.Callee)
	if d.Function != "" {
		fmt.Fprintf(&s, " in fn %s", d.Function)
	}
	fmt.Fprintf(&s, " (%s, resolution %s", d.Kind, d.Resolution)
	if d.BuildTime {
		s.WriteString(", build time")
	}
	if d.Cfg != "" {
		fmt.Fprintf(&s, ", cfg %s", d.Cfg)
	}
	if d.ViaMacro != "" {
		fmt.Fprintf(&s, ", via macro %s!", d.ViaMacro)
	}
	s.WriteString(")")
	return s.String()
}

func effectProps(d diag.Diagnostic, crate, version string) sarif.Properties {
	p := sarif.Properties{"capability": d.Capability, "kind": d.Kind, "callee": d.Callee,
		"confidence": confidence(d), "resolution": d.Resolution.String(), "buildTime": d.BuildTime}
	if d.Cfg != "" {
		p["cfg"] = d.Cfg
	}
	if d.ViaMacro != "" {
		p["viaMacro"] = d.ViaMacro
	}
	if crate != "" {
		p["crate"], p["version"] = crate, version
	}
	return p
}

// crateCtx is where a crate's files are.
type crateCtx struct {
	name, version, dir string
	base, root         string
	label              string // "name version: " in tree runs, "" for scan
}

func (b *sarifBuilder) crate(name, version, dir string, labelled bool) crateCtx {
	base, root := b.crateBase(name, version, dir)
	c := crateCtx{name: name, version: version, dir: dir, base: base, root: root}
	if labelled {
		c.label = name + " " + version + ": "
	}
	return c
}

func (c crateCtx) loc(p diag.Position, function string) *sarif.Location {
	return location(c.base, c.root, c.dir, p.File, p.Line, p.Col, function)
}

func (c crateCtx) props(p sarif.Properties) sarif.Properties {
	if c.label != "" {
		p["crate"], p["version"] = c.name, c.version
	}
	return p
}

// diagnostics adds the results of a crate's diagnostics.
func (b *sarifBuilder) diagnostics(c crateCtx, ds []diag.Diagnostic) {
	for _, d := range ds {
		switch d.Category {
		case diag.Effect:
			b.add(b.effectRule(d), effectLevel(d), c.label+effectMessage(d), c.loc(d.Pos, d.Function),
				map[string]any{effectFPKey: d.ID}, c.props(effectProps(d, "", "")))
		case diag.Finding:
			b.finding(c, d)
		case diag.BlindSpot:
			b.blindSpot(c, d, "warning", "")
		case diag.Problem:
			id := b.rule("problem/"+d.Kind, "3 "+d.Kind, ruleText{"The input could not be read as written (" + d.Kind + ")",
				"Part of the crate could not be read as written (a syntax error, a missing module, a malformed manifest). What Warden could not read is not analysed: review it by hand."}, "warning")
			b.add(id, "warning", c.label+d.Message, c.loc(d.Pos, d.Function),
				map[string]any{problemFPKey: hashFP(c.name, d.Kind, d.Pos.File, d.Message)}, c.props(sarif.Properties{"kind": d.Kind}))
		}
	}
}

func (b *sarifBuilder) finding(c crateCtx, d diag.Diagnostic) {
	t := ruleText{short: d.Kind, help: d.Fix}
	level := severityLevel(d.Severity)
	if ch := iosafety.CheckByID(d.Kind); ch != nil {
		short, _, _ := strings.Cut(ch.Explain, ". ")
		t = ruleText{short: ch.Name + ": " + strings.TrimSuffix(short, ".") + ".", help: ch.Explain + "\n\nFix: " + ch.Fix +
			"\n\nSuppress a finding with a comment that gives a reason, on its line or just above it: // warden:allow(" + ch.ID + ") reason"}
		b.rule(ch.ID, "1 "+ch.ID, t, severityLevel(string(ch.Severity)), "io-safety")
	} else {
		b.rule(d.Kind, "1 "+d.Kind, t, level, "io-safety")
	}
	msg := d.Message
	if d.Cfg != "" {
		msg += " (cfg " + d.Cfg + ")"
	}
	if d.ViaMacro != "" {
		msg += " (via macro " + d.ViaMacro + "!)"
	}
	loc := c.loc(d.Pos, d.Function)
	fp := hashFP(c.name, d.Kind, d.Function, d.Message)
	props := sarif.Properties{"severity": d.Severity}
	if d.Fix != "" {
		props["fix"] = d.Fix
	}
	r := b.add(d.Kind, level, c.label+msg, loc, map[string]any{findingFPKey: fp}, c.props(props))
	if d.Suppressed {
		r.AddSuppression(sarif.NewSuppression("inSource").WithStatus("accepted").WithJustifcation(d.Reason).
			WithLocation(c.loc(d.Pos, "")).WithGuid(guid(fp)))
	}
}

func (b *sarifBuilder) blindSpot(c crateCtx, d diag.Diagnostic, level, ruleID string) {
	if ruleID == "" {
		expl, ok := blindRules[d.Kind]
		if !ok {
			expl = "Code that exists could not be analysed (" + d.Kind + ")."
		}
		ruleID = b.rule("blind-spot/"+d.Kind, "2 "+d.Kind, ruleText{"Code Warden could not see: " + d.Kind, expl + " " + blindHelp}, "warning", "blind-spot")
	}
	msg := d.Message
	if d.BuildTime {
		msg += " (build time)"
	}
	b.add(ruleID, level, c.label+msg, c.loc(d.Pos, d.Function),
		map[string]any{blindFPKey: hashFP(c.name, d.Kind, d.Pos.File, d.Message)}, c.props(sarif.Properties{"kind": d.Kind}))
}

// write finishes the run and writes the log.
func (b *sarifBuilder) write(w io.Writer) error {
	ids := make([]string, 0, len(b.rules))
	for id := range b.rules {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(x, y string) int { return strings.Compare(b.order[x], b.order[y]) })
	for _, id := range ids {
		b.run.Tool.Driver.AddRule(b.rules[id])
	}
	for _, r := range b.results {
		b.run.AddResult(r) // sets ruleIndex
	}
	if len(b.bases) > 0 {
		m := map[string]*sarif.ArtifactLocation{}
		for id, dir := range b.bases {
			al := sarif.NewArtifactLocation().WithUri(fileURI(dir, true))
			if id == srcRoot {
				al.WithDescriptionText("The project: the directory Warden was run on.")
			} else {
				al.WithDescriptionText("The sources of crate " + b.labels[id] + ".")
			}
			m[id] = al
		}
		b.run.WithOriginalUriBaseIds(m)
	}
	b.run.WithColumnKind("unicodeCodePoints")
	log, err := sarif.New(sarif.Version210)
	if err != nil {
		return err
	}
	log.AddRun(b.run)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(log)
}

// SARIF writes the scan of one crate as a SARIF 2.1.0 log: its effects,
// I/O-safety findings, problems and blind spots.
func SARIF(w io.Writer, r *analysis.Result, opt SARIFOptions) error {
	if r == nil {
		return errNilResult
	}
	b := newSARIFBuilder(opt.Version, orDefault(opt.ProjectDir, r.Crate.Path))
	b.diagnostics(b.crate(r.Crate.Name, r.Crate.Version, r.Crate.Path, false), r.Diagnostics)
	return b.write(w)
}

// rootDir is the directory of a tree's root crate.
func rootDir(rep *tree.Report) string {
	for _, cr := range rep.Crates {
		if cr.ID == rep.RootID {
			return cr.Path
		}
	}
	return ""
}

// TreeSARIF writes a dependency tree as one SARIF run: every crate's
// effects, problems and blind spots, each message starting with the
// crate's name and version.
func TreeSARIF(w io.Writer, rep *tree.Report, opt SARIFOptions) error {
	if rep == nil {
		return errNilTree
	}
	b := newSARIFBuilder(opt.Version, orDefault(opt.ProjectDir, rootDir(rep)))
	for _, cr := range rep.Crates {
		c := b.crate(cr.Name, cr.Version, cr.Path, true)
		ds := append(append(append([]diag.Diagnostic(nil), cr.Effects...), cr.Problems...), cr.BlindSpots...)
		b.diagnostics(c, ds)
	}
	return b.write(w)
}

var errNilTree = fmt.Errorf("report: nil tree report")

// CheckSARIF writes what fails "warden check" as one SARIF run:
// unreviewed and rejected effects (at their location), stale decisions
// (at their line of the project file), and blind spots when the policy
// says they fail. A passing check writes a run without results. rep
// gives the crates' directories.
func CheckSARIF(w io.Writer, res *audit.Result, rep *tree.Report, opt SARIFOptions) error {
	if res == nil || rep == nil {
		return errNilTree
	}
	b := newSARIFBuilder(opt.Version, orDefault(opt.ProjectDir, rootDir(rep)))
	dirs := map[string]string{}
	for _, cr := range rep.Crates {
		dirs[cr.Name+" "+cr.Version] = cr.Path
	}
	rule := func(i int) string {
		return b.rule(checkRules[i].id, fmt.Sprintf("4 %d", i), checkRules[i].text, "error", "review")
	}
	for _, it := range res.Items {
		var id, msg string
		switch it.Status {
		case audit.Unreviewed:
			id, msg = rule(0), "unreviewed "
		case audit.Unsafe:
			id, msg = rule(1), "rejected "
		default:
			continue
		}
		c := b.crate(it.Crate, it.Version, dirs[it.Crate+" "+it.Version], true)
		msg = c.label + msg + effectMessage(it.Diagnostic) + "; effect id " + it.ID
		props := effectProps(it.Diagnostic, it.Crate, it.Version)
		props["status"] = it.Status
		if it.Decision != nil {
			msg += "; decision (" + it.Decision.By + ", " + it.Decision.Date + "): " + it.Decision.Reason
			props["reason"] = it.Decision.Reason
		}
		b.add(id, "error", msg, c.loc(it.Pos, it.Function), map[string]any{effectFPKey: it.ID}, props)
	}
	if len(res.Stale) > 0 {
		id := rule(2)
		pf := opt.ProjectFile
		if pf == "" {
			pf = filepath.Join(b.project, audit.FileName)
		}
		pf = absDir(pf)
		for _, d := range res.Stale {
			msg := fmt.Sprintf("stale decision %s on %s %s (%s in fn %s): it matches no effect of the tree any more",
				d.Decision, d.Crate, d.ID, d.Callee, d.Function)
			loc := location(srcRoot, b.project, "", pf, d.Line, 0, "")
			b.add(id, "error", msg, loc, map[string]any{decisionFPKey: hashFP(d.Crate, d.ID, d.Decision)},
				sarif.Properties{"crate": d.Crate, "version": d.Version, "decision": d.Decision, "effectId": d.ID})
		}
	}
	if res.BlindFail && len(res.Blind) > 0 {
		id := rule(3)
		for _, bs := range res.Blind {
			b.blindSpot(b.crate(bs.Crate, bs.Version, dirs[bs.Crate+" "+bs.Version], true), bs.Diagnostic, "error", id)
		}
	}
	return b.write(w)
}
