// Package graph propagates capabilities through call graphs: for each
// function, the capabilities it reaches through calls (within a crate,
// or across a whole dependency tree), each with one shortest witness
// path that prefers strong evidence.
package graph

import (
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
	To Key
	// Indirect marks a call that may reach the callee but not
	// necessarily: a function used as a value, a trait method linked to
	// an impl, a name match.
	Indirect bool
	// Weak marks a call matched by method name only (the receiver's
	// type unknown): what it reaches is reported, but gates ignore it.
	Weak bool
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
	// Weak reports that every witness Warden found relies on a name
	// match (a weak effect or a weak edge).
	Weak bool
}

// Graph is a call graph. Nodes are numbered in the order they were
// added, which fixes the order of every search (so witnesses are
// deterministic).
type Graph struct {
	index map[Key]int32
	nodes []*Node
}

// New returns an empty graph.
func New() *Graph { return &Graph{index: map[Key]int32{}} }

// Node returns the node for k, creating it.
func (g *Graph) Node(k Key) *Node {
	if i, ok := g.index[k]; ok {
		return g.nodes[i]
	}
	n := &Node{Key: k, Direct: map[model.Capability]string{}, Weak: map[model.Capability]bool{}}
	g.index[k] = int32(len(g.nodes))
	g.nodes = append(g.nodes, n)
	return n
}

// Has reports whether k is a node of the graph.
func (g *Graph) Has(k Key) bool {
	_, ok := g.index[k]
	return ok
}

// Reachability holds, for each capability, the shortest-witness tree
// toward it: what each node reaches is read with Of, which builds the
// witness paths of one node only when asked.
type Reachability struct {
	g    *Graph
	caps []model.Capability // in rank order
	// next[c][n] is the node after n on the chosen path from n to an
	// effect of caps[c]: n itself at the node with the effect, -1 when n
	// does not reach it (or is outside the searched part). nil when no
	// node reaches caps[c].
	next     [][]int32
	indirect [][]bool
	weak     [][]bool
}

// Reachable computes, for every node, the capabilities it reaches (its
// own included), each with a shortest witness path. It runs one
// breadth-first search per capability over reversed edges, so its cost
// is O(capabilities x (nodes + edges)).
func (g *Graph) Reachable() *Reachability { return g.reachable(nil) }

// ReachableFrom is Reachable for the nodes that the starts reach by
// calls (the starts included); Of says nothing of the other nodes. Since
// every path from such a node stays among them, their results are those
// of Reachable, at the cost of the part of the graph they can reach: a
// package's functions in the graph of its whole dependency tree.
func (g *Graph) ReachableFrom(starts []Key) *Reachability {
	in := make([]bool, len(g.nodes))
	var stack []int32
	for _, k := range starts {
		if i, ok := g.index[k]; ok && !in[i] {
			in[i] = true
			stack = append(stack, i)
		}
	}
	for len(stack) > 0 {
		n := g.nodes[stack[len(stack)-1]]
		stack = stack[:len(stack)-1]
		for _, e := range n.Calls {
			if j, ok := g.index[e.To]; ok && !in[j] {
				in[j] = true
				stack = append(stack, j)
			}
		}
	}
	return g.reachable(in)
}

// reachable searches the nodes marked in (all when in is nil).
func (g *Graph) reachable(in []bool) *Reachability {
	member := func(i int32) bool { return in == nil || in[i] }
	// rev[n] lists the callers of n, in the order nodes were added.
	rev := make([][]revEdge, len(g.nodes))
	for i, n := range g.nodes {
		if !member(int32(i)) {
			continue
		}
		for _, e := range n.Calls {
			if j, ok := g.index[e.To]; ok {
				rev[j] = append(rev[j], revEdge{from: int32(i), indirect: e.Indirect || e.Weak, weak: e.Weak})
			}
		}
	}
	r := &Reachability{g: g, caps: model.SortCaps(append([]model.Capability(nil), model.All...))}
	r.next = make([][]int32, len(r.caps))
	r.indirect = make([][]bool, len(r.caps))
	r.weak = make([][]bool, len(r.caps))
	for ci, c := range r.caps {
		var next []int32
		var indirect, weakOf []bool
		var order []int32 // reached nodes, nearest first
		// bfs extends the paths from the nodes of queue over reversed
		// edges: direct ones (level 0), also indirect ones (level 1),
		// also name matches (level 2).
		bfs := func(queue []int32, level int) {
			for len(queue) > 0 {
				cur := queue[0]
				queue = queue[1:]
				for _, e := range rev[cur] {
					if next[e.from] >= 0 || e.indirect && level < 1 || e.weak && level < 2 {
						continue
					}
					next[e.from] = cur
					indirect[e.from] = indirect[cur] || e.indirect
					weakOf[e.from] = weakOf[cur] || e.weak
					queue = append(queue, e.from)
					order = append(order, e.from)
				}
			}
		}
		// Witnesses prefer strong evidence (a modelled call) to weak (a
		// method matched by name only), and then calls resolved by path
		// or type to indirect ones (function values, trait impls), and
		// those to name matches: a path of the stronger kind is chosen
		// even when it is longer. Each round reaches only what the
		// rounds before did not.
		for _, weak := range []bool{false, true} {
			var sources []int32
			for i, n := range g.nodes {
				if !member(int32(i)) {
					continue
				}
				if _, ok := n.Direct[c]; !ok || n.Weak[c] != weak {
					continue
				}
				if next == nil {
					next = make([]int32, len(g.nodes))
					for j := range next {
						next[j] = -1
					}
					indirect = make([]bool, len(g.nodes))
					weakOf = make([]bool, len(g.nodes))
				}
				if next[i] < 0 {
					next[i] = int32(i)
					weakOf[i] = weak
					sources = append(sources, int32(i))
					order = append(order, int32(i))
				}
			}
			if next == nil {
				continue
			}
			bfs(sources, 0)
			bfs(append([]int32(nil), order...), 1)
		}
		if next != nil {
			bfs(append([]int32(nil), order...), 2)
		}
		r.next[ci], r.indirect[ci], r.weak[ci] = next, indirect, weakOf
	}
	return r
}

// Of returns the capabilities k reaches in rank order, each with its
// witness; nil for a node outside the graph or the searched part.
func (r *Reachability) Of(k Key) []Reach {
	n, ok := r.g.index[k]
	if !ok {
		return nil
	}
	var out []Reach
	for ci, c := range r.caps {
		next := r.next[ci]
		if next == nil || next[n] < 0 {
			continue
		}
		path := []Key{k}
		cur := n
		for next[cur] != cur && len(path) < 1000 {
			cur = next[cur]
			path = append(path, r.g.nodes[cur].Key)
		}
		out = append(out, Reach{Cap: c, Path: path, Callee: r.g.nodes[cur].Direct[c], Indirect: r.indirect[ci][n], Weak: r.weak[ci][n]})
	}
	return out
}

type revEdge struct {
	from           int32
	indirect, weak bool
}
