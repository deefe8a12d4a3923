package graph

import (
	"reflect"
	"testing"

	"github.com/wardenrs/warden/internal/effects"
)

func TestReachableShortestWitness(t *testing.T) {
	g := New()
	api := g.Node("c::api")
	mid := g.Node("c::mid")
	helper := g.Node("c::helper")
	other := g.Node("c::other")
	g.Node("c::pure")
	api.Calls = []Edge{{To: "c::mid"}, {To: "c::helper"}}
	mid.Calls = []Edge{{To: "c::helper"}}
	helper.Direct[effects.Net] = "std::net::TcpStream::connect"
	other.Direct[effects.FS] = "std::fs::read"
	other.Calls = []Edge{{To: "c::api", Indirect: true}}
	api.Calls = append(api.Calls, Edge{To: "c::missing"})

	r := g.Reachable()
	if got := r["c::api"]; len(got) != 1 || got[0].Cap != effects.Net ||
		!reflect.DeepEqual(got[0].Witness, []string{"c::api", "c::helper", "std::net::TcpStream::connect"}) {
		t.Errorf("api reach = %+v", got)
	}
	if got := r["c::other"]; len(got) != 2 || got[0].Cap != effects.FS || got[1].Cap != effects.Net || !got[1].Indirect {
		t.Errorf("other reach = %+v", got)
	}
	if got := r["c::pure"]; len(got) != 0 {
		t.Errorf("pure reach = %+v", got)
	}
	if got := r["c::helper"]; len(got) != 1 || len(got[0].Witness) != 2 {
		t.Errorf("helper reach = %+v", got)
	}
}

func TestReachableCycle(t *testing.T) {
	g := New()
	a, b := g.Node("a"), g.Node("b")
	a.Calls = []Edge{{To: "b"}}
	b.Calls = []Edge{{To: "a"}}
	b.Direct[effects.Env] = "std::env::var"
	r := g.Reachable()
	if len(r["a"]) != 1 || len(r["b"]) != 1 {
		t.Errorf("cycle reach = %+v", r)
	}
}

func TestWitnessPrefersStrongEvidence(t *testing.T) {
	g := New()
	app, near, mid, far := g.Node("app"), g.Node("dns"), g.Node("mid"), g.Node("libc")
	app.Calls = []Edge{{To: "dns"}, {To: "mid"}}
	mid.Calls = []Edge{{To: "libc"}}
	near.AddEffect(effects.Net, "?::to_socket_addrs", true)
	far.AddEffect(effects.Net, "libc::connect", false)
	far.AddEffect(effects.Net, "?::weaker", true) // must not replace strong evidence
	r := g.Reachable()
	if w := r["app"][0].Witness; len(w) != 4 || w[3] != "libc::connect" {
		t.Errorf("witness = %v, want app -> mid -> libc -> libc::connect", w)
	}
	if w := r["dns"][0].Witness; len(w) != 2 || w[1] != "?::to_socket_addrs" {
		t.Errorf("weak-only witness = %v", w)
	}
}
