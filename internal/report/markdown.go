package report

import (
	"io"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
)

// maxList bounds the items a Markdown list or sentence shows before
// "and N more".
const maxList = 10

// riskLabels name each capability as a risk in the security summary.
var riskLabels = map[model.Capability]string{
	model.FS:        "Filesystem authority",
	model.Net:       "Network authority",
	model.Process:   "Process control",
	model.Env:       "Environment access",
	model.System:    "System-binding calls",
	model.FFI:       "Foreign function interface",
	model.Unsafe:    "Unsafe code",
	model.RawHandle: "Raw handle forging",
	model.Build:     "Build-time execution",
}

// meanings say in plain language what each capability lets the crate do.
var meanings = map[model.Capability]string{
	model.FS:        "opens, reads, writes, creates or deletes files and directories",
	model.Net:       "opens network sockets: connects, listens, resolves host names",
	model.Process:   "spawns or execs programs, exits or aborts the process, sends signals",
	model.Env:       "reads or changes environment variables, program arguments or the current directory",
	model.System:    "calls system-binding crates (libc, nix, rustix, ...) directly, with whatever the operating system allows",
	model.FFI:       "declares or calls foreign (C) functions, or links native libraries",
	model.Unsafe:    "uses unsafe code, which the compiler cannot check for memory safety",
	model.RawHandle: "turns raw file descriptors, sockets or handles into I/O objects",
	model.Build:     "runs code or reads files at build time (build script, proc macro, include!, env!)",
}

// systemCrates bind the operating system's API directly.
var systemCrates = map[string]bool{
	"libc": true, "nix": true, "rustix": true, "winapi": true, "windows-sys": true,
	"windows": true, "linux-raw-sys": true, "mach2": true,
}

// buildCrates compile, locate or probe native code and the toolchain at
// build time.
var buildCrates = map[string]bool{
	"cc": true, "cmake": true, "pkg-config": true, "bindgen": true, "autocfg": true,
	"vcpkg": true, "version-check": true, "rustc-version": true, "cxx-build": true,
}

// Markdown writes an audit report in the shape auditors write by hand:
// the crate and its dependencies, the coverage of the analysis (complete,
// or the blind spots by kind), the imports of authority modules, the
// effects per capability, the reach of the public API and entry points,
// the I/O-safety findings, and a security summary (risks, permissions,
// transitive risk, and what static analysis covered versus where a human
// must look). Table cells escape "|"; every string from the crate is
// shown in a code span or escaped.
func Markdown(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	p := &printer{w: w}
	c := r.Crate
	s := Summarize(r)
	effects := r.Of(diag.Effect)
	groups := byCapability(effects)

	p.printf("# Audit: %s %s\n\n", mdText(orDash(c.Name)), mdText(c.Version))

	// Crate and dependency chain.
	p.print("## Crate and dependency chain\n\n")
	p.printf("- Path: %s\n", code(c.Path))
	p.printf("- Edition: %s\n", mdText(orDash(c.Edition)))
	p.printf("- Target: %s\n", code(c.Target))
	p.printf("- Features: %s\n", codeList(c.Features, "none"))
	p.printf("- Targets analysed: %s\n", codeList(c.Targets, "none"))
	p.printf("- Depends on: %s\n", codeList(c.Dependencies, "nothing"))
	p.printf("- Build script: %s\n", yesNo(c.BuildScript, "yes (runs at build time)"))
	if len(c.AssumedCfgs) > 0 {
		p.printf("- Build script may set: %s (assumed unknown: code under them is analysed, with its condition)\n", codeList(c.AssumedCfgs, ""))
	}
	p.printf("- Proc macro: %s\n\n", yesNo(c.ProcMacro, "yes (runs inside the compiler)"))

	markdownCoverage(p, r)

	// Imports.
	igroups := groupImports(r.Imports)
	p.printf("## Analysis of imports (%d)\n\n", importCount(igroups))
	if len(igroups) == 0 {
		p.print("No imports from authority modules")
		if !s.Complete {
			p.print(" in the code Warden could see")
		}
		p.print(".\n\n")
	}
	for _, g := range igroups {
		p.printf("### %s (%d)\n\n", mdText(orDash(g.module)), len(g.lines))
		f := fence(g.lines)
		p.print(f + "text\n" + strings.Join(g.lines, "\n") + "\n" + f + "\n\n")
	}

	// Effects.
	p.printf("## Effects (%d)\n\n", len(effects))
	if len(effects) == 0 {
		switch reached := reachedCaps(r); {
		case !s.Complete:
			p.printf("No effects found in the code Warden could see (%s: see Coverage).\n\n", plural(s.BlindSpots, "blind spot"))
		case reached != "":
			p.printf("No effects in the crate's own code; through its dependencies it reaches %s (see Public API reach).\n\n", reached)
		default:
			p.print("No effects found.\n\n")
		}
	}
	for _, g := range groups {
		p.printf("### %s (%d)\n\n", mdText(string(g.cap)), len(g.effects))
		p.print("| Function | Callee | Kind | Location | Confidence | Id |\n")
		p.print("|---|---|---|---|---|---|\n")
		shown, folded := foldUnsafe(g.effects)
		for i, e := range shown {
			conf := confidence(e)
			if lowConfidence(e) {
				conf = "**" + conf + "**"
			}
			kind := mdText(orDash(e.Kind))
			if f := folded[i]; f != "" {
				kind += " (" + mdText(f) + ")"
			}
			p.printf("| %s | %s | %s | %s | %s | %s |\n",
				cell(code(e.Function)), cell(code(e.Callee)), cell(kind), cell(code(loc(e.Pos))+mdNotes(e)), conf, cell(code(e.ID)))
		}
		p.print("\n")
	}

	markdownReach(p, r, s)
	markdownIOSafety(p, r)

	p.print("## Security summary\n\n")
	markdownRisks(p, r, s, groups)
	markdownPermissions(p, r, s, groups)
	markdownTransitive(p, r)
	markdownFeasibility(p, r)
	return p.err
}

// markdownCoverage writes the "Coverage" section: whether every line of
// the enabled targets was analysed, or a table of the blind spots by
// kind. It comes before any finding so that no reader takes an empty
// table for a clean crate.
func markdownCoverage(p *printer, r *analysis.Result) {
	p.print("## Coverage\n\n")
	blind := r.Of(diag.BlindSpot)
	if len(blind) == 0 {
		p.print("Complete: every line of the enabled targets was analysed.\n\n")
		return
	}
	p.printf("Incomplete: %s. Warden could not analyse the code below, so effects in it are not reported; read it by hand.\n\n",
		plural(len(blind), "blind spot"))
	p.print("| Kind | Count | First location | What was not seen |\n|---|---|---|---|\n")
	for _, g := range byKind(blind) {
		first := g.diags[0]
		p.printf("| %s | %d | %s | %s |\n", cell(mdText(orDash(g.kind))), len(g.diags), cell(code(loc(first.Pos))+mdNotes(first)), cell(mdText(first.Message)))
	}
	p.print("\n")
}

// markdownReach writes "Public API reach": the public functions that
// reach capabilities with one witness per capability, then the entry
// points (main of binaries and build scripts) likewise.
func markdownReach(p *printer, r *analysis.Result, s Summary) {
	p.print("## Public API reach\n\n")
	if s.PublicWithEffects == 0 {
		p.printf("No public function reaches a capability (%s analysed", plural(s.PublicFunctions, "public function"))
		if !s.Complete {
			p.printf("; %s remain, see Coverage", plural(s.BlindSpots, "blind spot"))
		}
		p.print(").\n\n")
	} else {
		p.printf("%d of %s reach a capability; one witness call path for each capability:\n\n", s.PublicWithEffects, plural(s.PublicFunctions, "public function"))
		for _, f := range r.Functions {
			if f.Public && len(f.Reachable) > 0 {
				markdownFunction(p, f)
			}
		}
		p.print("\n")
	}
	var entries []analysis.Function
	for _, f := range r.Functions {
		if f.Entry && !f.Public && len(f.Reachable) > 0 {
			entries = append(entries, f)
		}
	}
	if len(entries) > 0 {
		p.printf("### Entry points (%d)\n\n", len(entries))
		for _, f := range entries {
			markdownFunction(p, f)
		}
		p.print("\n")
	}
}

// markdownFunction writes one function's reachable capabilities and
// their witnesses as a nested list item.
func markdownFunction(p *printer, f analysis.Function) {
	caps := make([]string, len(f.Reachable))
	for i, c := range f.Reachable {
		caps[i] = mdText(string(c))
	}
	where := code(lineLoc(f.File, f.Line))
	if role := fnRole(f); role != "" {
		where = mdText(role) + ", " + where
	}
	if f.BuildTime {
		where = "build time, " + where
	}
	p.printf("- %s (%s): %s\n", code(f.Path), where, strings.Join(caps, ", "))
	for _, cw := range witnesses(f) {
		label := mdText(string(cw.cap))
		if cw.direct {
			label += " (direct)"
		}
		wit := "no witness recorded"
		if cw.witness != "" {
			wit = code(cw.witness)
		}
		p.printf("  - %s: %s\n", label, wit)
	}
}

// markdownRisks writes "### Security risks", derived from the effects,
// the crate's build flags and path-escape diagnostics.
func markdownRisks(p *printer, r *analysis.Result, s Summary, groups []capGroup) {
	p.print("### Security risks\n\n")
	var items []string
	pubReach := map[model.Capability]int{}
	for _, f := range r.Functions {
		if !f.Public {
			continue
		}
		seen := map[model.Capability]bool{}
		for _, c := range f.Reachable {
			if !seen[c] {
				seen[c] = true
				pubReach[c]++
			}
		}
	}
	for _, g := range groups {
		label := riskLabels[g.cap]
		if label == "" {
			label = "Capability " + string(g.cap)
		}
		var fns []string
		seen := map[string]bool{}
		for _, e := range g.effects {
			if !seen[e.Function] {
				seen[e.Function] = true
				fns = append(fns, code(e.Function))
			}
		}
		item := "**" + mdText(label) + "** (" + code(string(g.cap)) + "): " +
			plural(len(g.effects), "effect") + " (" + mdText(kindCounts(g.effects)) + ") in " + limitJoin(fns)
		if n := pubReach[g.cap]; n > 0 {
			item += "; reachable from " + plural(n, "public function")
		}
		items = append(items, item+".")
	}
	if r.Crate.BuildScript {
		items = append(items, "**Build script**: the crate has a build script, which runs with the full authority of whoever builds it.")
	}
	if r.Crate.ProcMacro {
		items = append(items, "**Proc macro**: the crate is a procedural macro; its code runs inside the compiler of every crate that uses it.")
	}
	var escapes []string
	for _, d := range r.Diagnostics {
		switch {
		case d.Category == diag.Effect && d.Kind == "path_escape":
			escapes = append(escapes, code(loc(d.Pos)))
		case (d.Category == diag.Problem || d.Category == diag.BlindSpot) && d.Kind == "path-escape":
			escapes = append(escapes, code(loc(d.Pos))+" "+mdText(d.Message))
		}
	}
	if len(escapes) > 0 {
		items = append(items, "**Path escape**: "+plural(len(escapes), "path")+" outside the crate directory: "+limitJoin(escapes)+".")
	}
	none := "None found."
	if !s.Complete {
		none = "None found in the code Warden could see; " + plural(s.BlindSpots, "blind spot") + " remain (see Coverage)."
	}
	writeItems(p, items, none)
	if len(items) > 0 && !s.Complete {
		p.printf("These are the risks in the code Warden could see; %s remain (see Coverage).\n\n", plural(s.BlindSpots, "blind spot"))
	}
}

// markdownPermissions writes "### Permissions": one line per capability
// the crate needs (from its effects, its functions' reach and its build
// flags), with a plain-language meaning. It never says "None" for an
// incomplete analysis: code Warden did not see may need more.
func markdownPermissions(p *printer, r *analysis.Result, s Summary, groups []capGroup) {
	p.print("### Permissions\n\n")
	counts := map[model.Capability]int{}
	need := map[model.Capability]bool{}
	for _, g := range groups {
		counts[g.cap] = len(g.effects)
		need[g.cap] = true
	}
	for _, f := range r.Functions {
		for _, c := range f.Reachable {
			need[c] = true
		}
		for _, c := range f.Direct {
			need[c] = true
		}
	}
	if r.Crate.BuildScript || r.Crate.ProcMacro {
		need[model.Build] = true
	}
	var items []string
	for _, c := range sortedCaps(need) {
		meaning := meanings[c]
		if meaning == "" {
			meaning = "a capability this version of the report does not describe"
		}
		items = append(items, code(string(c))+": "+meaning+" ("+plural(counts[c], "effect")+")")
	}
	if !s.Complete {
		known := "None of the modelled capabilities is needed by the code Warden could see"
		if len(items) > 0 {
			known = "The code Warden could see needs the permissions above"
		}
		if len(items) > 0 {
			writeItems(p, items, "")
		}
		p.printf("%s; %s remain (see Coverage), and the code there may need more.\n\n", known, plural(s.BlindSpots, "blind spot"))
		return
	}
	writeItems(p, items, "None: the crate needs none of the modelled capabilities.")
}

// markdownTransitive writes "### Transitive risk" about the dependencies.
func markdownTransitive(p *printer, r *analysis.Result) {
	p.print("### Transitive risk\n\n")
	deps := r.Crate.Dependencies
	if len(deps) == 0 {
		p.print("The crate has no dependencies: no code but its own runs with it.\n\n")
		return
	}
	p.printf("The crate depends on %s: %s. Effects inside them are listed here only when Warden analysed them with the crate (whole-tree mode); a single-crate scan does not follow calls into them.\n\n",
		plural(len(deps), "crate"), codeList(deps, ""))
	var sys, build []string
	for _, d := range deps {
		name := depName(d)
		switch {
		case systemCrates[name]:
			sys = append(sys, code(name))
		case buildCrates[name]:
			build = append(build, code(name))
		}
	}
	var items []string
	if len(sys) > 0 {
		items = append(items, "System-binding crates (they call the operating system directly, so any authority may be reached through them): "+strings.Join(sys, ", ")+".")
	}
	if len(build) > 0 {
		items = append(items, "Build-time crates (they compile, locate or probe native code and the toolchain while the crate builds): "+strings.Join(build, ", ")+".")
	}
	writeItems(p, items, "None of them is a known system-binding or build-time crate.")
}

// markdownFeasibility writes "### Automation feasibility": what static
// analysis covered and where a human must look.
func markdownFeasibility(p *printer, r *analysis.Result) {
	p.print("### Automation feasibility\n\n")
	effects := r.Of(diag.Effect)
	problems := r.Of(diag.Problem)
	blind := r.Of(diag.BlindSpot)
	low, viaMacro := 0, 0
	for _, e := range effects {
		if lowConfidence(e) {
			low++
		}
		if e.ViaMacro != "" {
			viaMacro++
		}
	}
	p.printf("Static analysis resolved %s (%d high confidence, %d low confidence) in %s, with %s",
		plural(len(effects), "effect"), len(effects)-low, low, plural(len(r.Functions), "function"), plural(len(problems), "input problem"))
	if len(problems) > 0 {
		p.print(" (" + mdText(kindCounts(problems)) + ")")
	}
	if len(blind) > 0 {
		p.print(" and " + plural(len(blind), "blind spot") + " (" + mdText(kindCounts(blind)) + ")")
	} else {
		p.print(" and no blind spot")
	}
	p.print(".")
	if viaMacro > 0 {
		p.printf(" Macro expansion contributed %s, located at the macro invocation.", plural(viaMacro, "effect"))
	}
	p.print("\n\nWhere a human must look:\n\n")

	var items []string
	add := func(title, why string, locs []string) {
		if len(locs) == 0 {
			return
		}
		item := "**" + title + "** (" + strconv.Itoa(len(locs)) + "): " + why
		shown := locs
		if len(shown) > maxList {
			shown = shown[:maxList]
		}
		for _, l := range shown {
			item += "\n  - " + l
		}
		if len(locs) > maxList {
			item += "\n  - and " + strconv.Itoa(len(locs)-maxList) + " more"
		}
		items = append(items, item)
	}
	effectLocs := func(keep func(diag.Diagnostic) bool) []string {
		var out []string
		for _, e := range effects {
			if keep(e) {
				out = append(out, code(loc(e.Pos))+" "+code(e.Callee)+" in "+code(e.Function)+mdNotes(e))
			}
		}
		return out
	}
	diagLocs := func(ds []diag.Diagnostic, keep func(diag.Diagnostic) bool) []string {
		var out []string
		for _, d := range ds {
			if keep(d) {
				out = append(out, code(loc(d.Pos))+": "+mdText(d.Message)+mdNotes(d))
			}
		}
		return out
	}
	all := func(diag.Diagnostic) bool { return true }
	add("Blind spots", "code that exists but that Warden could not analyse (unexpanded macros, generated code, unparsable files); effects in it are not reported.",
		diagLocs(blind, all))
	add("Name matches", "method calls whose receiver type is unknown but whose name is a distinctive authority method (from_raw_fd, to_socket_addrs); confirm the receiver.",
		effectLocs(lowConfidence))
	add("Unsafe code", "check each block's safety argument by hand.",
		effectLocs(func(e diag.Diagnostic) bool { return model.Capability(e.Capability) == model.Unsafe }))
	add("FFI", "foreign code is invisible to Warden; review what it can do.",
		effectLocs(func(e diag.Diagnostic) bool { return model.Capability(e.Capability) == model.FFI }))
	buildLocs := effectLocs(func(e diag.Diagnostic) bool {
		return e.BuildTime || model.Capability(e.Capability) == model.Build
	})
	if r.Crate.BuildScript && len(buildLocs) == 0 {
		buildLocs = append(buildLocs, "the crate's build script")
	}
	if r.Crate.ProcMacro {
		buildLocs = append(buildLocs, "the crate itself: a proc macro runs inside the compiler")
	}
	add("Build-time code", "build scripts, proc macros and include!/env! run or read at build time, before any test or review of the built code.", buildLocs)
	add("Files that failed to parse", "code in them was not analysed.",
		diagLocs(problems, func(d diag.Diagnostic) bool { return d.Kind == "syntax" }))
	add("Other input problems", "parts of the crate may not have been read as written.",
		diagLocs(problems, func(d diag.Diagnostic) bool { return d.Kind != "syntax" }))
	writeItems(p, items, "Nothing beyond the tables above: every effect was resolved with high confidence, and there is no blind spot, unsafe code, FFI, build-time code or input problem.")
}

// mdNotes renders the conditions of a diagnostic for Markdown: " (cfg:
// `unix`) (via macro `m`) (build time)".
func mdNotes(d diag.Diagnostic) string { return conditions(d, code, "(", ")") }

// writeItems writes a bullet list, or the none sentence when empty,
// followed by a blank line.
func writeItems(p *printer, items []string, none string) {
	if len(items) == 0 {
		p.print(none + "\n\n")
		return
	}
	for _, it := range items {
		p.print("- " + it + "\n")
	}
	p.print("\n")
}

// depName returns the crate name of a "name version-requirement"
// dependency, lower-cased with "_" as "-" (crates.io treats them alike).
func depName(dep string) string {
	name, _, _ := strings.Cut(strings.TrimSpace(dep), " ")
	return strings.ReplaceAll(strings.ToLower(name), "_", "-")
}

// limitJoin joins at most maxList items with ", " and says how many more.
func limitJoin(items []string) string {
	if len(items) <= maxList {
		return strings.Join(items, ", ")
	}
	return strings.Join(items[:maxList], ", ") + " and " + strconv.Itoa(len(items)-maxList) + " more"
}

func yesNo(b bool, yes string) string {
	if b {
		return yes
	}
	return "no"
}

// codeList renders strings as comma-separated code spans, or none.
func codeList(ss []string, none string) string {
	if len(ss) == 0 {
		return none
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = code(s)
	}
	return strings.Join(out, ", ")
}

// mdText escapes Markdown inline syntax in prose from the crate. "|" is
// left to cell, so text is not escaped twice inside tables; "_" between
// two letters or digits is left alone, since CommonMark never reads an
// intraword underscore as emphasis.
func mdText(s string) string {
	s = clean(s)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte("\\`*_[]<>&~", c) >= 0 &&
			!(c == '_' && i > 0 && i+1 < len(s) && isAlnum(s[i-1]) && isAlnum(s[i+1])) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// code renders s as a code span whose fence is longer than any run of
// backticks in it, or "-" for an empty string.
func code(s string) string {
	s = clean(s)
	if s == "" {
		return "-"
	}
	f := strings.Repeat("`", longestRun(s, '`')+1)
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' || s[len(s)-1] == ' ' {
		return f + " " + s + " " + f
	}
	return f + s + f
}

// cell escapes "|" for a GFM table cell (inside code spans too, as GFM
// requires).
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

// fence returns a code-block fence longer than any run of backticks in
// lines (at least three).
func fence(lines []string) string {
	n := 2
	for _, l := range lines {
		n = max(n, longestRun(l, '`'))
	}
	return strings.Repeat("`", n+1)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}
