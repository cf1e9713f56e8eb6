package terminology

import (
	"fmt"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// filledConcept sets every field of a Concept, found by reflection, to a
// value that names the field and n, so that a field added to Concept later
// is filled here without this test knowing of it.
func filledConcept(t *testing.T, n int) *Concept {
	t.Helper()
	c := &Concept{}
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, name := v.Field(i), v.Type().Field(i).Name
		val := fmt.Sprintf("%s-%d", name, n)
		switch {
		case f.Kind() == reflect.String:
			f.SetString(val)
		case f.Type() == reflect.TypeOf([]string(nil)):
			f.Set(reflect.ValueOf([]string{val + "a", "", val + "c"}))
		case f.Type() == reflect.TypeOf(time.Time{}):
			f.Set(reflect.ValueOf(time.Date(2000+n, time.Month(1+i%12), 1+i, 0, 0, 0, 0, time.UTC)))
		case f.Type() == reflect.TypeOf(Kind(0)):
			f.Set(reflect.ValueOf(Modifier))
		case f.Type() == reflect.TypeOf((*int)(nil)):
			units := 10*n + i
			f.Set(reflect.ValueOf(&units))
		default:
			t.Fatalf("Concept.%s has type %s, which this test cannot fill: teach filledConcept and packConcepts about it", name, f.Type())
		}
	}
	return c
}

// arenaStrings returns every non-empty string reachable from c's fields, found
// by reflection.
func arenaStrings(c *Concept) map[string]string {
	out := map[string]string{}
	v := reflect.ValueOf(c).Elem()
	for i := 0; i < v.NumField(); i++ {
		f, name := v.Field(i), v.Type().Field(i).Name
		switch {
		case f.Kind() == reflect.String:
			out[name] = f.String()
		case f.Type() == reflect.TypeOf([]string(nil)):
			for j := 0; j < f.Len(); j++ {
				out[fmt.Sprintf("%s[%d]", name, j)] = f.Index(j).String()
			}
		}
	}
	return out
}

func TestPackConcepts(t *testing.T) {
	var in, want []*Concept
	for n := range 3 {
		in = append(in, filledConcept(t, n))
		want = append(want, filledConcept(t, n))
	}
	in = append(in, &Concept{Code: "A0001", Kind: Procedure}) // blank columns stay blank and nil
	want = append(want, &Concept{Code: "A0001", Kind: Procedure})

	out := packConcepts(in)
	require.Len(t, out, len(want))
	for i := range want {
		assert.Equal(t, want[i], out[i], "concept %d changed in packing", i)
		assert.NotSame(t, in[i], out[i])
	}
	assert.Nil(t, out[3].PricingIndicators)
	assert.Nil(t, out[3].AnesthesiaBaseUnits)

	// Every string of every concept lies in one block of memory, and so do
	// the concepts themselves: that is what packing is for.
	var lo, hi uintptr
	for _, c := range out {
		for _, s := range arenaStrings(c) {
			if s == "" {
				continue
			}
			p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
			if lo == 0 || p < lo {
				lo = p
			}
			hi = max(hi, p+uintptr(len(s)))
		}
	}
	var total int
	for _, c := range want {
		for _, s := range arenaStrings(c) {
			total += len(s)
		}
	}
	assert.Equal(t, uintptr(total), hi-lo, "the strings are not one contiguous text: a string field is not packed")
	for i := 1; i < len(out); i++ {
		assert.Equal(t, unsafe.Sizeof(Concept{}), uintptr(unsafe.Pointer(out[i]))-uintptr(unsafe.Pointer(out[i-1])),
			"the concepts are not one array")
	}

	// An append to a packed slice must not write into the next concept's,
	// which follows it in the same array.
	_ = append(out[0].TypesOfService, "X")
	assert.Equal(t, want[1].PricingIndicators, out[1].PricingIndicators)
}

func TestNewReleasePacks(t *testing.T) {
	given := &Concept{Code: "A0001", Kind: Procedure, LongDescription: "Ambulance", PricingIndicators: []string{"11"}}
	r, err := NewRelease("2025-10", nil, []*Concept{given}, nil)
	require.NoError(t, err)
	got, ok := r.Concept("A0001")
	require.True(t, ok)
	assert.Equal(t, given, got)
	assert.Same(t, r.Concepts[0], got)
	given.LongDescription = "changed by the caller"
	assert.Equal(t, "Ambulance", got.LongDescription, "the release must keep its own copy")
}
