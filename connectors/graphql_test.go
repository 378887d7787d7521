package connectors_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/transforms"
)

// graphqlAPI answers the envelopes of testdata/graphql.json and records
// them.
type graphqlAPI struct {
	srv       *httptest.Server
	mu        sync.Mutex
	envelopes []map[string]any
	answer    func(query string, vars map[string]any) any
}

func newGraphQLAPI(t *testing.T, answer func(query string, vars map[string]any) any) (*graphqlAPI, *connectors.Client) {
	a := &graphqlAPI{answer: answer}
	a.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env map[string]any
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		if r.URL.Path != "/graphql" || r.Method != http.MethodPost || dec.Decode(&env) != nil {
			http.Error(w, "not a graphql envelope", http.StatusBadRequest)
			return
		}
		a.mu.Lock()
		a.envelopes = append(a.envelopes, env)
		a.mu.Unlock()
		vars, _ := env["variables"].(map[string]any)
		writeJSON(w, http.StatusOK, a.answer(env["query"].(string), vars))
	}))
	t.Cleanup(a.srv.Close)
	c, err := connectors.New(loadSpec(t, "graphql.json"), connectors.Config{BaseURL: a.srv.URL, Logger: (&connectortest.Logs{}).Logger()})
	if err != nil {
		t.Fatal(err)
	}
	return a, c
}

func TestGraphQLUpsertSendsTheBodyAsItsVariable(t *testing.T) {
	t.Parallel()
	api, c := newGraphQLAPI(t, func(q string, vars map[string]any) any {
		in := vars["t"].(map[string]any)
		return map[string]any{"data": map[string]any{"upsertTenant": map[string]any{"id": "er-9", "externalTenantId": in["externalTenantId"]}}}
	})
	body := map[string]any{"externalTenantId": "L-1", "lastName": "Curie", "coldRent": "123456.34"}
	res, err := c.Upsert(context.Background(), "tenant", connectors.Write{Key: "L-1", Body: body})
	if err != nil {
		t.Fatalf("Upsert: %v", err)
	}
	if res.ID != "er-9" || res.Object["externalTenantId"] != "L-1" {
		t.Errorf("result %+v; want id er-9", res)
	}
	want := map[string]any{
		"query":     "mutation($t: TenantInput!){ upsertTenant(tenant: $t){ id externalTenantId } }",
		"variables": map[string]any{"t": body},
	}
	if diff := cmp.Diff(want, api.envelopes[0]); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
}

func TestGraphQLErrorsAreTyped(t *testing.T) {
	t.Parallel()
	_, c := newGraphQLAPI(t, func(q string, vars map[string]any) any {
		return map[string]any{
			"data": map[string]any{"deleteTenant": nil},
			"errors": []any{map[string]any{
				"message": "tenant still has contracts", "path": []any{"deleteTenant"},
				"extensions": map[string]any{"code": "CONFLICT"},
			}},
		}
	})
	_, err := c.Delete(context.Background(), "tenant", connectors.Write{Key: "L-1"})
	var ge *connectors.GraphQLError
	if !errors.As(err, &ge) {
		t.Fatalf("Delete: %v; want a *GraphQLError", err)
	}
	want := []connectors.GraphQLMessage{{Message: "tenant still has contracts", Path: []any{"deleteTenant"}, Code: "CONFLICT"}}
	if diff := cmp.Diff(want, ge.Errors); diff != "" {
		t.Errorf("errors (-want +got):\n%s", diff)
	}
	if connectors.Classify(err) != connectors.RetryNextRun {
		t.Errorf("Classify = %v; want retry-next-run", connectors.Classify(err))
	}
}

func TestGraphQLDeleteRendersVariables(t *testing.T) {
	t.Parallel()
	api, c := newGraphQLAPI(t, func(q string, vars map[string]any) any {
		return map[string]any{"data": map[string]any{"deleteTenant": map[string]any{"statusCode": 200}}}
	})
	if _, err := c.Delete(context.Background(), "tenant", connectors.Write{Key: "L-42"}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]any{"id": "L-42"}, api.envelopes[0]["variables"]); diff != "" {
		t.Errorf("variables (-want +got):\n%s", diff)
	}
}

func TestGraphQLListPagesThroughVariablePaths(t *testing.T) {
	t.Parallel()
	const total = 5
	api, c := newGraphQLAPI(t, func(q string, vars map[string]any) any {
		paging := vars["input"].(map[string]any)["paging"].(map[string]any)
		skip, take := number(paging["skip"]), number(paging["take"])
		var items []any
		for i := skip; i < min(skip+take, total); i++ {
			items = append(items, map[string]any{"id": fmt.Sprint(i), "externalTenantId": fmt.Sprintf("L-%d", i), "updatedAt": json.Number(fmt.Sprint(1700000000 + i))})
		}
		return map[string]any{"data": map[string]any{"tenants": map[string]any{"total": total, "items": items}}}
	})
	var keys []string
	var last *connectors.Page
	opts := connectors.ListOptions{Since: unix(1700000100), Vars: transforms.Vars{"source": "erp"}}
	for page, err := range c.List(context.Background(), "tenant", opts) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
		for _, r := range page.Records {
			keys = append(keys, r["externalTenantId"].(string))
		}
		last = page
	}
	if diff := cmp.Diff([]string{"L-0", "L-1", "L-2", "L-3", "L-4"}, keys); diff != "" {
		t.Errorf("keys (-want +got):\n%s", diff)
	}
	if len(api.envelopes) != 3 {
		t.Errorf("%d requests; want 3 (the total ends the listing)", len(api.envelopes))
	}
	if !last.NextCursor.Equal(unix(1700000004)) {
		t.Errorf("NextCursor %v; want the largest updatedAt", last.NextCursor)
	}
	wantVars := map[string]any{"source": "erp", "input": map[string]any{
		"filter": map[string]any{"updatedSince": json.Number("1700000040")},
		"paging": map[string]any{"skip": json.Number("4"), "take": json.Number("2")},
	}}
	if diff := cmp.Diff(wantVars, api.envelopes[2]["variables"]); diff != "" {
		t.Errorf("third request's variables (-want +got):\n%s", diff)
	}
}
