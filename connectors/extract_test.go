package connectors

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func decode(t *testing.T, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPathLookup(t *testing.T) {
	t.Parallel()
	body := decode(t, `{"data": {"items": [{"id": 1}, {"id": 2}], "n": null}}`)
	cases := []struct {
		path string
		want any
		ok   bool
	}{
		{"", body, true},
		{"data.items.1.id", json.Number("2"), true},
		{"data.n", nil, true},
		{"data.items.2", nil, false},
		{"data.items.x", nil, false},
		{"data.missing", nil, false},
		{"data.items.0.id.deeper", nil, false},
	}
	for _, tc := range cases {
		got, ok := parsePath(tc.path).lookup(body)
		if ok != tc.ok || !cmp.Equal(got, tc.want) {
			t.Errorf("lookup(%q) = %v, %v; want %v, %v", tc.path, got, ok, tc.want, tc.ok)
		}
	}
}

func TestPathRecords(t *testing.T) {
	t.Parallel()
	body := decode(t, `{"data": {"units": {"edges": [{"node": {"id": "a"}}, {"node": {"id": "b"}}]}, "empty": null, "list": [{"id": "c"}], "bad": [1]}}`)
	cases := []struct {
		path    string
		want    []string
		wantErr string
	}{
		{"data.units.edges.node", []string{"a", "b"}, ""},
		{"data.list", []string{"c"}, ""},
		{"data.empty", nil, ""},
		{"data.empty.items", nil, ""},
		{"data.nope", nil, `no "nope" at "data"`},
		{"data.bad", nil, `element 0 at "data.bad" is a number`},
		{"data.units", nil, ""},
	}
	for _, tc := range cases {
		recs, err := parsePath(tc.path).records(body)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("records(%q): %v; want error %q", tc.path, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("records(%q): %v", tc.path, err)
			continue
		}
		var ids []string
		for _, r := range recs {
			if id, ok := r["id"].(string); ok {
				ids = append(ids, id)
			}
		}
		if diff := cmp.Diff(tc.want, ids); diff != "" {
			t.Errorf("records(%q) (-want +got):\n%s", tc.path, diff)
		}
	}
}

func TestPathSet(t *testing.T) {
	t.Parallel()
	m := map[string]any{"input": map[string]any{"filter": map[string]any{"a": "1"}}, "s": "x"}
	if err := parsePath("input.paging.skip").set(m, 20); err != nil {
		t.Fatal(err)
	}
	if err := parsePath("input.filter.b").set(m, "2"); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"input": map[string]any{"filter": map[string]any{"a": "1", "b": "2"}, "paging": map[string]any{"skip": 20}}, "s": "x"}
	if diff := cmp.Diff(want, m); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if err := parsePath("s.t").set(m, 1); err == nil {
		t.Error("setting below a string succeeded")
	}
}

func TestRelTarget(t *testing.T) {
	t.Parallel()
	cases := []struct {
		header, want string
		ok           bool
	}{
		{`<https://a.example/items?page=2>; rel="next"`, "https://a.example/items?page=2", true},
		{`<https://a.example/1>; rel="prev", <https://a.example/3>; rel=next`, "https://a.example/3", true},
		{`<https://a.example/x,y>; title="a, b"; rel="last next"`, "https://a.example/x,y", true},
		{`<https://a.example/1>; rel="prev"`, "", false},
		{`<https://a.example/1>; rel="nextish"`, "", false},
		{`garbage`, "", false},
	}
	for _, tc := range cases {
		got, ok := relTarget(tc.header, "next")
		if got != tc.want || ok != tc.ok {
			t.Errorf("relTarget(%q) = %q, %v; want %q, %v", tc.header, got, ok, tc.want, tc.ok)
		}
	}
}
