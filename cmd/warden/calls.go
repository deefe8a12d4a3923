package main

import (
	"bufio"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/report"
	"github.com/wardenrs/warden/internal/tree"
)

const callsUsage = `Usage: warden debug calls [flags] [PATH]

Prints every call of the crate in PATH (default ".") that Warden
resolved, one per line, sorted, as tab-separated fields:

  caller  callee  file:line  resolution  method|call|value

  caller      the calling function's path (closures count as the function
              that creates them)
  callee      the canonical path called: a function of the crate, of a
              dependency, or of std (core:: and alloc:: written std::)
  file:line   where the call is, relative to the crate directory (for a
              call written by a macro, the invocation)
  resolution  path (a path resolved by scope), type (a method found from
              its receiver's inferred type), trait (a method of a trait on
              a generic or dyn receiver, named Trait::method as rustc
              names it; Warden links it to every impl of the crate)
              or name (receiver type unknown, matched by its name only)
  method|call|value
              whether the call site is a method call x.m(), a path call
              f(), or a function used as a value (a pointer: .map(f));
              constructors (Some(x), Either::Left(x)) are not listed

Calls Warden could not resolve are not listed. It is the interface the
comparison with the compiler's MIR uses (scripts/mir-oracle.sh).

Flags: --no-deps, --target, --features, --all-features,
--no-default-features, --tests, --examples, --benches, -j, --cache-dir and
--no-cache as for "warden scan".
`

func callsCommand() *command {
	return &command{
		name:    "calls",
		summary: "list every call Warden resolved, with how it was resolved",
		usage:   callsUsage,
		run: func(ctx context.Context, e *env, args []string) error {
			fs := newFlagSet(e, "calls", callsUsage)
			var cf crateFlags
			var cc cacheFlags
			cf.registerLoad(fs)
			cc.register(fs)
			noDeps := fs.Bool("no-deps", false, "do not look at dependencies")
			dir, err := crateArgs(fs, args)
			if err != nil {
				return err
			}
			c, err := cc.open()
			if err != nil {
				return err
			}
			scan, err := tree.ScanPackages(ctx, dir, tree.ScanOptions{Load: cf.options(), FeaturesGiven: cf.featuresGiven(),
				NoDeps: *noDeps, Cache: c, Jobs: cc.jobs, Version: cacheVersion(), CallSites: true})
			if err != nil {
				return err
			}
			out := bufio.NewWriter(e.stdout)
			for _, res := range scan.Results {
				for _, l := range callLines(res) {
					fmt.Fprintln(out, l)
				}
			}
			return out.Flush()
		},
	}
}

// callLines renders a result's call sites, sorted and without duplicates.
func callLines(res *analysis.Result) []string {
	var lines []string
	for _, cs := range res.CallSites {
		kind := "call"
		switch {
		case cs.Value:
			kind = "value"
		case cs.Method:
			kind = "method"
		}
		lines = append(lines, strings.Join([]string{
			report.Clean(cs.Caller), report.Clean(cs.Callee), report.Clean(cs.Pos.File) + ":" + strconv.Itoa(cs.Pos.Line),
			cs.Resolution.String(), kind}, "\t"))
	}
	slices.Sort(lines)
	return slices.Compact(lines)
}
