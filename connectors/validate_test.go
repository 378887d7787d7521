package connectors_test

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
)

var invalidBody = map[string]any{"externalId": "L-1", "lastName": ""}

func TestStrictValidationRefusesABadRequestBeforeSending(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{Validation: connectors.ValidationStrict})
	_, err := c.Upsert(context.Background(), "tenant", connectors.Write{Key: "L-1", Body: invalidBody})
	var ve *connectors.ValidationError
	if !errors.As(err, &ve) || ve.Direction != "request" {
		t.Fatalf("Upsert: %v; want a request *ValidationError", err)
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		t.Errorf("the error hides kin-openapi's schema error: %v", err)
	}
	if !strings.Contains(err.Error(), "lastName") {
		t.Errorf("the error does not name the field: %v", err)
	}
	if connectors.Classify(err) != connectors.RetryNextRun {
		t.Errorf("Classify = %v; want retry-next-run", connectors.Classify(err))
	}
	if n := api.hits.Load(); n != 0 {
		t.Errorf("%d requests sent; want none", n)
	}
}

func TestStrictValidationRefusesABadResponse(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	api.fault = func(w http.ResponseWriter, r *http.Request) bool {
		writeJSON(w, http.StatusOK, map[string]any{"items": "not a list"})
		return true
	}
	c := api.client(t, connectors.Config{Validation: connectors.ValidationStrict})
	var err error
	for _, e := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		err = e
	}
	var ve *connectors.ValidationError
	if !errors.As(err, &ve) || ve.Direction != "response" {
		t.Fatalf("List: %v; want a response *ValidationError", err)
	}
}

func TestWarnValidationLogsAndSends(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	logs := &connectortest.Logs{}
	c := api.client(t, connectors.Config{Validation: connectors.ValidationWarn, Logger: logs.Logger()})
	if _, err := c.Upsert(context.Background(), "tenant", connectors.Write{Key: "L-1", Body: invalidBody}); err != nil {
		t.Fatalf("Upsert in warn mode: %v", err)
	}
	if n := api.hits.Load(); n != 1 {
		t.Errorf("%d requests sent; want 1", n)
	}
	c.LogMismatches(context.Background())
	out := logs.String()
	if !strings.Contains(out, "level=WARN") || !strings.Contains(out, "tenant.upsert") || !strings.Contains(out, "lastName") {
		t.Errorf("logs do not carry the warning:\n%s", out)
	}
}

func TestValidRequestsPassStrictValidation(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{Validation: connectors.ValidationStrict})
	res, err := c.Upsert(context.Background(), "tenant", connectors.Write{Key: "L-1", Body: map[string]any{"externalId": "L-1", "lastName": "Hopper"}})
	if err != nil || res.ID == "" {
		t.Fatalf("Upsert = %+v, %v", res, err)
	}
	for _, err := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		if err != nil {
			t.Fatalf("List: %v", err)
		}
	}
}

// TestWarnValidationLogsEachMismatchOncePerRun lists 20 pages whose
// records all fail the response schema the same two ways: each way is
// logged once, with its count, short, and only when the run ends.
func TestWarnValidationLogsEachMismatchOncePerRun(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	for i := range 40 {
		api.add(map[string]any{"externalId": "L-" + strconv.Itoa(i), "firstName": i, "lastName": ""})
	}
	logs := &connectortest.Logs{}
	c := api.client(t, connectors.Config{Validation: connectors.ValidationWarn, Logger: logs.Logger()})
	pages := 0
	for _, err := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		pages++
	}
	if pages < 20 {
		t.Fatalf("%d pages; want at least 20", pages)
	}
	if strings.Contains(logs.String(), "does not match") {
		t.Fatalf("mismatches logged before the run's end:\n%s", logs.String())
	}
	c.LogMismatches(context.Background())
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if strings.Contains(line, "does not match the spec") {
			lines = append(lines, line)
		}
	}
	want := []string{
		`operation="tenant.list (listTenants)" direction=response field=/firstName expected=string got="a number" count=20`,
		`operation="tenant.list (listTenants)" direction=response field=/lastName expected=minLength`,
	}
	if len(lines) != len(want) {
		t.Fatalf("%d mismatch lines; want one per field:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d:\n%s\nwant it to hold\n%s", i, lines[i], w)
		}
		if len(lines[i]) > 600 {
			t.Errorf("line %d is %d bytes long; want a short line", i, len(lines[i]))
		}
	}
	if !strings.Contains(lines[1], "count=20") {
		t.Errorf("line 1: %s; want count=20, one per page", lines[1])
	}
	c.LogMismatches(context.Background())
	if n := strings.Count(logs.String(), "does not match the spec"); n != 2 {
		t.Errorf("%d mismatch lines after a second call; want the counts forgotten once logged", n)
	}
}
