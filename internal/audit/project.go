// Package audit keeps a project's review of its dependency tree: the
// decisions reviewers made on effects (safe, unsafe, caller-checked),
// identified by the effects' stable ids so that they carry over when a
// crate's version changes, and the policy that allows capabilities per
// crate without review. Both live in one TOML file in the repository
// (warden.toml, format in the README), reviewable in a pull request.
// Evaluate judges a tree's effects against it; the gate (warden check)
// fails on what is unreviewed, rejected or stale.
package audit

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/wardenrs/warden/internal/model"
)

// FileName is the project file's name, at the project's root.
const FileName = "warden.toml"

// Decision kinds.
const (
	Safe          = "safe"           // reviewed: fine as it is
	Unsafe        = "unsafe"         // reviewed: rejected, the gate fails
	CallerChecked = "caller-checked" // fine if the callers use it right: their calls are to review
)

// Decision is one reviewer's judgement on one effect.
type Decision struct {
	Crate      string `toml:"crate"`
	Version    string `toml:"version"` // the version reviewed (decisions carry over to others by id)
	ID         string `toml:"id"`
	Function   string `toml:"function"`
	Callee     string `toml:"callee"`
	Capability string `toml:"capability"`
	Decision   string `toml:"decision"`
	By         string `toml:"by"`
	Date       string `toml:"date"`
	Reason     string `toml:"reason"`

	// Line is where the entry starts in the file (0 when not from one).
	Line int `toml:"-"`
}

// CratePolicy allows capabilities of one crate without review.
type CratePolicy struct {
	// Allow are capabilities allowed at run time; AllowBuild at build
	// time (build scripts, proc macros, build dependencies) when build
	// time is judged apart.
	Allow      []string `toml:"allow"`
	AllowBuild []string `toml:"allow_build"`
	Reason     string   `toml:"reason"`
}

// Policy is the project's policy.
type Policy struct {
	// Default is the policy of every crate without one of its own.
	Default CratePolicy `toml:"default"`
	// Blind says what blind spots do to the gate: "fail" (the default:
	// an analysis that did not see everything is not a pass) or "warn".
	Blind string `toml:"blind"`
	// SeparateBuildTime judges build-time effects against allow_build
	// rather than allow.
	SeparateBuildTime bool `toml:"separate_build_time"`
	// Vet trusts the crates a project's cargo-vet audits certify.
	Vet VetPolicy `toml:"vet"`
}

// VetPolicy says which cargo-vet certifications Warden trusts.
type VetPolicy struct {
	// Trust lists the criteria (safe-to-deploy, safe-to-run, ...): a
	// crate version audited for one of them needs no review in Warden.
	Trust []string `toml:"trust"`
	// SupplyChain is the cargo-vet directory, relative to the project
	// file (default "supply-chain").
	SupplyChain string `toml:"supply_chain"`
}

// Project is the content of the project file.
type Project struct {
	Policy    Policy                 `toml:"policy"`
	Crates    map[string]CratePolicy `toml:"crates"`
	Decisions []Decision             `toml:"decision"`

	// Path is the file the project was read from ("" if none exists).
	Path string `toml:"-"`
}

// Load reads the project file at path. A missing file is an empty
// project; a malformed one is an error naming the file and line.
func Load(path string) (*Project, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return &Project{Path: path, Crates: map[string]CratePolicy{}}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse reads a project file's content.
func Parse(path string, data []byte) (*Project, error) {
	p := &Project{Path: path}
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(p)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s:%d: %s", path, pe.Position.Line, pe.Message)
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if un := md.Undecoded(); len(un) > 0 {
		key := un[0].String()
		return nil, fmt.Errorf("%s:%d: unknown key %q", path, lineOf(data, un[0][len(un[0])-1]), key)
	}
	if p.Crates == nil {
		p.Crates = map[string]CratePolicy{}
	}
	lines := entryLines(data)
	for i := range p.Decisions {
		if i < len(lines) {
			p.Decisions[i].Line = lines[i]
		}
	}
	return p, p.validate(data)
}

// validate checks what TOML cannot: decision kinds, capabilities,
// required fields, one decision per effect.
func (p *Project) validate(data []byte) error {
	at := func(line int, format string, args ...any) error {
		return fmt.Errorf("%s:%d: %s", p.Path, line, fmt.Sprintf(format, args...))
	}
	switch p.Policy.Blind {
	case "", "fail", "warn":
	default:
		return at(lineOf(data, "blind"), "policy.blind is %q: want \"fail\" or \"warn\"", p.Policy.Blind)
	}
	caps := func(where string, list []string) error {
		for _, c := range list {
			if !model.Capability(c).Valid() {
				return at(lineOf(data, `"`+c+`"`), "%s: unknown capability %q (%s)", where, c, capNames())
			}
		}
		return nil
	}
	if err := caps("policy.default.allow", p.Policy.Default.Allow); err != nil {
		return err
	}
	if err := caps("policy.default.allow_build", p.Policy.Default.AllowBuild); err != nil {
		return err
	}
	for name, cp := range p.Crates {
		if err := caps("crates."+name+".allow", cp.Allow); err != nil {
			return err
		}
		if err := caps("crates."+name+".allow_build", cp.AllowBuild); err != nil {
			return err
		}
	}
	seen := map[string]int{}
	for _, d := range p.Decisions {
		switch d.Decision {
		case Safe, Unsafe, CallerChecked:
		default:
			return at(d.Line, "decision %q: want safe, unsafe or caller-checked", d.Decision)
		}
		if d.Crate == "" || d.ID == "" {
			return at(d.Line, "a decision needs crate and id")
		}
		if strings.TrimSpace(d.Reason) == "" {
			return at(d.Line, "decision on %s %s has no reason", d.Crate, d.ID)
		}
		key := d.Crate + " " + d.ID
		if first, dup := seen[key]; dup {
			return at(d.Line, "second decision on %s %s (the first is at line %d)", d.Crate, d.ID, first)
		}
		seen[key] = d.Line
	}
	return nil
}

func capNames() string {
	var s []string
	for _, c := range model.All {
		s = append(s, string(c))
	}
	return strings.Join(s, ", ")
}

// entryLines returns the line of each [[decision]] header, in order.
func entryLines(data []byte) []int {
	var out []int
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimSpace(l) == "[[decision]]" {
			out = append(out, i+1)
		}
	}
	return out
}

// lineOf is the first line mentioning key (1 when none does).
func lineOf(data []byte, key string) int {
	for i, l := range strings.Split(string(data), "\n") {
		if strings.Contains(l, key) {
			return i + 1
		}
	}
	return 1
}

// Append adds decisions at the end of the project file, as text: the
// rest of the file (comments, order, policy) stays as the team wrote it,
// and a pull request shows only the new entries.
func (p *Project) Append(ds []Decision) error {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("\n[[decision]]\n")
		for _, kv := range [][2]string{{"crate", d.Crate}, {"version", d.Version}, {"id", d.ID}, {"function", d.Function},
			{"callee", d.Callee}, {"capability", d.Capability}, {"decision", d.Decision}, {"by", d.By}, {"date", d.Date}, {"reason", d.Reason}} {
			fmt.Fprintf(&b, "%s = %s\n", kv[0], quote(kv[1]))
		}
	}
	f, err := os.OpenFile(p.Path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("writing decisions: %w", err)
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return fmt.Errorf("writing decisions to %s: %w", p.Path, err)
	}
	return f.Close()
}

// quote writes a TOML basic string.
func quote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
