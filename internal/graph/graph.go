// Package graph propagates capabilities through a crate's call graph:
// for each function, the capabilities it reaches through the crate's own
// calls, each with one shortest witness path.
package graph

import (
	"sort"

	"github.com/wardenrs/warden/internal/effects"
)

// Node is a function with its direct capabilities and outgoing calls.
type Node struct {
	Path   string
	Direct map[effects.Capability]string // capability -> callee that gives it
	// Weak marks capabilities whose only direct evidence is weak (a low
	// confidence match, or a method matched by name only): witnesses
	// prefer paths to strong evidence, even when they are longer.
	Weak  map[effects.Capability]bool
	Calls []Edge
}

// AddEffect records a direct capability; strong evidence replaces weak.
func (n *Node) AddEffect(c effects.Capability, callee string, weak bool) {
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
	To       string
	Indirect bool // resolved by method name only, or a function pointer
}

// Reach is a reachable capability with a witness.
type Reach struct {
	Cap     effects.Capability
	Witness []string // function paths from the start to the function with the effect, then its callee
	// Indirect reports that the witness uses an indirect edge.
	Indirect bool
}

// Graph is a call graph.
type Graph struct {
	nodes map[string]*Node
	order []string
}

// New returns an empty graph.
func New() *Graph { return &Graph{nodes: map[string]*Node{}} }

// Node returns the node for path, creating it.
func (g *Graph) Node(path string) *Node {
	if n := g.nodes[path]; n != nil {
		return n
	}
	n := &Node{Path: path, Direct: map[effects.Capability]string{}, Weak: map[effects.Capability]bool{}}
	g.nodes[path] = n
	g.order = append(g.order, path)
	return n
}

// Reachable computes, for every node, the capabilities it reaches (its
// own included), each with a shortest witness path. It runs one
// breadth-first search per capability over reversed edges, so its cost
// is O(capabilities x (nodes + edges)).
func (g *Graph) Reachable() map[string][]Reach {
	// Reverse edges.
	rev := map[string][]revEdge{}
	for _, path := range g.order {
		n := g.nodes[path]
		for _, e := range n.Calls {
			if g.nodes[e.To] == nil {
				continue
			}
			rev[e.To] = append(rev[e.To], revEdge{from: path, indirect: e.Indirect})
		}
	}
	out := map[string][]Reach{}
	for _, c := range effects.All {
		// next[f] = the callee on a shortest path from f to an effect.
		next := map[string]string{}
		indirect := map[string]bool{}
		// Two rounds: first from strong evidence, then from weak evidence
		// for the functions the first round did not reach.
		for _, weak := range []bool{false, true} {
			var queue []string
			for _, path := range g.order {
				n := g.nodes[path]
				if _, ok := n.Direct[c]; ok && n.Weak[c] == weak {
					if _, seen := next[path]; !seen {
						next[path] = ""
						queue = append(queue, path)
					}
				}
			}
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, e := range rev[cur] {
					if _, seen := next[e.from]; seen {
						continue
					}
					next[e.from] = cur
					indirect[e.from] = indirect[cur] || e.indirect
					queue = append(queue, e.from)
				}
			}
		}
		for path := range next {
			w := []string{path}
			cur := path
			for next[cur] != "" && len(w) < 1000 {
				cur = next[cur]
				w = append(w, cur)
			}
			w = append(w, g.nodes[cur].Direct[c])
			out[path] = append(out[path], Reach{Cap: c, Witness: w, Indirect: indirect[path]})
		}
	}
	for path := range out {
		rs := out[path]
		sort.Slice(rs, func(i, j int) bool { return rs[i].Cap.Rank() < rs[j].Cap.Rank() })
	}
	return out
}

type revEdge struct {
	from     string
	indirect bool
}
