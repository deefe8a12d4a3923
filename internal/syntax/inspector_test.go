package syntax

import (
	"reflect"
	"testing"
)

// TestInspectorMatchesInspect: an Inspector visits the nodes Inspect
// visits, in the same order, also when calls nest.
func TestInspectorMatchesInspect(t *testing.T) {
	fset := NewFileSet()
	f := fset.AddFile("a.rs", "fn f() { let x = { g(1); h(2) }; if x { k(3) } else { m(4) } }\nfn n() { o(5) }")
	sf, errs := ParseFile(f)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	var want []Node
	Inspect(sf, func(n Node) bool { want = append(want, n); return true })
	var in Inspector
	var got []Node
	var visit func(n Node) bool
	depth := 0
	visit = func(n Node) bool {
		got = append(got, n)
		if b, ok := n.(*BlockExpr); ok && depth < 3 {
			// Visit the block's children through a nested call.
			depth++
			for _, s := range b.Stmts {
				in.Inspect(s, visit)
			}
			depth--
			return false
		}
		return true
	}
	in.Inspect(sf, visit)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Inspector visited %d nodes, Inspect %d; orders differ", len(got), len(want))
	}
	if len(in.c.out) != 0 {
		t.Errorf("stack not empty after the call: %d", len(in.c.out))
	}
}

// TestInspectChildren: the children of a node, not the node.
func TestInspectChildren(t *testing.T) {
	fset := NewFileSet()
	f := fset.AddFile("a.rs", "fn f() { g(1); h(2) }")
	sf, _ := ParseFile(f)
	var want, got []Node
	Inspect(sf, func(n Node) bool {
		if n != Node(sf) {
			want = append(want, n)
		}
		return true
	})
	var in Inspector
	in.InspectChildren(sf, func(n Node) bool { got = append(got, n); return true })
	if !reflect.DeepEqual(got, want) || len(got) == 0 {
		t.Errorf("InspectChildren visited %d nodes, want %d", len(got), len(want))
	}
}
