package local

// Parents returns the codes of a concept's direct parents, in order: the
// concept it is nested in, then those named by parent properties and by
// other concepts' child properties, in document order.
func (s *System) Parents(code string) []string {
	i, ok := s.lookup(code)
	if !ok {
		return nil
	}
	return s.codes(s.parents[i])
}

// Children returns the codes of a concept's direct children, in order:
// nested concepts, then those linked by child and parent properties, in
// document order.
func (s *System) Children(code string) []string {
	i, ok := s.lookup(code)
	if !ok {
		return nil
	}
	return s.codes(s.children[i])
}

// Subsumes reports whether a is b or an ancestor of b. Unknown codes
// subsume nothing.
func (s *System) Subsumes(a, b string) bool {
	ia, ok := s.lookup(a)
	if !ok {
		return false
	}
	ib, ok := s.lookup(b)
	if !ok {
		return false
	}
	// Walk up from b: ancestors are few, so no set of the whole system.
	seen := map[int]bool{ib: true}
	stack := []int{ib}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n == ia {
			return true
		}
		for _, p := range s.parents[n] {
			if !seen[p] {
				seen[p] = true
				stack = append(stack, p)
			}
		}
	}
	return false
}

func (s *System) codes(idx []int) []string {
	if len(idx) == 0 {
		return nil
	}
	out := make([]string, len(idx))
	for k, i := range idx {
		out[k] = s.concepts[i].Code
	}
	return out
}

// closure returns the set of concepts reachable from i along edges (the
// children for descendants, the parents for ancestors), i included.
func (s *System) closure(i int, edges [][]int) []bool {
	seen := make([]bool, len(s.concepts))
	seen[i] = true
	stack := []int{i}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, m := range edges[n] {
			if !seen[m] {
				seen[m] = true
				stack = append(stack, m)
			}
		}
	}
	return seen
}
