package infer

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/wardenrs/warden/internal/datafile"
)

// Table is the modelled signature table of std: what std functions and
// methods return, what iterating a std type yields, which std types
// deref to which, which std traits std types implement, and the method
// names too common to say anything without a receiver type. It is data
// (std.txt, format in its header), embedded in the binary.
type Table struct {
	fns     map[string]*Type    // function path -> return type (with placeholders)
	items   map[string]*Type    // type path -> yielded type
	derefs  map[string]*Type    // type path -> deref target
	impls   map[string][]string // type path -> traits
	closure map[string]*Type    // function path -> type of a closure argument's first parameter
	aliases map[string]*Type    // alias path -> aliased type ($0: the alias's argument)
	variant map[string]*Type    // tuple variant path -> its payload
	owners  map[string]bool     // every type or trait path with fn entries
	fills   map[string]int      // method path -> the argument that gives an empty collection its element type
	common  map[string]bool
}

//go:embed std.txt
var stdTable string

// Std returns the table embedded in the binary, parsed once (it is
// never modified).
var Std = sync.OnceValue(func() *Table {
	t, err := ParseTable("std.txt", stdTable)
	if err != nil {
		panic(fmt.Sprintf("embedded signature table is invalid: %v", err)) // caught by tests
	}
	return t
})

// ParseTable reads a table in the std.txt format.
func ParseTable(name, text string) (*Table, error) {
	t := &Table{fns: map[string]*Type{}, items: map[string]*Type{}, derefs: map[string]*Type{},
		impls: map[string][]string{}, closure: map[string]*Type{}, aliases: map[string]*Type{}, variant: map[string]*Type{}, common: map[string]bool{}, fills: map[string]int{}}
	err := datafile.Each(text, func(n int, f []string) error {
		want := 3
		if f[0] == "common" {
			want = 2
		}
		if len(f) < want || f[0] == "common" && len(f) != 2 || (f[0] == "impl" || f[0] == "fills") && len(f) != 3 {
			return fmt.Errorf("%s:%d: malformed %q line", name, n, f[0])
		}
		var typ *Type
		if f[0] != "common" && f[0] != "impl" && f[0] != "fills" {
			var err error
			if typ, err = ParseType(strings.Join(f[2:], " ")); err != nil {
				return fmt.Errorf("%s:%d: %w", name, n, err)
			}
		}
		key := f[1]
		dup := false
		switch f[0] {
		case "fn":
			_, dup = t.fns[key]
			t.fns[key] = typ
		case "item":
			_, dup = t.items[key]
			t.items[key] = typ
		case "deref":
			_, dup = t.derefs[key]
			t.derefs[key] = typ
		case "closure":
			_, dup = t.closure[key]
			t.closure[key] = typ
		case "alias":
			_, dup = t.aliases[key]
			t.aliases[key] = typ
		case "variant":
			_, dup = t.variant[key]
			t.variant[key] = typ
		case "impl":
			t.impls[key] = append(t.impls[key], f[2])
		case "common":
			t.common[key] = true
		case "fills":
			i, err := strconv.Atoi(f[2])
			if err != nil || i < 0 || i > 9 {
				return fmt.Errorf("%s:%d: fills wants an argument index, not %q", name, n, f[2])
			}
			_, dup = t.fills[key]
			t.fills[key] = i
		default:
			return fmt.Errorf("%s:%d: unknown entry %q (fn, item, deref, impl, closure, alias, variant, fills or common)", name, n, f[0])
		}
		if dup {
			return fmt.Errorf("%s:%d: duplicate %s entry for %s", name, n, f[0], key)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	t.owners = map[string]bool{}
	for p := range t.fns {
		if i := strings.LastIndex(p, "::"); i > 0 {
			t.owners[p[:i]] = true
		}
	}
	for _, m := range []map[string]*Type{t.fns, t.items, t.derefs, t.closure, t.variant} {
		for k, v := range m {
			m[k] = t.normalize(v)
		}
	}
	return t, nil
}

// normalize rewrites the std type aliases of t (std::io::Result<T> is
// std::result::Result<T, std::io::Error>), at every depth.
func (t *Table) normalize(x *Type) *Type {
	return t.normalizeDepth(x, 0)
}

func (t *Table) normalizeDepth(x *Type, depth int) *Type {
	if x == nil || depth > 8 {
		return x
	}
	if len(x.Args) > 0 {
		var args []*Type
		for i, a := range x.Args {
			if n := t.normalizeDepth(a, depth+1); n != a {
				if args == nil {
					args = append([]*Type(nil), x.Args...)
				}
				args[i] = n
			}
		}
		if args != nil {
			c := *x
			c.Args = args
			x = &c
		}
	}
	if x.Kind == Named {
		if a, ok := t.aliases[x.Path]; ok {
			return t.normalizeDepth(t.subst(a, x, nil, nil), depth+1)
		}
	}
	return x
}

// Common reports whether a method name is too common to identify a
// method without its receiver's type (new, open, read, ...).
func (t *Table) Common(name string) bool { return t.common[name] }

// Returns returns the modelled return type of a std function or method
// path, or nil.
func (t *Table) Returns(path string) (*Type, bool) {
	r, ok := t.fns[path]
	return r, ok
}

// Fills returns which argument of a method of a std collection gives an
// empty collection its element type (Vec::push: 0), and whether it is
// one.
func (t *Table) Fills(path string) (int, bool) {
	i, ok := t.fills[path]
	return i, ok
}

// Lists reports whether the table lists any function of a type or
// trait path.
func (t *Table) Lists(owner string) bool { return t.owners[owner] }

// Knows reports whether the table has an entry for a function path.
func (t *Table) Knows(path string) bool {
	_, ok := t.fns[path]
	return ok
}

// Item returns what iterating a value of type recv yields, or nil.
func (t *Table) Item(recv *Type) *Type {
	switch {
	case recv == nil:
		return nil
	case recv.Kind == Slice:
		return recv.Arg(0)
	case recv.Kind == Param || recv.Kind == Dyn:
		// impl Iterator<Item = PathBuf>
		return recv.Assoc["Item"]
	case recv.Kind != Named:
		return nil
	}
	if it, ok := t.items[recv.Path]; ok {
		return t.subst(it, recv, nil, nil)
	}
	return nil
}

// Deref returns the type a value of type recv derefs to, or nil.
func (t *Table) Deref(recv *Type) *Type {
	if recv == nil || recv.Kind != Named {
		return nil
	}
	if d, ok := t.derefs[recv.Path]; ok {
		return t.subst(d, recv, nil, nil)
	}
	return nil
}

// Wrapper reports whether a std type only derefs to its argument (Box,
// Rc, Arc, Pin, lock guards): a smart pointer with few methods of its
// own.
func (t *Table) Wrapper(path string) bool {
	d, ok := t.derefs[path]
	return ok && d.Kind == Named && d.Path == "$0"
}

// Traits returns the std traits a std type implements in the table.
func (t *Table) Traits(path string) []string { return t.impls[path] }

// ClosureParam returns the type of the first parameter of a closure
// passed to the std method path on a receiver of type recv yielding
// item, or nil.
func (t *Table) ClosureParam(path string, recv, item *Type) *Type {
	p, ok := t.closure[path]
	if !ok {
		return nil
	}
	return t.subst(p, recv, item, nil)
}

// Variant returns the payload type of a std tuple variant (Some, Ok,
// Err) matched against a value of type recv, and whether it is one.
func (t *Table) Variant(path string, recv *Type) (*Type, bool) {
	v, ok := t.variant[path]
	if !ok {
		return nil, false
	}
	return t.subst(v, recv, nil, nil), true
}

// VariantOf says which generic argument of its enum a std tuple
// variant's payload is (Some and Ok: 0, Err: 1), for the type of a
// variant constructed (Some(x) is an Option of x's type).
func (t *Table) VariantOf(path string) (enum string, arg int, ok bool) {
	v, found := t.variant[path]
	i := strings.LastIndex(path, "::")
	if !found || i < 0 || v.Kind != Named || len(v.Path) != 2 || v.Path[0] != '$' {
		return "", 0, false
	}
	return path[:i], int(v.Path[1] - '0'), true
}

// subst replaces the placeholders of a table type: Self (the receiver
// type), $0, $1 (the receiver's generic arguments), item (what the
// receiver yields), item$0 (what its first generic argument yields) and
// $closure (a closure argument's return type); $T0, $T1 (see
// substTrait) are unknown. A placeholder with
// nothing to stand for makes the part unknown.
func (t *Table) subst(x, recv, item, closure *Type) *Type {
	return t.substDepth(x, recv, item, closure, nil, 0)
}

// substTrait is subst for a trait method called on a generic receiver:
// $T0, $T1 are the bound's generic arguments (AsRef<Path>: $T0 is Path).
func (t *Table) substTrait(x, recv, item, closure *Type, traitArgs []*Type) *Type {
	return t.substDepth(x, recv, item, closure, traitArgs, 0)
}

func (t *Table) substDepth(x, recv, item, closure *Type, traitArgs []*Type, depth int) *Type {
	if x == nil || depth > 8 {
		return nil
	}
	if x.Kind == Named && len(x.Args) == 0 {
		switch x.Path {
		case "Self":
			return recv
		case "item":
			return item
		case "$closure":
			return closure
		}
		if len(x.Path) == 2 && x.Path[0] == '$' && x.Path[1] >= '0' && x.Path[1] <= '9' {
			return recv.Arg(int(x.Path[1] - '0'))
		}
		if len(x.Path) == 3 && strings.HasPrefix(x.Path, "$T") && x.Path[2] >= '0' && x.Path[2] <= '9' {
			return argAt(traitArgs, int(x.Path[2]-'0'))
		}
		if len(x.Path) == 6 && strings.HasPrefix(x.Path, "item$") && x.Path[5] >= '0' && x.Path[5] <= '9' {
			return t.Item(recv.Arg(int(x.Path[5] - '0')))
		}
		return x
	}
	return x.withArgs(func(a *Type) *Type { return t.substDepth(a, recv, item, closure, traitArgs, depth+1) })
}
