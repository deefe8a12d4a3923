package main

import (
	"context"
	"fmt"

	"github.com/wardenrs/warden/internal/audit"
	"github.com/wardenrs/warden/internal/serve"
	"github.com/wardenrs/warden/internal/tree"
	"github.com/wardenrs/warden/internal/treediff"
)

const serveUsage = `Usage: warden serve [flags] [PATH]

Analyses the dependency tree of the project in PATH (default ".") as
"warden tree" does (cache included), starts a local web UI for reviewing
it, and prints one line on standard output: the URL to open, which carries
a random access token. Pages: an overview (capabilities x crates, coverage,
the dependency graph coloured by capability), each crate (effects by
capability and function with their review status, blind spots), each
function (what it reaches, each witness hop a link), source files (line
numbers, colouring, effect lines marked), and the diff with --diff. A
decision recorded on a crate page is written to the project file, as
"warden audit" writes it. Ctrl-C stops the server.

Flags:
  --addr HOST:PORT      where to listen (default 127.0.0.1 on a free port;
                        give an address explicitly to listen elsewhere)
  --diff OLD            also show what changed since OLD (a directory, a
                        Cargo.lock or a git revision, as for "warden diff")
  --project-file FILE   the decisions and policy file (default PATH/warden.toml)
  --target, --lockfile, -j, --cache-dir, --no-cache   as for "warden tree"

Every request needs the token (a cookie after the first visit); recording
a decision needs a POST with the page's CSRF token. Crates' names and
source are shown escaped, and only files of the analysed crates are served.
`

func serveCommand() *command {
	return &command{
		name:    "serve",
		summary: "a local web UI to explore the tree's authority and record decisions",
		usage:   serveUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "serve", serveUsage)
			var af auditFlags
			af.register(fs)
			addr := fs.String("addr", "", "listen address")
			old := fs.String("diff", "", "an earlier state to compare with")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			path := af.projectFile(dir)
			proj, err := audit.Load(path)
			if err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			// Every decision may be caller-checked, and every function
			// on a witness gets a page.
			opt := tree.Options{CrossCalls: true, Internal: true}
			rep, err := af.analyse(ctx, e, dir, af.mode(), opt)
			if err != nil {
				return err
			}
			var d *treediff.Diff
			if *old != "" {
				odir, omode, cleanup, err := diffSide(ctx, *old)
				if err != nil {
					return err
				}
				orep, err := af.analyse(ctx, e, odir, omode, opt)
				cleanup()
				if err != nil {
					return fmt.Errorf("%s: %w", *old, err)
				}
				d = treediff.Compare(orep, rep)
			}
			effects, blind, calls := auditInputs(rep)
			vet, err := loadVet(proj)
			if err != nil {
				return err
			}
			srv, err := serve.New(serve.Options{Report: rep, ProjectFile: path, Diff: d,
				Evaluate: func(p *audit.Project) *audit.Result { return audit.EvaluateWith(p, vet, calls, effects, blind) }})
			if err != nil {
				return fmt.Errorf("%w: %w", errUsage, err)
			}
			return srv.Serve(ctx, *addr, func(url string) {
				fmt.Fprintln(e.stdout, url)
				if f, ok := e.stdout.(interface{ Sync() error }); ok {
					_ = f.Sync()
				}
			})
		},
	}
}
