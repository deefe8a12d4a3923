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

// TestPlainBodies: FnItem.Plain is set only for bodies with no macro
// invocation, no item and no attribute, at any depth.
func TestPlainBodies(t *testing.T) {
	for src, want := range map[string]bool{
		"fn f() { let x = g(1); if x { h() } }":       true,
		"fn f() { println!(\"x\"); }":                 false,
		"fn f() { let v = vec![1]; }":                 false,
		"fn f() { { fn inner() {} } }":                false,
		"fn f() { #[cfg(unix)] g(); }":                false,
		"fn f() { match x { #[cfg(unix)] _ => {} } }": false,
		"fn f() { let c = || { m!() }; }":             false,
		"fn f() {} fn g() { m!(); }":                  true, // f itself
		"fn f() { struct S; }":                        false,
		"fn f() -> u8 { loop { break 1 } }":           true,
	} {
		fset := NewFileSet()
		sf, errs := ParseFile(fset.AddFile("a.rs", src))
		if len(errs) > 0 {
			t.Fatalf("%s: %v", src, errs)
		}
		if got := sf.Items[0].(*FnItem).Plain; got != want {
			t.Errorf("%s: Plain = %v, want %v", src, got, want)
		}
	}
}
