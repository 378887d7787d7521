package connectors_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
)

// bigPageDoc lists items in an envelope: the records, a total and a link
// to the next page.
const bigPageDoc = `{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
"servers": [{"url": "%s"}],
"paths": {"/items": {"get": {"operationId": "listItems", "responses": {"200": {"description": "ok",
  "content": {"application/json": {"schema": {"type": "object", "required": ["total"], "properties": {
    "total": {"type": "integer"}, "next": {"type": "string", "nullable": true},
    "data": {"type": "object", "properties": {"items": {"type": "array", "items": {
      "type": "object", "required": ["id"], "properties": {"id": {"type": "string"}, "n": {"type": "integer"}}}}}}}}}}}}}}}}`

// bigPageList serves two pages, the first of 2,500 records, the second of
// 3, each as {"total", "data": {"items"}, "next"}: the next link comes
// after the records. bad names a record served with a string for its
// number.
func bigPageList(t *testing.T, mode connectors.ValidationMode, log *slog.Logger, bad string) *connectors.Client {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from, n, next := 0, 2500, `"/items?p=2"`
		if r.URL.Query().Get("p") == "2" {
			from, n, next = 2500, 3, "null"
		}
		var b strings.Builder
		fmt.Fprintf(&b, `{"total": 2503, "data": {"items": [`)
		for i := from; i < from+n; i++ {
			if i > from {
				b.WriteString(",")
			}
			id := fmt.Sprintf("r%04d", i)
			if id == bad {
				fmt.Fprintf(&b, `{"id": %q, "n": "x"}`, id)
			} else {
				fmt.Fprintf(&b, `{"id": %q, "n": %d}`, id, i)
			}
		}
		fmt.Fprintf(&b, `]}, "next": %s}`, next)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(b.String()))
	}))
	t.Cleanup(srv.Close)
	sync := &specs.Sync{System: "t", Entities: map[string]*specs.Entity{"item": {
		Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems", Records: "data.items"},
		Pagination: specs.NewPagination("nextLink", &connectors.NextLinkPaging{Path: "next", Size: 10}, &specs.StopRules{Total: "total"}),
	}}}
	spec, err := connectortest.WithSync([]byte(fmt.Sprintf(bigPageDoc, srv.URL)), sync)
	if err != nil {
		t.Fatal(err)
	}
	c, err := connectors.New(spec, connectors.Config{Validation: mode, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestLargePageIsHandedOverInParts lists a page of 2,500 records in parts
// of a thousand (more than the 10 asked for), in order, with the next
// link and the total read from after the records; only the last part of
// the last page is complete.
func TestLargePageIsHandedOverInParts(t *testing.T) {
	t.Parallel()
	c := bigPageList(t, connectors.ValidationStrict, nil, "")
	var sizes, numbers []int
	var complete []bool
	n := 0
	for page, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range page.Records {
			if want := fmt.Sprintf("r%04d", n); rec["id"] != want {
				t.Fatalf("record %d is %v; want %s", n, rec["id"], want)
			}
			n++
		}
		sizes, numbers, complete = append(sizes, len(page.Records)), append(numbers, page.Number), append(complete, page.Complete)
	}
	if want := []int{1000, 1000, 500, 3}; fmt.Sprint(sizes) != fmt.Sprint(want) {
		t.Errorf("parts of %v records; want %v", sizes, want)
	}
	if want := []int{1, 1, 1, 2}; fmt.Sprint(numbers) != fmt.Sprint(want) {
		t.Errorf("page numbers %v; want %v", numbers, want)
	}
	if want := []bool{false, false, false, true}; fmt.Sprint(complete) != fmt.Sprint(want) {
		t.Errorf("complete %v; want %v", complete, want)
	}
}

// TestLargePageRecordsAreValidatedOneByOne refuses, in strict mode, the
// part holding a record that does not match the item schema, naming the
// record, and in warn mode logs one line for the part and goes on.
func TestLargePageRecordsAreValidatedOneByOne(t *testing.T) {
	t.Parallel()
	c := bigPageList(t, connectors.ValidationStrict, nil, "r1500")
	n := 0
	var err error
	for page, lerr := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err = lerr; err != nil {
			break
		}
		n += len(page.Records)
	}
	var ve *connectors.ValidationError
	if !errors.As(err, &ve) || !strings.Contains(err.Error(), "record 1500 of the page") {
		t.Fatalf("after %d records: %v; want a *ValidationError naming record 1500", n, err)
	}
	if n != 1000 {
		t.Errorf("%d records before the error; want the first part's 1000", n)
	}

	var logs bytes.Buffer
	c = bigPageList(t, connectors.ValidationWarn, slog.New(slog.NewTextHandler(&logs, nil)), "r1500")
	n = 0
	for page, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Records)
	}
	if n != 2503 {
		t.Errorf("%d records; want 2503", n)
	}
	c.LogMismatches(context.Background())
	if lines := strings.Count(logs.String(), "does not match the spec"); lines != 1 || !strings.Contains(logs.String(), "count=1 ") {
		t.Errorf("%d warnings; want one, for the one record that does not match:\n%s", lines, logs.String())
	}
}
