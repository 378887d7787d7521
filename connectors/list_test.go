package connectors_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/specs"
)

// truncatingList serves 30 records, 10 a page by page number, but cuts
// page 2 to 5 records while its total and has-more flag describe the whole
// data set.
func truncatingList(t *testing.T, stop *specs.StopRules) (int, error) {
	data := connectortest.Records(30)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		page := atoi(r.URL.Query().Get("page"))
		items := window(data, (page-1)*10, 10)
		if page == 2 {
			items = items[:5]
		}
		writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": len(data), "more": page*10 < len(data)})
	}))
	defer srv.Close()
	sync := &specs.Sync{System: "t", Entities: map[string]*specs.Entity{"item": {
		Model: "item", Key: "id", List: &specs.Operation{Operation: "listItems", Records: "items"},
		Pagination: specs.NewPagination("page", &connectors.PagePaging{Param: "page", Size: 10}, stop),
	}}}
	c, err := connectors.New(serverSpec(t, srv.URL, sync), connectors.Config{})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for page, err := range c.List(context.Background(), "item", connectors.ListOptions{}) {
		if err != nil {
			return n, err
		}
		n += len(page.Records)
	}
	return n, nil
}

func TestTruncatedPageIsAnErrorWhenTheTotalTellsIt(t *testing.T) {
	t.Parallel()
	n, err := truncatingList(t, &specs.StopRules{Short: true, Total: "total"})
	var pe *connectors.PagingError
	if !errors.As(err, &pe) || pe.Kind != connectors.PagingIncomplete {
		t.Fatalf("after %d records: %v; want an incomplete *PagingError", n, err)
	}
}

func TestShortPageWithMoreToComeIsNotTheLast(t *testing.T) {
	t.Parallel()
	n, err := truncatingList(t, &specs.StopRules{Short: true, HasMore: "more"})
	if err != nil {
		t.Fatal(err)
	}
	if n != 25 {
		t.Errorf("read %d records; want the 25 served (the listing must go past the short page 2)", n)
	}
}
