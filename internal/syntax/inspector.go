package syntax

// Inspector is Inspect with a stack it keeps between calls: a stage that
// visits many small trees (every function body of a crate, every block
// of a body) allocates its stack once. Calls may nest (the visit function
// may call Inspect of the same Inspector on a subtree): each call works
// above the part of the stack that the calls enclosing it use. An
// Inspector must not be used by two goroutines at once.
type Inspector struct {
	c collector
}

// Inspect traverses the tree rooted at n like the package's Inspect.
func (in *Inspector) Inspect(n Node, f func(Node) bool) {
	if isNil(n) {
		return
	}
	base := len(in.c.out)
	in.c.out = append(in.c.out, n)
	in.run(base, f)
}

// InspectChildren traverses the trees rooted at the children of n, in
// order, as Inspect does; n itself is not visited.
func (in *Inspector) InspectChildren(n Node, f func(Node) bool) {
	if isNil(n) {
		return
	}
	base := len(in.c.out)
	in.c.children(n)
	out := in.c.out
	for i, j := base, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	in.run(base, f)
}

// run pops and visits nodes until the stack is back at base.
func (in *Inspector) run(base int, f func(Node) bool) {
	for len(in.c.out) > base {
		n := in.c.out[len(in.c.out)-1]
		in.c.out = in.c.out[:len(in.c.out)-1]
		if !f(n) {
			continue
		}
		from := len(in.c.out)
		in.c.children(n)
		out := in.c.out
		for i, j := from, len(out)-1; i < j; i, j = i+1, j-1 {
			out[i], out[j] = out[j], out[i]
		}
	}
}
