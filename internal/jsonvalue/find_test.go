package jsonvalue

import (
	"reflect"
	"testing"
)

// paths are the paths every sample is searched at.
var paths = [][]string{nil, {"a"}, {"a", "0"}, {"0"}, {"a", "b"}, {"c"}, {"address", "city"}, {"id"}, {"a", "0", "b"}}

func TestFindRawAgreesWithDecode(t *testing.T) {
	t.Parallel()
	for _, s := range append(samples,
		`{"a": {"b": "x"}, "a": {"b": "last"}}`,
		`{"a": [{"b": 1}, 2], "c": "\u00e9"}`,
		`{"\u0061": "escaped name", "id": 7}`,
		`[10, 20]`,
	) {
		checkFindRaw(t, []byte(s))
	}
}

func TestFindRawSaysWhatIsMissing(t *testing.T) {
	t.Parallel()
	doc := []byte(`{"data": {"item": {"id": "42", "tags": ["a", "b"]}}}`)
	for _, c := range []struct {
		path  []string
		want  string
		found bool
	}{
		{[]string{"data", "item", "id"}, `"42"`, true},
		{[]string{"data", "item", "tags", "1"}, `"b"`, true},
		{[]string{"data", "item", "tags", "2"}, ``, false},
		{[]string{"data", "item", "id", "x"}, ``, false},
		{[]string{"data", "nothing"}, ``, false},
	} {
		raw, found, err := FindRaw(doc, c.path)
		if err != nil || found != c.found || string(raw) != c.want {
			t.Errorf("FindRaw(%v) = %q, %v, %v; want %q, %v", c.path, raw, found, err, c.want, c.found)
		}
	}
}

func FuzzFindRaw(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkFindRaw(t, data) })
}

// checkFindRaw fails unless FindRaw refuses what Decode refuses and finds,
// at each of paths, the bytes of what Decode has there.
func checkFindRaw(t *testing.T, data []byte) {
	t.Helper()
	whole, derr := Decode(data)
	for _, p := range paths {
		raw, found, err := FindRaw(data, p)
		if (err != nil) != (derr != nil) {
			t.Fatalf("FindRaw(%q, %v): %v; Decode: %v", data, p, err, derr)
		}
		if err != nil {
			continue
		}
		want, ok := Path(p).Lookup(whole)
		if found != ok {
			t.Fatalf("FindRaw(%q, %v) found = %v, want %v", data, p, found, ok)
		}
		if !found {
			continue
		}
		got, err := Decode(raw)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Fatalf("FindRaw(%q, %v) = %q (%v), want the bytes of %#v", data, p, raw, err, want)
		}
	}
}

// BenchmarkFindRaw takes the id out of a write's answer: a record of ten
// fields with the id after most of them, as encoding/json orders keys.
func BenchmarkFindRaw(b *testing.B) {
	doc := []byte(`{"active":true,"address":{"city":"Berlin","street":"Musterstraße 12","zip":"10011"},` +
		`"amount":"511.30","area":31.25,"externalId":"item-0000011","id":"p-000000011",` +
		`"since":"2024-01-31","source":"home","title":"Musterstraße Objekt 11"}`)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, found, err := FindRaw(doc, []string{"id"}); !found || err != nil {
			b.Fatal(found, err)
		}
	}
}
