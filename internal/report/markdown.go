package report

import (
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/effects"
)

// maxList bounds the items a Markdown list or sentence shows before
// "and N more".
const maxList = 10

// riskLabels name each capability as a risk in the security summary.
var riskLabels = map[effects.Capability]string{
	effects.FS:        "Filesystem authority",
	effects.Net:       "Network authority",
	effects.Process:   "Process control",
	effects.Env:       "Environment access",
	effects.System:    "System-binding calls",
	effects.FFI:       "Foreign function interface",
	effects.Unsafe:    "Unsafe code",
	effects.RawHandle: "Raw handle forging",
	effects.Build:     "Build-time execution",
}

// meanings say in plain language what each capability lets the crate do.
var meanings = map[effects.Capability]string{
	effects.FS:        "opens, reads, writes, creates or deletes files and directories",
	effects.Net:       "opens network sockets: connects, listens, resolves host names",
	effects.Process:   "spawns or execs programs, exits or aborts the process, sends signals",
	effects.Env:       "reads or changes environment variables, program arguments or the current directory",
	effects.System:    "calls system-binding crates (libc, nix, rustix, ...) directly, with whatever the operating system allows",
	effects.FFI:       "declares or calls foreign (C) functions, or links native libraries",
	effects.Unsafe:    "uses unsafe code, which the compiler cannot check for memory safety",
	effects.RawHandle: "turns raw file descriptors, sockets or handles into I/O objects",
	effects.Build:     "runs code or reads files at build time (build script, proc macro, include!, env!)",
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
// the crate and its dependencies, the imports of authority modules, the
// effects per capability, the reach of the public API, and a security
// summary (risks, permissions, transitive risk, and what static analysis
// covered versus where a human must look). Table cells escape "|"; every
// string from the crate is shown in a code span or escaped.
func Markdown(w io.Writer, r *analysis.Result) error {
	if r == nil {
		return errNilResult
	}
	p := &printer{w: w}
	c := r.Crate
	groups := byCapability(r.Effects)

	p.printf("# Audit: %s %s\n\n", mdText(orDash(c.Name)), mdText(c.Version))

	// Crate and dependency chain.
	p.print("## Crate and dependency chain\n\n")
	p.printf("- Path: %s\n", code(c.Path))
	p.printf("- Edition: %s\n", mdText(orDash(c.Edition)))
	p.printf("- Target: %s\n", code(c.Target))
	p.printf("- Features: %s\n", codeList(c.Features, "none"))
	p.printf("- Depends on: %s\n", codeList(c.Dependencies, "nothing"))
	p.printf("- Build script: %s\n", yesNo(c.BuildScript, "yes (runs at build time)"))
	p.printf("- Proc macro: %s\n\n", yesNo(c.ProcMacro, "yes (runs inside the compiler)"))

	// Imports.
	igroups := groupImports(r.Imports)
	p.printf("## Analysis of imports (%d)\n\n", importCount(igroups))
	if len(igroups) == 0 {
		p.print("No imports from authority modules.\n\n")
	}
	for _, g := range igroups {
		p.printf("### %s (%d)\n\n", mdText(orDash(g.module)), len(g.lines))
		f := fence(g.lines)
		p.print(f + "text\n" + strings.Join(g.lines, "\n") + "\n" + f + "\n\n")
	}

	// Effects.
	p.printf("## Effects (%d)\n\n", len(r.Effects))
	if len(r.Effects) == 0 {
		p.print("No effects found.\n\n")
	}
	for _, g := range groups {
		p.printf("### %s (%d)\n\n", mdText(string(g.cap)), len(g.effects))
		p.print("| Function | Callee | Kind | Location | Confidence |\n")
		p.print("|---|---|---|---|---|\n")
		for _, e := range g.effects {
			where := code(loc(e.File, e.Line, e.Col))
			if e.ViaMacro != "" {
				where += " (via macro " + code(e.ViaMacro) + ")"
			}
			conf := mdText(orDash(string(e.Confidence)))
			if e.Confidence == analysis.Low {
				conf = "**" + conf + "**"
			}
			p.printf("| %s | %s | %s | %s | %s |\n",
				cell(code(e.Function)), cell(code(e.Callee)), cell(mdText(orDash(e.Kind))), cell(where), cell(conf))
		}
		p.print("\n")
	}

	// Public API reach.
	p.print("## Public API reach\n\n")
	nPublic, nReach := 0, 0
	for _, f := range r.Functions {
		if f.Public {
			nPublic++
			if len(f.Reachable) > 0 {
				nReach++
			}
		}
	}
	if nReach == 0 {
		p.printf("No public function reaches a capability (%s analysed).\n\n", plural(nPublic, "public function"))
	} else {
		p.printf("%d of %s reach a capability; one witness call path for each capability:\n\n", nReach, plural(nPublic, "public function"))
		for _, f := range r.Functions {
			if !f.Public || len(f.Reachable) == 0 {
				continue
			}
			caps := make([]string, len(f.Reachable))
			for i, c := range f.Reachable {
				caps[i] = mdText(string(c))
			}
			p.printf("- %s (%s): %s\n", code(f.Path), code(loc(f.File, f.Line, 0)), strings.Join(caps, ", "))
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
		p.print("\n")
	}

	markdownIOSafety(p, r)

	p.print("## Security summary\n\n")
	markdownRisks(p, r, groups)
	markdownPermissions(p, r, groups)
	markdownTransitive(p, r)
	markdownFeasibility(p, r)
	return p.err
}

// markdownRisks writes "### Security risks", derived from the effects,
// the crate's build flags and path-escape problems.
func markdownRisks(p *printer, r *analysis.Result, groups []capGroup) {
	p.print("### Security risks\n\n")
	var items []string
	pubReach := map[effects.Capability]int{}
	for _, f := range r.Functions {
		if !f.Public {
			continue
		}
		seen := map[effects.Capability]bool{}
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
			plural(len(g.effects), "effect") + " (" + kindCounts(g.effects) + ") in " + limitJoin(fns)
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
	for _, e := range r.Effects {
		if e.Kind == "path_escape" {
			escapes = append(escapes, code(loc(e.File, e.Line, e.Col)))
		}
	}
	for _, pr := range r.Problems {
		if pr.Kind == "path-escape" {
			escapes = append(escapes, code(loc(pr.File, pr.Line, pr.Col))+" "+mdText(pr.Msg))
		}
	}
	if len(escapes) > 0 {
		items = append(items, "**Path escape**: "+plural(len(escapes), "path")+" outside the crate directory: "+limitJoin(escapes)+".")
	}
	writeItems(p, items, "None found.")
}

// markdownPermissions writes "### Permissions": one line per capability
// the crate needs (from its effects, its functions' reach and its build
// flags), with a plain-language meaning.
func markdownPermissions(p *printer, r *analysis.Result, groups []capGroup) {
	p.print("### Permissions\n\n")
	counts := map[effects.Capability]int{}
	need := map[effects.Capability]bool{}
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
		need[effects.Build] = true
	}
	var items []string
	for _, c := range sortedCaps(need) {
		meaning := meanings[c]
		if meaning == "" {
			meaning = "a capability this version of the report does not describe"
		}
		items = append(items, code(string(c))+": "+meaning+" ("+plural(counts[c], "effect")+")")
	}
	writeItems(p, items, "None: the crate needs none of the modelled capabilities.")
}

// markdownTransitive writes "### Transitive risk" about the dependencies.
func markdownTransitive(p *printer, r *analysis.Result) {
	p.print("### Transitive risk\n\n")
	deps := r.Crate.Dependencies
	if len(deps) == 0 {
		p.print("The crate has no dependencies: this scan covers all of its own code.\n\n")
		return
	}
	p.printf("The crate depends on %s: %s. Their effects are not included in this single-crate scan; Warden's whole-tree mode covers them.\n\n",
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
	low, viaMacro := 0, 0
	for _, e := range r.Effects {
		if e.Confidence == analysis.Low {
			low++
		}
		if e.ViaMacro != "" {
			viaMacro++
		}
	}
	p.printf("Static analysis resolved %s (%d high confidence, %d low confidence) in %s, with %s",
		plural(len(r.Effects), "effect"), len(r.Effects)-low, low, plural(len(r.Functions), "function"), plural(len(r.Problems), "input problem"))
	if len(r.Problems) > 0 {
		counts := map[string]int{}
		for _, pr := range r.Problems {
			counts[pr.Kind]++
		}
		kinds := make([]string, 0, len(counts))
		for k := range counts {
			kinds = append(kinds, k)
		}
		sort.Strings(kinds)
		for i, k := range kinds {
			kinds[i] = mdText(orDash(k)) + " " + strconv.Itoa(counts[k])
		}
		p.print(" (" + strings.Join(kinds, ", ") + ")")
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
	effectLocs := func(keep func(analysis.Effect) bool) []string {
		var out []string
		for _, e := range r.Effects {
			if keep(e) {
				out = append(out, code(loc(e.File, e.Line, e.Col))+" "+code(e.Callee)+" in "+code(e.Function))
			}
		}
		return out
	}
	problemLocs := func(keep func(string) bool) []string {
		var out []string
		for _, pr := range r.Problems {
			if keep(pr.Kind) {
				out = append(out, code(loc(pr.File, pr.Line, pr.Col))+": "+mdText(pr.Msg))
			}
		}
		return out
	}
	add("Low-confidence effects", "method calls whose receiver type is unknown but whose name is that of an authority method; confirm the receiver.",
		effectLocs(func(e analysis.Effect) bool { return e.Confidence == analysis.Low }))
	add("Unsafe code", "check each block's safety argument by hand.",
		effectLocs(func(e analysis.Effect) bool { return e.Capability == effects.Unsafe }))
	add("FFI", "foreign code is invisible to Warden; review what it can do.",
		effectLocs(func(e analysis.Effect) bool { return e.Capability == effects.FFI }))
	add("Unexpanded macros", "macros from other crates were not expanded, so effects inside them are not reported.",
		problemLocs(func(k string) bool { return k == "macro" }))
	buildLocs := effectLocs(func(e analysis.Effect) bool { return e.Capability == effects.Build })
	if r.Crate.BuildScript && len(buildLocs) == 0 {
		buildLocs = append(buildLocs, "the crate's build script")
	}
	if r.Crate.ProcMacro {
		buildLocs = append(buildLocs, "the crate itself: a proc macro runs inside the compiler")
	}
	add("Build-time code", "build scripts, proc macros and include!/env! run or read at build time, before any test or review of the built code.", buildLocs)
	add("Files that failed to parse", "code in them was not analysed.",
		problemLocs(func(k string) bool { return k == "syntax" || k == "read" }))
	add("Other input problems", "parts of the crate may not have been loaded.",
		problemLocs(func(k string) bool { return k != "macro" && k != "syntax" && k != "read" }))
	writeItems(p, items, "Nothing beyond the tables above: every effect was resolved with high confidence, and there is no unsafe code, FFI, unexpanded macro, build-time code or input problem.")
}

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
