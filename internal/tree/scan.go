package tree

import (
	"context"
	"fmt"
	"slices"

	"github.com/wardenrs/warden/internal/analysis"
	"github.com/wardenrs/warden/internal/cache"
	"github.com/wardenrs/warden/internal/deps"
	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/load"
	"github.com/wardenrs/warden/internal/manifest"
	"github.com/wardenrs/warden/internal/model"
)

// ScanOptions configure a scan of one package (or of every member of a
// virtual workspace).
type ScanOptions struct {
	// Load are the options for the scanned packages. Their features are
	// the ones cargo resolves unless FeaturesGiven.
	Load          load.Options
	FeaturesGiven bool
	// NoDeps analyses the packages alone: dependencies' macros are not
	// expanded and calls into them are not followed.
	NoDeps   bool
	Cache    *cache.Cache
	Jobs     int
	Version  string
	Progress func(done, total int, name string)
	// CallSites fills each result's CallSites (warden debug calls).
	CallSites bool
}

// Scan is the result of a scan.
type Scan struct {
	// Results holds the complete analysis of each scanned package, with
	// functions linked to the dependencies.
	Results []*analysis.Result
	// Tree is the dependency tree's report (nil with NoDeps).
	Tree *Report
	// Notes say how the dependencies were found, or why they were not.
	Notes []string
}

// ScanPackages scans the package in dir, or every member of the virtual
// workspace in dir, with its dependencies unless opt.NoDeps: they are
// found as "warden tree" finds them (cargo metadata, Cargo.lock, vendor
// directories, $CARGO_HOME, Debian's registry), analysed (cached), their
// macros expanded where the package invokes them, and the package's
// functions linked to theirs.
func ScanPackages(ctx context.Context, dir string, opt ScanOptions) (*Scan, error) {
	m, merr := manifest.Load(dir)
	virtual := merr == nil && m.Virtual()
	if opt.NoDeps && !virtual {
		res, err := analysis.RunWith(ctx, dir, opt.Load, analysis.Options{CallSites: opt.CallSites})
		if err != nil {
			return nil, err
		}
		return &Scan{Results: []*analysis.Result{res}}, nil
	}
	target := opt.Load.Target
	g, err := deps.Resolve(ctx, dir, deps.Options{Target: target, Cache: opt.Cache})
	if err != nil {
		if virtual {
			return nil, err
		}
		// The package alone is still worth a report, which says its
		// dependencies were not seen.
		res, rerr := analysis.RunWith(ctx, dir, opt.Load, analysis.Options{CallSites: opt.CallSites})
		if rerr != nil {
			return nil, rerr
		}
		res.Diagnostics = diag.Sort(append(res.Diagnostics, diag.Diagnostic{Category: diag.BlindSpot, Kind: "dependencies",
			Pos: diag.Position{File: "Cargo.toml"}, Message: fmt.Sprintf("the dependencies could not be resolved (%v): their macros are not expanded and calls into them are not followed", err)}))
		return &Scan{Results: []*analysis.Result{res}, Notes: []string{"dependencies not analysed: " + err.Error()}}, nil
	}
	members := g.Members
	if len(members) == 0 {
		members = []deps.ID{g.Root}
	}
	if opt.NoDeps {
		s := &Scan{Notes: g.Notes}
		for _, id := range members {
			p := g.Packages[id]
			res, err := analysis.RunWith(ctx, p.Dir, scanLoad(opt, p, opt.Load), analysis.Options{CallSites: opt.CallSites})
			if err != nil {
				return nil, fmt.Errorf("member %s: %w", p.Name, err)
			}
			s.Results = append(s.Results, res)
		}
		return s, nil
	}
	rep, err := Analyze(ctx, g, Options{Target: target, Jobs: opt.Jobs, Cache: opt.Cache, Version: opt.Version,
		Progress: opt.Progress, Full: members, CallSites: opt.CallSites, Load: func(p *deps.Package, o load.Options) load.Options { return scanLoad(opt, p, o) }})
	if err != nil {
		return nil, err
	}
	s := &Scan{Tree: rep, Notes: g.Notes}
	for _, id := range members {
		res := rep.Results[id]
		if res == nil {
			for _, c := range rep.Crates {
				if c.ID == string(id) && c.Error != "" {
					return nil, fmt.Errorf("%s", c.Error)
				}
			}
			return nil, fmt.Errorf("package %s was not analysed", id)
		}
		res.Diagnostics = diag.Sort(append(res.Diagnostics, missingDeps(g, g.Packages[id])...))
		res.Crate.DependenciesAnalyzed = analysedDeps(rep, g, id)
		s.Results = append(s.Results, res)
	}
	return s, nil
}

// scanLoad applies the user's flags to a scanned package: the features
// given on the command line, else the ones cargo resolved.
func scanLoad(opt ScanOptions, p *deps.Package, resolved load.Options) load.Options {
	o := opt.Load
	o.LibOnly = false
	if !opt.FeaturesGiven {
		o.Features, o.NoDefaultFeatures = p.Features, !p.DefaultFeatures
	}
	return o
}

// analysedDeps counts the packages p depends on, directly or not, whose
// analysis is in the report.
func analysedDeps(rep *Report, g *deps.Graph, id deps.ID) int {
	ok := map[string]bool{}
	for _, c := range rep.Crates {
		ok[c.ID] = c.Analyzed
	}
	seen := map[deps.ID]bool{id: true}
	stack := []deps.ID{id}
	n := 0
	for len(stack) > 0 {
		p := g.Packages[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		if p == nil {
			continue
		}
		for _, d := range p.Deps {
			if seen[d.ID] {
				continue
			}
			seen[d.ID] = true
			if ok[string(d.ID)] {
				n++
			}
			stack = append(stack, d.ID)
		}
	}
	return n
}

// missingDeps are blind spots for the dependencies of p whose source was
// not found: their macros and what calls into them reach are unseen.
func missingDeps(g *deps.Graph, p *deps.Package) []diag.Diagnostic {
	var out []diag.Diagnostic
	for _, d := range p.Deps {
		dp := g.Packages[d.ID]
		if dp == nil || dp.Dir != "" {
			continue
		}
		out = append(out, diag.Diagnostic{Category: diag.BlindSpot, Kind: "dependency-not-found", Pos: diag.Position{File: "Cargo.toml"},
			Message: fmt.Sprintf("dependency %s %s was not found (%s): its macros are not expanded and calls into it are not followed", dp.Name, dp.Version, dp.Missing)})
	}
	return out
}

// Reaches reports the capabilities the scanned package's functions
// reach, its own effects and what its dependencies bring, for gates;
// name matches count only when nameMatches is set.
func Reaches(res *analysis.Result, nameMatches bool) map[model.Capability]bool {
	out := map[model.Capability]bool{}
	for _, d := range res.Of(diag.Effect) {
		if nameMatches || !d.Resolution.Weak() {
			out[model.Capability(d.Capability)] = true
		}
	}
	for _, f := range res.Functions {
		for _, c := range f.Reachable {
			if nameMatches || !slices.Contains(f.ByName, c) {
				out[c] = true
			}
		}
	}
	return out
}
