package report

import (
	"encoding/json"
	"io"
	"strconv"

	"github.com/wardenrs/warden/internal/model"
	"github.com/wardenrs/warden/internal/treediff"
)

func versions(c treediff.Crate) string {
	switch {
	case c.OldVersion == "":
		return c.NewVersion + " (new)"
	case c.NewVersion == "":
		return c.OldVersion + " (removed)"
	case c.OldVersion != c.NewVersion:
		return c.OldVersion + " -> " + c.NewVersion
	}
	return c.NewVersion
}

// DiffText writes "warden diff": per changed crate, the capabilities
// gained and lost, the new reach of public functions with a witness, and
// each new effect with its location.
func DiffText(w io.Writer, d *treediff.Diff) error {
	p := &printer{w: w}
	if len(d.Crates) == 0 {
		p.print("No change in what the tree can do.\n")
		return p.err
	}
	for _, c := range d.Crates {
		p.printf("%s %s\n", clean(c.Name), clean(versions(c)))
		if len(c.Gained) > 0 {
			p.printf("  gained:  %s\n", capsText(c.Gained))
		}
		if len(c.GainedBuild) > 0 {
			p.printf("  gained at build time:  %s\n", capsText(c.GainedBuild))
		}
		if len(c.Lost) > 0 {
			p.printf("  lost:    %s\n", capsText(c.Lost))
		}
		if len(c.LostBuild) > 0 {
			p.printf("  lost at build time:  %s\n", capsText(c.LostBuild))
		}
		for _, r := range c.NewReach {
			p.printf("  %s now reaches %s: %s\n", clean(r.Function), r.Cap, clean(r.Witness))
		}
		for _, e := range c.NewEffects {
			p.printf("  new effect  %s:%d  %s  %s  %s  id %s\n", clean(e.Pos.File), e.Pos.Line, e.Capability, clean(e.Callee),
				clean(e.Function), clean(e.ID))
		}
		if c.RemovedEffects > 0 {
			p.printf("  %s gone\n", plural(c.RemovedEffects, "effect"))
		}
	}
	return p.err
}

type diffJSONReach struct {
	Function   string `json:"function"`
	Capability string `json:"capability"`
	Witness    string `json:"witness"`
}

type diffJSONCrate struct {
	Name           string             `json:"name"`
	OldVersion     string             `json:"old_version"`
	NewVersion     string             `json:"new_version"`
	Gained         []model.Capability `json:"gained"`
	Lost           []model.Capability `json:"lost"`
	GainedBuild    []model.Capability `json:"gained_build"`
	LostBuild      []model.Capability `json:"lost_build"`
	NewReach       []diffJSONReach    `json:"new_reach"`
	NewEffects     []jsonEffect       `json:"new_effects"`
	RemovedEffects int                `json:"removed_effects"`
}

// DiffJSON writes "warden diff --format json".
func DiffJSON(w io.Writer, d *treediff.Diff) error {
	v := struct {
		Gained bool            `json:"gained"`
		Crates []diffJSONCrate `json:"crates"`
	}{Gained: d.Gained(), Crates: []diffJSONCrate{}}
	orEmptyCaps := func(cs []model.Capability) []model.Capability {
		if cs == nil {
			return []model.Capability{}
		}
		return cs
	}
	for _, c := range d.Crates {
		j := diffJSONCrate{Name: c.Name, OldVersion: c.OldVersion, NewVersion: c.NewVersion, Gained: orEmptyCaps(c.Gained),
			Lost: orEmptyCaps(c.Lost), GainedBuild: orEmptyCaps(c.GainedBuild), LostBuild: orEmptyCaps(c.LostBuild),
			NewReach: []diffJSONReach{}, NewEffects: []jsonEffect{}, RemovedEffects: c.RemovedEffects}
		for _, r := range c.NewReach {
			j.NewReach = append(j.NewReach, diffJSONReach{Function: r.Function, Capability: string(r.Cap), Witness: r.Witness})
		}
		for _, e := range c.NewEffects {
			j.NewEffects = append(j.NewEffects, toJSONEffect(e))
		}
		v.Crates = append(v.Crates, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// DiffMarkdown writes "warden diff --format md", a pull-request comment.
func DiffMarkdown(w io.Writer, d *treediff.Diff) error {
	p := &printer{w: w}
	if !d.Gained() {
		p.print("## Warden: no new capability\n\n")
	} else {
		p.print("## Warden: the update gains capabilities\n\n")
	}
	if len(d.Crates) == 0 {
		p.print("No change in what the tree can do.\n")
		return p.err
	}
	p.print("| Crate | Version | Gained | Lost | New effects |\n|---|---|---|---|---|\n")
	for _, c := range d.Crates {
		p.printf("| %s | %s | %s | %s | %d |\n", cell(code(c.Name)), cell(mdText(versions(c))), cell(mdText(capsText(append(c.Gained, c.GainedBuild...)))),
			cell(mdText(capsText(append(c.Lost, c.LostBuild...)))), len(c.NewEffects))
	}
	for _, c := range d.Crates {
		if len(c.NewReach)+len(c.NewEffects) == 0 {
			continue
		}
		p.printf("\n### %s %s\n\n", mdText(c.Name), mdText(versions(c)))
		for _, r := range c.NewReach {
			p.printf("- %s now reaches **%s**: %s\n", code(r.Function), r.Cap, code(r.Witness))
		}
		for _, e := range c.NewEffects {
			p.printf("- new %s effect %s in %s at %s (id %s)\n", e.Capability, code(e.Callee), code(e.Function),
				code(e.Pos.File+":"+strconv.Itoa(e.Pos.Line)), code(e.ID))
		}
	}
	return p.err
}
