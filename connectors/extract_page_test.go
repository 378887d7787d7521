package connectors

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// TestScanPageFindsWhatRecordsFinds reads bodies both ways, decoded whole
// then records, and scanned then decoded record by record: the same
// records or the same error, and the envelope is the body without the
// arrays holding them.
func TestScanPageFindsWhatRecordsFinds(t *testing.T) {
	t.Parallel()
	bodies := []string{
		`{"data": {"units": {"edges": [{"node": {"id": "a"}, "cursor": "1"}, {"node": {"id": "b"}}], "pageInfo": {"end": "2"}}, "empty": null, "list": [{"id": "c"}], "bad": [{"id": "d"}, 1], "one": {"id": "e"}, "s": "x"}, "next": "/p2"}`,
		`{"items": [{"id": 1}], "items": [{"id": 2}, {"id": 3}], "total": 3}`,
		`{"items": 5, "items": [{"id": 2}]}`,
		`{"total": 2, "items": [{"id": "a", "tags": ["x", {"y": null}]}, {"id": "b"}]}`,
		`[{"id": 1}, {"id": 2}]`,
		`[[{"id": 1}], [{"id": 2}]]`,
		`[]`, `null`, `{}`, `"text"`, ``, "  \n",
	}
	paths := []string{"", "data.units.edges.node", "data.list", "data.empty", "data.empty.items", "data.nope",
		"data.bad", "data.one", "data.s", "data.s.x", "items", "items.0", "data.list.0.id", "0", "1.0", "data.units"}
	for _, body := range bodies {
		whole, err := jsonvalue.DecodeString(body)
		if body == "" || body == "  \n" {
			whole, err = nil, nil
		}
		if err != nil {
			t.Fatalf("%q: %v", body, err)
		}
		for _, ps := range paths {
			p := jsonvalue.ParsePath(ps)
			want, wantErr := records(p, whole)
			layout, err := scanPage(p, body)
			if err != nil {
				t.Errorf("scanPage(%q, %q): %v", ps, body, err)
				continue
			}
			got, _, err := decodeRecords(body, layout.records)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(layout.err) != fmt.Sprint(wantErr) {
				t.Errorf("scanPage(%q, %q): error %v; records: %v", ps, body, layout.err, wantErr)
			}
			if wantErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("scanPage(%q, %q) = %v; records: %v", ps, body, got, want)
			}
			env := layout.envelope(body)
			if len(layout.cuts) == 0 && env != body {
				t.Errorf("scanPage(%q, %q): envelope %q without cuts", ps, body, env)
			}
			if env != body {
				if _, err := jsonvalue.DecodeString(env); err != nil {
					t.Errorf("scanPage(%q, %q): envelope %q: %v", ps, body, env, err)
				}
			}
		}
	}
}

// TestScanPageEnvelope leaves the records out of the envelope, and
// keeps what paging and stop rules read, before and after them.
func TestScanPageEnvelope(t *testing.T) {
	t.Parallel()
	body := `{"meta": {"total": 2}, "data": {"edges": [{"node": {"id": "a"}}, {"node": {"id": "b"}}], "pageInfo": {"endCursor": "c2"}}, "links": {"next": "/p2"}}`
	layout, err := scanPage(jsonvalue.ParsePath("data.edges.node"), body)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"meta": {"total": 2}, "data": {"edges": [], "pageInfo": {"endCursor": "c2"}}, "links": {"next": "/p2"}}`
	if got := layout.envelope(body); got != want {
		t.Errorf("envelope %s; want %s", got, want)
	}
	if len(layout.records) != 2 || body[layout.records[1].start:layout.records[1].end] != `{"id": "b"}` {
		t.Errorf("records %v", layout.records)
	}
}

// TestScanPageSyntaxErrors gives the error Decode gives, with its
// offset in the body, whether the fault is in a record or around them.
func TestScanPageSyntaxErrors(t *testing.T) {
	t.Parallel()
	for _, body := range []string{
		`{"items": [{"id": 1}, {"id": tru}], "next": "x"}`,
		`{"items": [{"id": 1}], "next": "x"`,
		`{"items": [{"id": 1}]} trailing`,
		`<html>bad gateway</html>`,
		`{"skip": [1, 2 3], "items": []}`,
	} {
		_, want := jsonvalue.DecodeString(body)
		_, err := scanPage(jsonvalue.ParsePath("items"), body)
		if err == nil || fmt.Sprint(err) != fmt.Sprint(want) {
			t.Errorf("scanPage(%q): %v; want %v", body, err, want)
		}
	}
}
