package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/report"
	"github.com/wardenrs/warden/internal/tree"
)

// auditFlags are the flags of the commands that judge a tree against
// the project file.
type auditFlags struct {
	file     string
	target   string
	fromLock bool
	cache    cacheFlags
	// tree is the tree the last judge analysed (where each crate's files
	// are, for SARIF).
	tree *tree.Report
}

func (a *auditFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&a.file, "project-file", "", "the decisions and policy file")
	fs.StringVar(&a.target, "target", "", "target triple")
	fs.BoolVar(&a.fromLock, "lockfile", false, "resolve from Cargo.lock without cargo")
	registerCacheFlags(fs, &a.cache)
}

// projectFile is the project file of the project in dir: --project-file,
// else dir/warden.toml.
func (a *auditFlags) projectFile(dir string) string {
	if a.file != "" {
		return a.file
	}
	return filepath.Join(dir, audit.FileName)
}

// analyse resolves and analyses the dependency tree of dir with the
// flags' target, cache and jobs (mode says how dir's tree is resolved).
func (a *auditFlags) analyse(ctx context.Context, e *env, dir string, mode deps.Mode, opt tree.Options) (*tree.Report, error) {
	triple := a.target
	if triple == "" {
		triple = load.DefaultTarget
	}
	c, err := a.cache.open()
	if err != nil {
		return nil, err
	}
	g, err := deps.Resolve(ctx, dir, deps.Options{Target: triple, Mode: mode, Cache: c})
	if err != nil {
		return nil, err
	}
	opt.Target, opt.Jobs, opt.Cache, opt.Version, opt.Progress = triple, a.cache.jobs, c, cacheVersion(), progress(e)
	return tree.Analyze(ctx, g, opt)
}

// mode is how the project's tree is resolved (--lockfile).
func (a *auditFlags) mode() deps.Mode {
	if a.fromLock {
		return deps.Lock
	}
	return deps.Auto
}

// judge analyses the tree of the project in dir and judges its effects
// against the project file.
func (a *auditFlags) judge(ctx context.Context, e *env, dir string) (*audit.Project, *audit.Result, error) {
	proj, err := audit.Load(a.projectFile(dir))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	checked := false
	for _, d := range proj.Decisions {
		checked = checked || d.Decision == audit.CallerChecked
	}
	rep, err := a.analyse(ctx, e, dir, a.mode(), tree.Options{CrossCalls: checked})
	if err != nil {
		return nil, nil, err
	}
	a.tree = rep
	effects, blind, calls := auditInputs(rep)
	vet, err := loadVet(proj)
	if err != nil {
		return nil, nil, err
	}
	return proj, audit.EvaluateWith(proj, vet, calls, effects, blind), nil
}

// loadVet reads the cargo-vet audits a project's policy trusts (nil when
// it trusts none).
func loadVet(proj *audit.Project) (*audit.Vet, error) {
	if len(proj.Policy.Vet.Trust) == 0 {
		return nil, nil
	}
	sc := proj.Policy.Vet.SupplyChain
	if sc == "" {
		sc = "supply-chain"
	}
	if !filepath.IsAbs(sc) {
		sc = filepath.Join(filepath.Dir(proj.Path), sc)
	}
	vet, err := audit.LoadVet(sc)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errUsage, err)
	}
	return vet, nil
}

// auditInputs are a tree's effects, blind spots and cross-crate calls,
// as audits judge them.
func auditInputs(rep *tree.Report) (effects, blind []audit.Effect, calls []audit.Call) {
	for _, cr := range rep.Crates {
		for _, d := range cr.Effects {
			effects = append(effects, audit.Effect{Crate: cr.Name, Version: cr.Version, Diagnostic: d})
		}
		for _, d := range cr.BlindSpots {
			blind = append(blind, audit.Effect{Crate: cr.Name, Version: cr.Version, Diagnostic: d})
		}
	}
	calls = make([]audit.Call, len(rep.CrossCalls))
	for i, c := range rep.CrossCalls {
		calls[i] = audit.Call(c)
	}
	return effects, blind, calls
}

const auditUsage = `Usage: warden audit <subcommand> [flags] [PATH]

Records and lists the reviewers' decisions on the effects of the
dependency tree of the project in PATH (default "."). Decisions live in
the project file (PATH/warden.toml, or --project-file), with the policy;
the README documents its format. Every subcommand works without a prompt.

Subcommands:
  list [--unreviewed] [--format text|json]
        every effect of the tree: id, status, crate, capability, callee,
        location; status is unreviewed, safe, unsafe, caller-checked or
        allowed-by-policy
  accept ID... --reason TEXT
  reject ID... --reason TEXT
  caller-checked ID... --reason TEXT
        record a decision (safe, unsafe, caller-checked) on each effect
        id; with --crate NAME instead of ids, on every unreviewed effect
        of that crate. --by NAME names the reviewer (default $USER).

Flags (every subcommand): --project-file FILE, --target TRIPLE,
--lockfile, -j N, --cache-dir DIR, --no-cache (as for "warden tree").

Exit status: 0 on success, 2 on usage or input errors (an unknown id, a
decision without a reason, a malformed project file, with its file:line).
`

func auditCommand() *command {
	return &command{
		name:    "audit",
		summary: "list effects with their review status, and record reviewers' decisions",
		usage:   auditUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 {
				fmt.Fprint(e.stderr, auditUsage)
				return fmt.Errorf("%w: missing subcommand", errUsage)
			}
			sub, rest := args[0], args[1:]
			switch sub {
			case "list":
				return auditList(ctx, e, rest)
			case "accept":
				return auditDecide(ctx, e, audit.Safe, rest)
			case "reject":
				return auditDecide(ctx, e, audit.Unsafe, rest)
			case "caller-checked":
				return auditDecide(ctx, e, audit.CallerChecked, rest)
			}
			return fmt.Errorf("%w: unknown audit subcommand %q (list, accept, reject or caller-checked)", errUsage, sub)
		},
	}
}

func auditList(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet(e, "audit", auditUsage)
	var af auditFlags
	af.register(fs)
	unreviewed := fs.Bool("unreviewed", false, "only unreviewed effects")
	format := fs.String("format", "text", "text or json")
	dir, err := crateArgs(fs, args)
	if err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return fmt.Errorf("%w: unknown format %q (text or json)", errUsage, *format)
	}
	_, res, err := af.judge(ctx, e, dir)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(e.stdout)
	if *format == "json" {
		err = report.AuditJSON(out, res, *unreviewed)
	} else {
		err = report.AuditText(out, res, *unreviewed)
	}
	if ferr := out.Flush(); err == nil {
		err = ferr
	}
	return err
}

func auditDecide(ctx context.Context, e *env, decision string, args []string) error {
	fs := newFlagSet(e, "audit", auditUsage)
	var af auditFlags
	af.register(fs)
	reason := fs.String("reason", "", "why")
	crate := fs.String("crate", "", "decide on every unreviewed effect of this crate")
	by := fs.String("by", os.Getenv("USER"), "the reviewer")
	rest, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if *reason == "" {
		return fmt.Errorf("%w: a decision needs --reason", errUsage)
	}
	// Arguments are ids, and at most one directory (an existing one).
	dir := "."
	var ids []string
	for _, a := range rest {
		if st, err := os.Stat(a); err == nil && st.IsDir() {
			dir = a
			continue
		}
		ids = append(ids, a)
	}
	if len(ids) == 0 && *crate == "" {
		return fmt.Errorf("%w: give effect ids, or --crate NAME", errUsage)
	}
	proj, res, err := af.judge(ctx, e, dir)
	if err != nil {
		return err
	}
	byID := map[string][]audit.Item{}
	for _, it := range res.Items {
		byID[it.ID] = append(byID[it.ID], it)
	}
	var picked []audit.Item
	for _, id := range ids {
		items := byID[id]
		if len(items) == 0 {
			return fmt.Errorf("%w: no effect of the tree has id %s (see warden audit list)", errUsage, id)
		}
		picked = append(picked, items...)
	}
	if *crate != "" {
		for _, it := range res.Items {
			if it.Crate == *crate && it.Status == audit.Unreviewed {
				picked = append(picked, it)
			}
		}
	}
	var ds []audit.Decision
	seen := map[string]bool{}
	for _, it := range picked {
		key := it.Crate + " " + it.ID
		if seen[key] {
			continue
		}
		seen[key] = true
		if it.Decision != nil {
			return fmt.Errorf("%w: %s %s already has a decision (%s:%d); edit or remove it there", errUsage,
				it.Crate, it.ID, proj.Path, it.Decision.Line)
		}
		ds = append(ds, audit.Decision{Crate: it.Crate, Version: it.Version, ID: it.ID, Function: it.Function,
			Callee: it.Callee, Capability: it.Capability, Decision: decision, By: *by,
			Date: time.Now().UTC().Format("2006-01-02"), Reason: *reason})
	}
	if len(ds) == 0 {
		fmt.Fprintln(e.stderr, "warden audit: nothing to decide")
		return nil
	}
	if err := proj.Append(ds); err != nil {
		return err
	}
	fmt.Fprintf(e.stderr, "warden audit: %d decision(s) %s written to %s\n", len(ds), decision, proj.Path)
	return nil
}

const vetUsage = `Usage: warden vet export [flags] [PATH]

Writes cargo-vet audit entries (the syntax of supply-chain/audits.toml) for
the crate versions of the tree of the project in PATH (default ".") whose
every effect is reviewed or allowed in the project file, with no rejected
effect and no blind spot, for the criterion Warden defines,
"warden-reviewed" (its description is printed first, for
supply-chain/config.toml).

Flags: --who NAME (default $USER), --project-file, --target, --lockfile,
-j, --cache-dir, --no-cache (as for "warden check").

The other direction: with [policy.vet] trust = ["safe-to-deploy"] in the
project file, "warden check" trusts the crate versions that
supply-chain/audits.toml or imports.lock certifies for that criterion.
`

func vetCommand() *command {
	return &command{
		name:    "vet",
		summary: "cargo-vet interop: export audit entries for crates whose effects are all reviewed",
		usage:   vetUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			if len(args) == 0 || args[0] != "export" {
				fmt.Fprint(e.stderr, vetUsage)
				return fmt.Errorf("%w: want \"vet export\"", errUsage)
			}
			fs := newFlagSet(e, "vet", vetUsage)
			var af auditFlags
			af.register(fs)
			who := fs.String("who", os.Getenv("USER"), "the auditor's name")
			dir, err := crateArgs(fs, args[1:])
			if err != nil {
				return err
			}
			_, res, err := af.judge(ctx, e, dir)
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			err = audit.ExportVet(out, res, *who)
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			return err
		},
	}
}

const checkUsage = `Usage: warden check [flags] [PATH]

The CI gate: analyses the dependency tree of the project in PATH (default
".") and judges every effect against the project file (PATH/warden.toml,
or --project-file): a decision on the effect's id (carried over from any
earlier version of the crate), or the policy allowing its capability.
Prints each cause with its location.

Flags:
  --format F            text (default), json, md (a pull-request comment) or
                        sarif (SARIF 2.1.0 for GitHub code scanning: one
                        result per cause, at its location; stale decisions
                        at their line of the project file)
  --project-file FILE   the decisions and policy file
  --target, --lockfile, -j, --cache-dir, --no-cache   as for "warden tree"

Exit status: 0 when every effect is allowed or reviewed (and blind spots
pass the policy); 1 when an effect is unreviewed or rejected (decision
unsafe), a decision is stale (matches no effect any more), or the tree has
blind spots and the policy's blind is "fail" (the default); 2 on usage or
input errors, such as a malformed project file (reported with file:line).
`

func checkCommand() *command {
	return &command{
		name:    "check",
		summary: "the CI gate: every effect of the tree reviewed or allowed by the project's policy",
		usage:   checkUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "check", checkUsage)
			var af auditFlags
			af.register(fs)
			format := fs.String("format", "text", "text, json, md or sarif")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			switch *format {
			case "text", "json", "md", "sarif":
			default:
				return fmt.Errorf("%w: unknown format %q (text, json, md or sarif)", errUsage, *format)
			}
			proj, res, err := af.judge(ctx, e, dir)
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			switch *format {
			case "json":
				err = report.CheckJSON(out, res)
			case "md":
				err = report.CheckMarkdown(out, res, proj.Path)
			case "sarif":
				err = report.CheckSARIF(out, res, af.tree, report.SARIFOptions{Version: version,
					ProjectDir: dir, ProjectFile: proj.Path})
			default:
				err = report.CheckText(out, res, proj.Path)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if !res.Pass() {
				return errFindings
			}
			return nil
		},
	}
}
