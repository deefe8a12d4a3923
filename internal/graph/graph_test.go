package graph

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/wardenrs/warden/internal/model"
)

func k(p string) Key { return Key{Path: p} }

func paths(r Reach) []string {
	var out []string
	for _, k := range r.Path {
		out = append(out, k.Path)
	}
	return append(out, r.Callee)
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestReachableShortestWitness(t *testing.T) {
	g := New()
	api := g.Node(k("c::api"))
	mid := g.Node(k("c::mid"))
	helper := g.Node(k("c::helper"))
	other := g.Node(k("c::other"))
	g.Node(k("c::pure"))
	api.Calls = []Edge{{To: k("c::mid")}, {To: k("c::helper")}}
	mid.Calls = []Edge{{To: k("c::helper")}}
	helper.Direct[model.Net] = "std::net::TcpStream::connect"
	other.Direct[model.FS] = "std::fs::read"
	other.Calls = []Edge{{To: k("c::api"), Indirect: true}}
	api.Calls = append(api.Calls, Edge{To: k("c::missing")})

	r := g.Reachable()
	if got := r.Of(k("c::api")); len(got) != 1 || got[0].Cap != model.Net ||
		!equal(paths(got[0]), []string{"c::api", "c::helper", "std::net::TcpStream::connect"}) {
		t.Errorf("api reach = %+v", got)
	}
	if got := r.Of(k("c::other")); len(got) != 2 || got[0].Cap != model.FS || got[1].Cap != model.Net || !got[1].Indirect {
		t.Errorf("other reach = %+v", got)
	}
	if got := r.Of(k("c::pure")); len(got) != 0 {
		t.Errorf("pure reach = %+v", got)
	}
	if got := r.Of(k("c::helper")); len(got) != 1 || len(paths(got[0])) != 2 {
		t.Errorf("helper reach = %+v", got)
	}
}

func TestReachableCycle(t *testing.T) {
	g := New()
	a, b := g.Node(k("a")), g.Node(k("b"))
	a.Calls = []Edge{{To: k("b")}}
	b.Calls = []Edge{{To: k("a")}}
	b.Direct[model.Env] = "std::env::var"
	r := g.Reachable()
	if len(r.Of(k("a"))) != 1 || len(r.Of(k("b"))) != 1 {
		t.Errorf("cycle reach = %+v", r)
	}
}

// TestUnitsKeepVersionsApart: the same path in two units (two versions
// of one crate) are two functions.
func TestUnitsKeepVersionsApart(t *testing.T) {
	g := New()
	app := g.Node(Key{"app", "app::f"})
	old := g.Node(Key{"mio 0.6", "mio::connect"})
	g.Node(Key{"mio 0.8", "mio::connect"}).Direct[model.Net] = "libc::connect"
	old.Direct[model.FS] = "libc::open"
	app.Calls = []Edge{{To: Key{"mio 0.6", "mio::connect"}}}
	r := g.Reachable()
	if got := r.Of(Key{"app", "app::f"}); len(got) != 1 || got[0].Cap != model.FS || got[0].Path[1].Unit != "mio 0.6" {
		t.Errorf("app reach = %+v, want fs through mio 0.6 only", got)
	}
}

func TestWitnessPrefersStrongEvidence(t *testing.T) {
	g := New()
	app, near, mid, far := g.Node(k("app")), g.Node(k("dns")), g.Node(k("mid")), g.Node(k("libc"))
	app.Calls = []Edge{{To: k("dns")}, {To: k("mid")}}
	mid.Calls = []Edge{{To: k("libc")}}
	near.AddEffect(model.Net, "to_socket_addrs", true)
	far.AddEffect(model.Net, "libc::connect", false)
	far.AddEffect(model.Net, "weaker", true) // must not replace strong evidence
	r := g.Reachable()
	if w := paths(r.Of(k("app"))[0]); len(w) != 4 || w[3] != "libc::connect" {
		t.Errorf("witness = %v, want app -> mid -> libc -> libc::connect", w)
	}
	if w := paths(r.Of(k("dns"))[0]); len(w) != 2 || w[1] != "to_socket_addrs" {
		t.Errorf("weak-only witness = %v", w)
	}
}

// TestWitnessPrefersResolvedCalls: a path through calls resolved by type
// wins over a shorter one through a call matched by method name.
func TestWitnessPrefersResolvedCalls(t *testing.T) {
	g := New()
	app, guess, a, b, sink := g.Node(k("app")), g.Node(k("guess")), g.Node(k("a")), g.Node(k("b")), g.Node(k("sink"))
	_ = guess
	app.Calls = []Edge{{To: k("guess"), Indirect: true}, {To: k("a")}}
	guess.Calls = []Edge{{To: k("sink")}}
	a.Calls = []Edge{{To: k("b")}}
	b.Calls = []Edge{{To: k("sink")}}
	sink.AddEffect(model.Net, "libc::connect", false)
	r := g.Reachable()
	got := r.Of(k("app"))
	if len(got) != 1 || got[0].Indirect || !equal(paths(got[0]), []string{"app", "a", "b", "sink", "libc::connect"}) {
		t.Errorf("app witness = %v (indirect %v), want the resolved path through a and b", paths(got[0]), got[0].Indirect)
	}
	// Only an indirect path: still found, and marked.
	only := g.Node(k("only"))
	only.Calls = []Edge{{To: k("guess"), Indirect: true}}
	r = g.Reachable()
	if got := r.Of(k("only")); len(got) != 1 || !got[0].Indirect {
		t.Errorf("only = %+v, want an indirect witness", got)
	}
}

// TestReachableFromMatchesReachable: on random graphs, what ReachableFrom
// says of the nodes the starts reach is exactly what Reachable says
// (same capabilities, same witnesses), and it says nothing of the rest.
func TestReachableFromMatchesReachable(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for round := 0; round < 200; round++ {
		g := New()
		n := 2 + rng.IntN(30)
		keys := make([]Key, n)
		for i := range keys {
			keys[i] = Key{Unit: fmt.Sprint("u", i%3), Path: fmt.Sprint("f", i)}
			g.Node(keys[i])
		}
		for i := range keys {
			node := g.Node(keys[i])
			for e := rng.IntN(4); e > 0; e-- {
				node.Calls = append(node.Calls, Edge{To: keys[rng.IntN(n)], Indirect: rng.IntN(4) == 0})
			}
			if rng.IntN(5) == 0 {
				node.AddEffect(model.All[rng.IntN(len(model.All))], fmt.Sprint("callee", i), rng.IntN(3) == 0)
			}
		}
		starts := []Key{keys[rng.IntN(n)], keys[rng.IntN(n)]}
		all, from := g.Reachable(), g.ReachableFrom(starts)
		closure := map[Key]bool{}
		var visit func(k Key)
		visit = func(k Key) {
			if closure[k] {
				return
			}
			closure[k] = true
			for _, e := range g.Node(k).Calls {
				visit(e.To)
			}
		}
		for _, s := range starts {
			visit(s)
		}
		for _, key := range keys {
			got, want := fmt.Sprint(from.Of(key)), fmt.Sprint(all.Of(key))
			if !closure[key] {
				want = fmt.Sprint([]Reach(nil))
			}
			if got != want {
				t.Fatalf("round %d, %v (in closure %v): ReachableFrom %s, Reachable %s", round, key, closure[key], got, want)
			}
		}
	}
}
