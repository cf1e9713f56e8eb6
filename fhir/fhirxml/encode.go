package fhirxml

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
)

const (
	fhirNS  = "http://hl7.org/fhir"
	xhtmlNS = "http://www.w3.org/1999/xhtml"
)

// Error is a resource that cannot be converted: Path names the element in
// FHIRPath-like form (Parameters.parameter[2].valueCoding), Text says why.
type Error struct {
	Path string
	Text string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return "fhirxml: " + e.Text
	}
	return "fhirxml: " + e.Path + ": " + e.Text
}

// AppendXML appends the FHIR XML of the FHIR JSON resource src to dst.
// Elements follow StructureDefinition order whatever the JSON order;
// numbers keep their JSON spelling. A member that is not an element of its
// type, a value of the wrong JSON kind, or a resource type this package
// does not know is an *Error naming its path; dst is then returned as it
// was given.
func AppendXML(dst, src []byte) ([]byte, error) {
	return AppendXMLStreaming(dst, src, nil)
}

// StreamChunk is how much XML AppendXMLStreaming writes, at least, between
// two calls of its written.
const StreamChunk = 256 << 10

// AppendXMLStreaming is AppendXML that also hands the XML, as it goes, to
// written: between two items of the resource's arrays (the concepts of a
// CodeSystem), once at least StreamChunk bytes have been appended since the
// last call, and once at the end. The chunks, in order, make up the XML
// appended to dst; the encoder appends past each, never into it, so
// written may hand them to another goroutine (a compressor) that reads
// them while the rest is converted. On an error, the chunks already handed
// over are to be discarded.
func AppendXMLStreaming(dst, src []byte, written func(chunk []byte)) ([]byte, error) {
	e := encoderPool.Get().(*encoder)
	defer encoderPool.Put(e)
	root, err := parseJSON(src, &e.tree)
	if err != nil {
		return dst, &Error{Text: err.Error()}
	}
	e.buf, e.path, e.slots = dst, e.path[:0], e.slots[:0]
	n := len(dst)
	e.written, e.handed = written, n
	defer func() { e.written = nil }()
	if cap(e.buf)-n < len(src)*4/3 {
		e.buf = slices.Grow(e.buf, len(src)*3/2) // the XML runs to some 1.3 to 1.4 times the JSON
	}
	e.buf = append(e.buf, `<?xml version="1.0" encoding="UTF-8"?>`...)
	err = e.resource(root)
	out := e.buf
	e.buf = nil
	if err != nil {
		return dst[:n], err
	}
	if written != nil && e.handed < len(out) {
		written(out[e.handed:len(out):len(out)])
	}
	return out, nil
}

// handOver passes the XML written since the last call to e.written, once
// there is a chunk of it.
func (e *encoder) handOver() {
	if e.written != nil && len(e.buf)-e.handed >= StreamChunk {
		e.written(e.buf[e.handed:len(e.buf):len(e.buf)])
		e.handed = len(e.buf)
	}
}

// Encode writes the FHIR XML of the FHIR JSON resource src to w, in one
// Write: nothing is written when src cannot be converted.
func Encode(w io.Writer, src []byte) error {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	out, err := AppendXML((*bp)[:0], src)
	if err != nil {
		return err
	}
	*bp = out
	_, err = w.Write(out)
	return err
}

var (
	encoderPool = sync.Pool{New: func() any { return new(encoder) }}
	bufPool     = sync.Pool{New: func() any { return new([]byte) }}
)

type encoder struct {
	tree  jsonTree
	buf   []byte
	path  []pathStep // the elements down to the one being written, for errors
	slots []slot     // the members of the objects being written, each in order

	written func([]byte) // AppendXMLStreaming's
	handed  int          // e.buf[:handed] is handed to written
}

// pathStep is one element of a path: its name and, in an array, its index
// (-1 otherwise). Kept as bytes so that the path costs nothing until an
// error spells it.
type pathStep struct {
	name  []byte
	index int
}

func (e *encoder) push(name []byte) { e.path = append(e.path, pathStep{name: name, index: -1}) }
func (e *encoder) pop()             { e.path = e.path[:len(e.path)-1] }
func (e *encoder) at(i int)         { e.path[len(e.path)-1].index = i }

func (e *encoder) errorf(format string, args ...any) error {
	var b strings.Builder
	for i, s := range e.path {
		if i > 0 {
			b.WriteByte('.')
		}
		b.Write(s.name)
		if s.index >= 0 {
			fmt.Fprintf(&b, "[%d]", s.index)
		}
	}
	return &Error{Path: b.String(), Text: fmt.Sprintf(format, args...)}
}

// resource writes a resource element, named by its resourceType, with the
// FHIR namespace.
func (e *encoder) resource(v jsonValue) error {
	if v.kind != jsonObject {
		return e.errorf("a resource must be a JSON object")
	}
	var rt []byte
	for _, m := range e.tree.members(v) {
		if string(m.key) == "resourceType" {
			if m.val.kind != jsonString {
				return e.errorf("resourceType must be a string")
			}
			rt = m.val.text
		}
	}
	if rt == nil {
		return e.errorf("a resource without resourceType")
	}
	ti := resourceInfo(string(rt))
	if ti == nil {
		return e.errorf("the resource type %q is not one this server reads or writes", rt)
	}
	e.push([]byte(ti.name))
	e.buf = append(e.buf, '<')
	e.buf = append(e.buf, ti.name...)
	e.buf = append(e.buf, ` xmlns="`+fhirNS+`">`...)
	if _, err := e.children(ti, v, true); err != nil {
		return err
	}
	e.buf = append(e.buf, "</"...)
	e.buf = append(e.buf, ti.name...)
	e.buf = append(e.buf, '>')
	e.pop()
	return nil
}

// slot is one member of an object, placed by its element.
type slot struct {
	ref  fieldRef
	name []byte
	val  jsonValue
}

// order appends the members of obj to into sorted by element, a value before
// its _name; members that are XML attributes come first.
func (e *encoder) order(ti *typeInfo, obj jsonValue, isResource bool, into []slot) ([]slot, error) {
	base := len(into)
	for _, m := range e.tree.members(obj) {
		if isResource && string(m.key) == "resourceType" {
			continue
		}
		ref, ok := ti.field(m.key)
		if !ok {
			return nil, e.errorf("unknown element %q", m.key)
		}
		s := slot{ref: ref, name: m.key, val: m.val}
		if ref.under {
			s.name = m.key[1:]
		}
		// Insertion sort: objects have few members, and most come in order.
		i := len(into)
		if i == base || !less(s, into[i-1]) {
			into = append(into, s)
			continue
		}
		into = append(into, s)
		for i > base && less(s, into[i-1]) {
			into[i] = into[i-1]
			i--
		}
		into[i] = s
	}
	return into, nil
}

func less(a, b slot) bool {
	if a.ref.attr != b.ref.attr {
		return a.ref.attr
	}
	if a.ref.index != b.ref.index {
		return a.ref.index < b.ref.index
	}
	if c := bytes.Compare(a.name, b.name); c != 0 {
		return c < 0
	}
	return !a.ref.under && b.ref.under
}

// children writes the attributes of obj (when the start tag is still open,
// isResource false) and then its child elements. A non-resource start tag
// is closed by children: with "/>" when there are no child elements (empty
// true), else with ">" and the content.
func (e *encoder) children(ti *typeInfo, obj jsonValue, isResource bool) (empty bool, err error) {
	base := len(e.slots)
	slots, err := e.order(ti, obj, isResource, e.slots)
	if err != nil {
		return false, err
	}
	e.slots = slots
	// The slots of obj, which its children's own append after (and copy
	// elsewhere, when e.slots grows: these stay as they are).
	slots = slots[base:]
	defer func() { e.slots = e.slots[:base] }()
	i := 0
	if !isResource {
		for ; i < len(slots) && slots[i].ref.attr; i++ {
			s := slots[i]
			if s.val.kind != jsonString {
				e.push(s.name)
				return false, e.errorf("must be a string")
			}
			if err := e.attr(string(s.name), s.val.text); err != nil {
				return false, err
			}
		}
		if i == len(slots) {
			e.buf = append(e.buf, "/>"...)
			return true, nil
		}
		e.buf = append(e.buf, '>')
	}
	for i < len(slots) {
		s := slots[i]
		el := ti.elements[s.ref.index]
		e.push(s.name)
		if el.choice && slices.ContainsFunc(slots[i:], func(o slot) bool {
			return o.ref.index == s.ref.index && string(o.name) != string(s.name)
		}) {
			return false, e.errorf("more than one %s[x]", el.name)
		}
		if s.ref.kind != 0 {
			var value, ext jsonValue
			hasValue, hasExt := false, false
			for ; i < len(slots) && slots[i].ref.index == s.ref.index && string(slots[i].name) == string(s.name); i++ {
				if slots[i].ref.under {
					ext, hasExt = slots[i].val, true
				} else {
					value, hasValue = slots[i].val, true
				}
			}
			if err := e.primitives(el, s.name, s.ref, value, hasValue, ext, hasExt); err != nil {
				return false, err
			}
		} else {
			i++
			if err := e.complexes(el, s.name, s.ref, s.val); err != nil {
				return false, err
			}
		}
		e.pop()
	}
	return false, nil
}
