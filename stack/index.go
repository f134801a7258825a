package stack

import (
	"math"
	"sort"

	"gopkg.in/yaml.v3"
)

// index knows on which lines the functions and their fields are written,
// so that problems found after decoding can point at them.
type index struct {
	functions []fnSpan // in file order, so by line
	byName    map[string]int
	// end is the last line that belongs to the functions map.
	end int
}

type fnSpan struct {
	name   string
	line   int
	fields []keyLine // in file order
}

type keyLine struct {
	key  string
	line int
}

func newIndex(doc *yaml.Node) *index {
	idx := &index{byName: map[string]int{}}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return idx
	}
	root := doc.Content[0]
	idx.end = math.MaxInt
	found := false
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		if found {
			idx.end = k.Line - 1
			break
		}
		if k.Value != "functions" || v.Kind != yaml.MappingNode {
			continue
		}
		found = true
		for j := 0; j+1 < len(v.Content); j += 2 {
			fk, fv := v.Content[j], v.Content[j+1]
			span := fnSpan{name: fk.Value, line: fk.Line}
			if fv.Kind == yaml.MappingNode {
				for f := 0; f+1 < len(fv.Content); f += 2 {
					span.fields = append(span.fields, keyLine{fv.Content[f].Value, fv.Content[f].Line})
				}
			}
			if _, dup := idx.byName[span.name]; !dup {
				idx.byName[span.name] = len(idx.functions)
			}
			idx.functions = append(idx.functions, span)
		}
	}
	return idx
}

// at names the function and the field written at line, if any.
func (idx *index) at(line int) (fn, field string) {
	if idx == nil || line > idx.end {
		return "", ""
	}
	// Spans and their fields are in line order: the last one starting at
	// or before line holds it.
	i := sort.Search(len(idx.functions), func(i int) bool { return idx.functions[i].line > line })
	if i == 0 {
		return "", ""
	}
	span := &idx.functions[i-1]
	if j := sort.Search(len(span.fields), func(j int) bool { return span.fields[j].line > line }); j > 0 {
		field = span.fields[j-1].key
	}
	return span.name, field
}

// line is where function fn is written, 0 if unknown.
func (idx *index) line(fn string) int {
	if s := idx.span(fn); s != nil {
		return s.line
	}
	return 0
}

// fieldLine is where field of function fn is written, else where fn is.
func (idx *index) fieldLine(fn, field string) int {
	s := idx.span(fn)
	if s == nil {
		return 0
	}
	if l := s.fieldLine(field); l > 0 {
		return l
	}
	return s.line
}

func (idx *index) span(fn string) *fnSpan {
	if idx == nil {
		return nil
	}
	if i, ok := idx.byName[fn]; ok {
		return &idx.functions[i]
	}
	return nil
}

func (s *fnSpan) fieldLine(field string) int {
	for _, f := range s.fields {
		if f.key == field {
			return f.line
		}
	}
	return 0
}
