package connectors_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
)

// A spec with one entity listed page by page; the stop rule ends the
// listing at the total the API announces.
const exampleSpec = `{
  "openapi": "3.0.3",
  "info": {"title": "Units", "version": "1"},
  "servers": [{"url": "https://{subdomain}.units.example", "variables": {"subdomain": {"default": "demo"}}}],
  "paths": {"/units": {"get": {"operationId": "listUnits",
    "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer"}}],
    "responses": {"200": {"description": "a page of units"}}}}},
  "x-sync": {
    "system": "units",
    "entities": {"unit": {
      "model": "unit", "key": "number",
      "list": {"operation": "listUnits", "records": "data"},
      "pagination": {"type": "page", "param": "page", "size": 2, "stop": {"total": "meta.total"}}
    }}
  }
}`

func ExampleClient_List() {
	units := []string{"A-1", "A-2", "B-1"}
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var data []map[string]any
		for _, n := range window2(units, (page-1)*2, 2) {
			data = append(data, map[string]any{"number": n})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{"total": len(units)}})
	}))
	defer api.Close()

	spec, err := connectortest.Spec([]byte(exampleSpec))
	if err != nil {
		fmt.Println(err)
		return
	}
	// BaseURL points the client at the stand-in server instead of
	// https://demo.units.example.
	client, err := connectors.New(spec, connectors.Config{BaseURL: api.URL})
	if err != nil {
		fmt.Println(err)
		return
	}
	for page, err := range client.List(context.Background(), "unit", connectors.ListOptions{}) {
		if err != nil {
			fmt.Println("listing failed:", err)
			return
		}
		for _, rec := range page.Records {
			fmt.Printf("page %d: %s\n", page.Number, rec["number"])
		}
		if page.Complete {
			fmt.Println("complete: deletes may be decided")
		}
	}
	// Output:
	// page 1: A-1
	// page 1: A-2
	// page 2: B-1
	// complete: deletes may be decided
}

func window2(s []string, from, n int) []string {
	from = min(from, len(s))
	return s[from:min(from+n, len(s))]
}
