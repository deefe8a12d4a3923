// Package treediff compares two analyses of a dependency tree (before
// and after an update): per crate, the capabilities gained and lost and
// the effects that are new (by stable id); per public function or entry
// point, the capabilities it newly reaches, with a witness.
package treediff

import (
	"slices"

	"github.com/wardenrs/warden/internal/diag"
	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/tree"
)

// Crate is what changed in one crate (by name: versions may differ).
type Crate struct {
	Name                   string
	OldVersion, NewVersion string // "" when the crate is absent on that side
	Gained, Lost           []model.Capability
	GainedBuild, LostBuild []model.Capability
	// NewEffects are effects whose id the old side does not have.
	NewEffects []diag.Diagnostic
	// RemovedEffects counts the old effects whose id is gone.
	RemovedEffects int
	// NewReach lists public functions and entry points that reach a
	// capability they did not reach before.
	NewReach []Reach
}

// Reach is a capability a function newly reaches.
type Reach struct {
	Function string
	Cap      model.Capability
	Witness  string
}

// Diff is the comparison of two trees.
type Diff struct {
	Crates []Crate // crates with a change, in the new tree's order
}

// Gained reports whether the new tree can do something the old one could
// not: a capability, an effect or a reach.
func (d *Diff) Gained() bool {
	for _, c := range d.Crates {
		if len(c.Gained)+len(c.GainedBuild)+len(c.NewEffects)+len(c.NewReach) > 0 {
			return true
		}
	}
	return false
}

// Compare compares two tree reports.
func Compare(old, cur *tree.Report) *Diff {
	oldBy := map[string]*tree.CrateReport{}
	for i := range old.Crates {
		c := &old.Crates[i]
		if oldBy[c.Name] == nil {
			oldBy[c.Name] = c
		}
	}
	d := &Diff{}
	seen := map[string]bool{}
	for i := range cur.Crates {
		n := &cur.Crates[i]
		if seen[n.Name] {
			continue
		}
		seen[n.Name] = true
		o := oldBy[n.Name]
		c := Crate{Name: n.Name, NewVersion: n.Version}
		var oldRuntime, oldBuild []model.Capability
		oldIDs := map[string]bool{}
		oldReach := map[string]bool{}
		if o != nil {
			c.OldVersion = o.Version
			oldRuntime, oldBuild = o.Runtime, o.BuildTime
			for _, e := range o.Effects {
				oldIDs[e.ID] = true
			}
			for _, f := range o.Functions {
				for _, cp := range f.Reachable {
					oldReach[f.Path+" "+string(cp)] = true
				}
			}
		}
		c.Gained, c.Lost = minus(n.Runtime, oldRuntime), minus(oldRuntime, n.Runtime)
		c.GainedBuild, c.LostBuild = minus(n.BuildTime, oldBuild), minus(oldBuild, n.BuildTime)
		newIDs := map[string]bool{}
		for _, e := range n.Effects {
			newIDs[e.ID] = true
			if !oldIDs[e.ID] {
				c.NewEffects = append(c.NewEffects, e)
			}
		}
		for id := range oldIDs {
			if !newIDs[id] {
				c.RemovedEffects++
			}
		}
		for _, f := range n.Functions {
			for i, cp := range f.Reachable {
				if !oldReach[f.Path+" "+string(cp)] {
					w := ""
					if i < len(f.Witness) {
						w = f.Witness[i]
					}
					c.NewReach = append(c.NewReach, Reach{Function: f.Path, Cap: cp, Witness: w})
				}
			}
		}
		if c.changed() {
			d.Crates = append(d.Crates, c)
		}
	}
	for i := range old.Crates {
		o := &old.Crates[i]
		if !seen[o.Name] {
			seen[o.Name] = true
			d.Crates = append(d.Crates, Crate{Name: o.Name, OldVersion: o.Version, Lost: o.Runtime, LostBuild: o.BuildTime,
				RemovedEffects: len(o.Effects)})
		}
	}
	return d
}

func (c *Crate) changed() bool {
	return c.OldVersion != c.NewVersion || len(c.Gained)+len(c.Lost)+len(c.GainedBuild)+len(c.LostBuild)+
		len(c.NewEffects)+c.RemovedEffects+len(c.NewReach) > 0
}

// minus is a - b, in a's order.
func minus(a, b []model.Capability) []model.Capability {
	var out []model.Capability
	for _, c := range a {
		if !slices.Contains(b, c) {
			out = append(out, c)
		}
	}
	return out
}
