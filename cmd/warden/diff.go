package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/report"
	"github.com/wardenrs/warden/internal/tree"
	"github.com/wardenrs/warden/internal/treediff"
)

const diffUsage = `Usage: warden diff [flags] OLD NEW

Compares what two states of a project's dependency tree can do, and
reports per crate the capabilities gained and lost (at run and build
time), each public function or entry point that newly reaches a
capability (with a witness), and each new effect with its location
(effects are matched by their stable ids, so moved code is not new).

OLD and NEW are each:
  a directory          a crate or project (its Cargo.lock, else cargo)
  a Cargo.lock file    the project beside it, resolved from that lockfile
  a git revision       the project in the current directory's repository
                       at that revision (checked out to a temporary
                       worktree with git)

Flags:
  --format F   text (default), json, or md (a pull-request comment)
  --target, -j, --cache-dir, --no-cache   as for "warden tree"

Exit status: 0 when nothing is gained, 1 when the new state gains a
capability, an effect or a reach, 2 on usage or input errors.
`

func diffCommand() *command {
	return &command{
		name:    "diff",
		summary: "what an update changes: capabilities gained and lost, new effects and reach",
		usage:   diffUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "diff", diffUsage)
			format := fs.String("format", "text", "text, json or md")
			target := fs.String("target", "", "target triple")
			var cc cacheFlags
			cc.register(fs)
			rest, err := parseFlags(fs, args)
			if err != nil {
				return err
			}
			if len(rest) != 2 {
				return fmt.Errorf("%w: want OLD and NEW", errUsage)
			}
			switch *format {
			case "text", "json", "md":
			default:
				return fmt.Errorf("%w: unknown format %q (text, json or md)", errUsage, *format)
			}
			triple := *target
			if triple == "" {
				triple = load.DefaultTarget
			}
			var reps [2]*tree.Report
			for i, arg := range rest {
				dir, mode, cleanup, err := diffSide(ctx, arg)
				if err != nil {
					return err
				}
				c, err := cc.open()
				if err != nil {
					cleanup()
					return err
				}
				g, err := deps.Resolve(ctx, dir, deps.Options{Target: triple, Mode: mode, Cache: c})
				if err == nil {
					reps[i], err = tree.Analyze(ctx, g, tree.Options{Target: triple, Jobs: cc.jobs, Cache: c, Version: cacheVersion(), Progress: progress(e)})
				}
				cleanup()
				if err != nil {
					return fmt.Errorf("%s: %w", arg, err)
				}
			}
			d := treediff.Compare(reps[0], reps[1])
			out := bufio.NewWriter(e.stdout)
			switch *format {
			case "json":
				err = report.DiffJSON(out, d)
			case "md":
				err = report.DiffMarkdown(out, d)
			default:
				err = report.DiffText(out, d)
			}
			if ferr := out.Flush(); err == nil {
				err = ferr
			}
			if err != nil {
				return err
			}
			if d.Gained() {
				return errFindings
			}
			return nil
		},
	}
}

// diffSide turns an argument into a project directory: itself, the
// directory of a Cargo.lock (resolved from it), or a git revision checked
// out into a temporary worktree (removed by cleanup).
func diffSide(ctx context.Context, arg string) (dir string, mode deps.Mode, cleanup func(), err error) {
	cleanup = func() {}
	if st, statErr := os.Stat(arg); statErr == nil {
		if st.IsDir() {
			return arg, deps.Auto, cleanup, nil
		}
		if filepath.Base(arg) == "Cargo.lock" {
			return filepath.Dir(arg), deps.Lock, cleanup, nil
		}
		return "", deps.Auto, cleanup, fmt.Errorf("%w: %s is neither a directory nor a Cargo.lock", errUsage, arg)
	}
	// A git revision of the repository the current directory is in.
	if strings.HasPrefix(arg, "-") {
		return "", deps.Auto, cleanup, fmt.Errorf("%w: %s is not a directory, a Cargo.lock or a git revision", errUsage, arg)
	}
	top, err := exec.CommandContext(ctx, "git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", deps.Auto, cleanup, fmt.Errorf("%w: %s is not a directory or Cargo.lock, and the current directory is not in a git repository", errUsage, arg)
	}
	if err := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--quiet", arg+"^{commit}").Run(); err != nil {
		return "", deps.Auto, cleanup, fmt.Errorf("%w: %s is not a directory, a Cargo.lock or a git revision", errUsage, arg)
	}
	tmp, err := os.MkdirTemp("", "warden-diff-")
	if err != nil {
		return "", deps.Auto, cleanup, err
	}
	wt := filepath.Join(tmp, "tree")
	if out, err := exec.CommandContext(ctx, "git", "worktree", "add", "--detach", "--quiet", wt, arg).CombinedOutput(); err != nil {
		os.RemoveAll(tmp)
		return "", deps.Auto, cleanup, fmt.Errorf("checking out %s: %v: %s", arg, err, strings.TrimSpace(string(out)))
	}
	cleanup = func() {
		_ = exec.Command("git", "worktree", "remove", "--force", wt).Run()
		os.RemoveAll(tmp)
	}
	// The project is where the current directory is, inside the checkout.
	cwd, _ := os.Getwd()
	rel, err := filepath.Rel(strings.TrimSpace(string(top)), cwd)
	if err != nil || strings.HasPrefix(rel, "..") {
		rel = "."
	}
	return filepath.Join(wt, rel), deps.Auto, cleanup, nil
}
