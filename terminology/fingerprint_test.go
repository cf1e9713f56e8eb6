package terminology_test

import (
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hcpcs-server/hcpcs-server/terminology"
)

func fpRelease(t *testing.T, version string, sources []string, notes map[string]string, concepts ...*terminology.Concept) *terminology.Release {
	t.Helper()
	r, err := terminology.NewRelease(version, sources, concepts, notes)
	require.NoError(t, err)
	return r
}

func fpSnapshot(t *testing.T, rs ...*terminology.Release) *terminology.Snapshot {
	t.Helper()
	s, err := terminology.NewSnapshot(rs)
	require.NoError(t, err)
	return s
}

func baseConcept() *terminology.Concept {
	return &terminology.Concept{Code: "A0001", Kind: terminology.Procedure, LongDescription: "Long", ShortDescription: "Short"}
}

func TestFingerprintStableAcrossLoads(t *testing.T) {
	a := fpSnapshot(t,
		fpRelease(t, "2025-01", []string{"/data/a/HCPC2025_JAN_ANWEB.txt"}, map[string]string{"0001": "x", "0002": "y"}, baseConcept()),
		fpRelease(t, "2025-04", []string{"/data/a/HCPC2025_APR_ANWEB.txt"}, nil, baseConcept()))
	// Same content, other directories, releases given in another order.
	b := fpSnapshot(t,
		fpRelease(t, "2025-04", []string{`C:\srv\HCPC2025_APR_ANWEB.txt`}, nil, baseConcept()),
		fpRelease(t, "2025-01", []string{"/mnt/HCPC2025_JAN_ANWEB.txt"}, map[string]string{"0002": "y", "0001": "x"}, baseConcept()))
	require.Len(t, a.Fingerprint(), 64)
	require.Equal(t, a.Fingerprint(), b.Fingerprint())
	require.Equal(t, a.Fingerprint(), a.Fingerprint())
}

func TestFingerprintChangesWithData(t *testing.T) {
	base := fpSnapshot(t, fpRelease(t, "2025-01", []string{"a.txt"}, nil, baseConcept())).Fingerprint()
	two := baseConcept()
	two.Code = "A0002"
	for name, s := range map[string]*terminology.Snapshot{
		"version":         fpSnapshot(t, fpRelease(t, "2025-04", []string{"a.txt"}, nil, baseConcept())),
		"source name":     fpSnapshot(t, fpRelease(t, "2025-01", []string{"b.txt"}, nil, baseConcept())),
		"processing note": fpSnapshot(t, fpRelease(t, "2025-01", []string{"a.txt"}, map[string]string{"0001": "x"}, baseConcept())),
		"another concept": fpSnapshot(t, fpRelease(t, "2025-01", []string{"a.txt"}, nil, baseConcept(), two)),
		"another release": fpSnapshot(t, fpRelease(t, "2025-01", []string{"a.txt"}, nil, baseConcept()),
			fpRelease(t, "2025-04", []string{"a.txt"}, nil, baseConcept())),
	} {
		require.NotEqual(t, base, s.Fingerprint(), name)
	}
}

// TestFingerprintCoversEveryConceptField sets each field of Concept in turn
// and requires the fingerprint to change: a field added to Concept but not
// to the hash fails here.
func TestFingerprintCoversEveryConceptField(t *testing.T) {
	base := fpSnapshot(t, fpRelease(t, "2025-01", nil, nil, baseConcept())).Fingerprint()
	typ := reflect.TypeFor[terminology.Concept]()
	seen := map[string]bool{}
	for i := range typ.NumField() {
		f := typ.Field(i)
		c := baseConcept()
		v := reflect.ValueOf(c).Elem().Field(i)
		switch {
		case f.Type == reflect.TypeFor[time.Time]():
			v.Set(reflect.ValueOf(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)))
		case f.Type == reflect.TypeFor[*int]():
			n := 0 // zero, not nil: present-but-zero must differ from blank
			v.Set(reflect.ValueOf(&n))
		case f.Type.Kind() == reflect.String:
			v.SetString(v.String() + "Z")
		case f.Type.Kind() == reflect.Int:
			v.SetInt(v.Int() + 1)
		case f.Type.Kind() == reflect.Slice && f.Type.Elem().Kind() == reflect.String:
			v.Set(reflect.ValueOf([]string{""})) // one blank column differs from none
		default:
			t.Fatalf("Concept.%s has type %s, which this test (and probably Fingerprint) does not handle", f.Name, f.Type)
		}
		fp := fpSnapshot(t, fpRelease(t, "2025-01", nil, nil, c)).Fingerprint()
		require.NotEqual(t, base, fp, "changing Concept.%s does not change the fingerprint: add it to fpWriter.concept", f.Name)
		require.False(t, seen[fp], "Concept.%s gives the same fingerprint as another field", f.Name)
		seen[fp] = true
	}
}

func TestFingerprintConcurrent(t *testing.T) {
	s := fpSnapshot(t, fpRelease(t, "2025-01", nil, nil, baseConcept()))
	var wg sync.WaitGroup
	got := make([]string, 16)
	for i := range got {
		wg.Go(func() { got[i] = s.Fingerprint() })
	}
	wg.Wait()
	for _, fp := range got {
		require.Equal(t, got[0], fp)
	}
}
