// Package graph propagates capabilities through call graphs: for each
// function, the capabilities it reaches through calls (within a crate,
// or across a whole dependency tree), each with one shortest witness
// path that prefers strong evidence.
package graph

import (
	"sort"

	"github.com/wardenrs/warden/internal/model"
)

// Key identifies a function: its canonical path within a unit (one
// target of one package, so that two versions of a crate, or a crate's
// library and its build script, never mix). Unit is "" in a graph of
// one target.
type Key struct {
	Unit string
	Path string
}

// Node is a function with its direct capabilities and outgoing calls.
type Node struct {
	Key    Key
	Direct map[model.Capability]string // capability -> callee that gives it
	// Weak marks capabilities whose only direct evidence is weak (a low
	// confidence match, or a method matched by name only): witnesses
	// prefer paths to strong evidence, even when they are longer.
	Weak  map[model.Capability]bool
	Calls []Edge
}

// AddEffect records a direct capability; strong evidence replaces weak.
func (n *Node) AddEffect(c model.Capability, callee string, weak bool) {
	if _, ok := n.Direct[c]; ok && (weak || !n.Weak[c]) {
		return
	}
	n.Direct[c] = callee
	if weak {
		n.Weak[c] = true
	} else {
		delete(n.Weak, c)
	}
}

// Edge is a call from one function to another.
type Edge struct {
	To       Key
	Indirect bool // resolved by method name only, or a function pointer
}

// Reach is a reachable capability with a witness.
type Reach struct {
	Cap model.Capability
	// Path lists the functions from the start to the function with the
	// effect; Callee is what that function calls.
	Path   []Key
	Callee string
	// Indirect reports that the witness uses an indirect edge.
	Indirect bool
}

// Graph is a call graph.
type Graph struct {
	nodes map[Key]*Node
	order []Key
}

// New returns an empty graph.
func New() *Graph { return &Graph{nodes: map[Key]*Node{}} }

// Node returns the node for k, creating it.
func (g *Graph) Node(k Key) *Node {
	if n := g.nodes[k]; n != nil {
		return n
	}
	n := &Node{Key: k, Direct: map[model.Capability]string{}, Weak: map[model.Capability]bool{}}
	g.nodes[k] = n
	g.order = append(g.order, k)
	return n
}

// Has reports whether the graph has a node for k.
func (g *Graph) Has(k Key) bool { return g.nodes[k] != nil }

// Reachable computes, for every node, the capabilities it reaches (its
// own included), each with a shortest witness path. It runs one
// breadth-first search per capability over reversed edges, so its cost
// is O(capabilities x (nodes + edges)).
func (g *Graph) Reachable() map[Key][]Reach {
	rev := map[Key][]revEdge{}
	for _, k := range g.order {
		n := g.nodes[k]
		for _, e := range n.Calls {
			if g.nodes[e.To] == nil {
				continue
			}
			rev[e.To] = append(rev[e.To], revEdge{from: k, indirect: e.Indirect})
		}
	}
	out := map[Key][]Reach{}
	for _, c := range model.All {
		// next[f] is the callee on the chosen path from f to an effect.
		next := map[Key]Key{}
		end := map[Key]bool{}
		indirect := map[Key]bool{}
		var order []Key // reached nodes, nearest first
		// bfs extends the paths from the nodes of queue over reversed
		// edges, direct ones only unless any.
		bfs := func(queue []Key, any bool) {
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, e := range rev[cur] {
					if _, seen := next[e.from]; seen || e.indirect && !any {
						continue
					}
					next[e.from] = cur
					indirect[e.from] = indirect[cur] || e.indirect
					queue = append(queue, e.from)
					order = append(order, e.from)
				}
			}
		}
		// Witnesses prefer strong evidence (a modelled call) to weak (a
		// method matched by name only), and then calls resolved by type
		// to calls resolved by name or through function values: a path
		// of the stronger kind is chosen even when it is longer. Each
		// round reaches only what the rounds before did not.
		for _, weak := range []bool{false, true} {
			var sources []Key
			for _, k := range g.order {
				n := g.nodes[k]
				if _, ok := n.Direct[c]; ok && n.Weak[c] == weak {
					if _, seen := next[k]; !seen {
						next[k] = k
						end[k] = true
						sources = append(sources, k)
						order = append(order, k)
					}
				}
			}
			bfs(sources, false)
			bfs(append([]Key(nil), order...), true)
		}
		for k := range next {
			path := []Key{k}
			cur := k
			for !end[cur] && len(path) < 1000 {
				cur = next[cur]
				path = append(path, cur)
			}
			out[k] = append(out[k], Reach{Cap: c, Path: path, Callee: g.nodes[cur].Direct[c], Indirect: indirect[k]})
		}
	}
	for k := range out {
		rs := out[k]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Cap.Rank() < rs[j].Cap.Rank() })
	}
	return out
}

type revEdge struct {
	from     Key
	indirect bool
}
