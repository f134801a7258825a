package stack

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// maxAliasExpansion is how many values aliases (*name) may add to a stack
// file once expanded. Real files use a few anchors for shared settings:
// hundreds of values at most. A "billion laughs" file nests aliases of
// aliases to grow exponentially; yaml.v3 stops one only after hundreds
// of thousands of decode steps, with a message that does not say why.
const maxAliasExpansion = 100_000

// expansionCap keeps the sizes added up from overflowing: anything above
// it is refused anyway.
const expansionCap = 1 << 40

// checkAliases reports an alias that refers to a node containing it (a
// cycle, which would expand forever) and a document whose aliases would
// add more than maxAliasExpansion values. It reads the document as
// parsed, where an alias is a single node, and sizes each node once, so
// that it costs what the file's length does, whatever the file expands
// to.
func checkAliases(doc *yaml.Node) (Problem, bool) {
	w := aliasWalk{size: map[*yaml.Node]int64{}, open: map[*yaml.Node]bool{}}
	total := w.expand(doc)
	if w.cycle != nil {
		return Problem{Line: w.cycle.Line, Msg: "alias *" + w.cycle.Value +
			" is inside the anchor &" + w.cycle.Value + " it refers to: the file would never end"}, false
	}
	if total-w.literal > maxAliasExpansion {
		return Problem{Line: w.largest.Line, Msg: fmt.Sprintf("alias *%s and the aliases in it expand the file by more than %d values: use fewer aliases of aliases",
			w.largest.Value, maxAliasExpansion)}, false
	}
	return Problem{}, true
}

// aliasWalk sizes the nodes of a document as if its aliases were
// expanded. Only anchored nodes can be aliased, so only theirs are kept:
// the walk is in document order, where an anchor comes before its
// aliases, so an alias's anchor is either sized already or open.
type aliasWalk struct {
	// size is each anchored node's expanded size, once known.
	size map[*yaml.Node]int64
	// open holds the anchored nodes being sized: an alias to one of them
	// is a cycle.
	open map[*yaml.Node]bool
	// literal counts the nodes as written.
	literal int64
	// cycle is the first alias found inside its own anchor.
	cycle *yaml.Node
	// largest is the alias that expands most, largestSize its size.
	largest     *yaml.Node
	largestSize int64
}

func (w *aliasWalk) expand(n *yaml.Node) int64 {
	if n == nil || w.cycle != nil {
		return 0
	}
	if n.Anchor != "" {
		if s, ok := w.size[n]; ok {
			return s
		}
		w.open[n] = true
		defer delete(w.open, n)
	}
	w.literal++
	var s int64 = 1
	if n.Kind == yaml.AliasNode {
		if w.open[n.Alias] {
			w.cycle = n
			return 0
		}
		s = w.expand(n.Alias)
		if s > w.largestSize {
			w.largest, w.largestSize = n, s
		}
	}
	for _, c := range n.Content {
		s = min(s+w.expand(c), expansionCap)
	}
	if n.Anchor != "" {
		w.size[n] = s
	}
	return s
}
