package connectors_test

import (
	"context"
	"errors"
	"net/http"
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
