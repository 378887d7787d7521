package engine

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/transforms"
)

func TestHashPayloadIgnoresKeyOrderButNotValues(t *testing.T) {
	t.Parallel()
	var a, b, c map[string]any
	for s, dst := range map[string]*map[string]any{
		`{"x": 1, "y": {"p": "a", "q": [1, 2]}}`: &a,
		`{"y": {"q": [1, 2], "p": "a"}, "x": 1}`: &b,
		`{"y": {"q": [2, 1], "p": "a"}, "x": 1}`: &c,
	} {
		rec, err := decodeRecord([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		*dst = rec
	}
	ha, pa := hashPayload(a)
	hb, pb := hashPayload(b)
	hc, _ := hashPayload(c)
	if ha != hb || len(ha) != hashLen {
		t.Errorf("hashes of equal payloads differ: %s %s", ha, hb)
	}
	if ha == hc {
		t.Errorf("an array in another order hashes the same: %s", ha)
	}
	if d := cmp.Diff(pa, pb, cmp.AllowUnexported(fieldPrint{})); d != "" {
		t.Errorf("fingerprints (-a +b):\n%s", d)
	}
	// A string and a number of the same text are different values.
	hs, _ := hashPayload(map[string]any{"x": "1"})
	hn, _ := hashPayload(map[string]any{"x": json.Number("1")})
	if hs == hn {
		t.Errorf("\"1\" and 1 hash the same")
	}
}

func TestMemoRoundTripAndFieldDiff(t *testing.T) {
	t.Parallel()
	old := map[string]any{"name": "A", "city": "Berlin", "gone": true}
	_, prints := hashPayload(old)
	m := memo{input: strings.Repeat("a", hashLen), payload: strings.Repeat("b", hashLen), prints: prints}
	back := decodeMemo(m.encode())
	if d := cmp.Diff(m, back, cmp.AllowUnexported(memo{}, fieldPrint{})); d != "" {
		t.Fatalf("memo round trip (-want +got):\n%s", d)
	}
	got := diffFields(back.prints, map[string]any{"name": "B", "city": "Berlin", "zip": "10115"})
	want := []FieldChange{
		{Field: "name", Change: "changed", New: "B"},
		{Field: "zip", Change: "added", New: "10115"},
		{Field: "gone", Change: "removed"},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("diff (-want +got):\n%s", d)
	}
	if m := decodeMemo("short"); m.input != "" || m.prints != nil {
		t.Errorf("a damaged memo decodes to %+v", m)
	}
}

func TestMaskedMessageHidesPersonalValues(t *testing.T) {
	t.Parallel()
	err := &transforms.RecordError{Fields: []transforms.FieldError{
		{Field: "/email", Value: "erika@example.com", Err: errors.New("not an address")},
		{Field: "/rent", Filter: "decimal", Err: &transforms.FilterError{Filter: "decimal", Value: "12,x", Err: errors.New("not a number")}},
	}}
	msg := maskedMessage(err, map[string]bool{"email": true})
	if strings.Contains(msg, "erika@example.com") || !strings.Contains(msg, "er***") || !strings.Contains(msg, "12,x") {
		t.Errorf("masked message: %s", msg)
	}
}

func TestInputSumTellsInputsApart(t *testing.T) {
	t.Parallel()
	base := func() map[string]any {
		return map[string]any{"id": "b1", "name": "Haus", "floors": json.Number("3"), "tags": []any{"a", "b"},
			"address": map[string]any{"street": "Weg 1", "zip": "10115"}, "active": true, "note": nil}
	}
	same := map[string]any{}
	for k, v := range base() { // another insertion order
		same[k] = v
	}
	if inputSum(base()) != inputSum(same) {
		t.Fatal("equal records hash differently")
	}
	changes := map[string]func(m map[string]any){
		"value":          func(m map[string]any) { m["name"] = "Hof" },
		"number as text": func(m map[string]any) { m["floors"] = "3" },
		"swapped values": func(m map[string]any) { m["id"], m["name"] = m["name"], m["id"] },
		"renamed key":    func(m map[string]any) { m["title"] = m["name"]; delete(m, "name") },
		"nested value":   func(m map[string]any) { m["address"] = map[string]any{"street": "Weg 2", "zip": "10115"} },
		"list order":     func(m map[string]any) { m["tags"] = []any{"b", "a"} },
		"list length":    func(m map[string]any) { m["tags"] = []any{"a", "b", "b"} },
		"bool":           func(m map[string]any) { m["active"] = false },
		"null to empty":  func(m map[string]any) { m["note"] = "" },
		"added field":    func(m map[string]any) { m["extra"] = nil },
	}
	seen := map[uint64]string{inputSum(base()): "unchanged"}
	for name, change := range changes {
		m := base()
		change(m)
		sum := inputSum(m)
		if other, dup := seen[sum]; dup {
			t.Errorf("%s hashes like %s", name, other)
		}
		seen[sum] = name
	}
}
