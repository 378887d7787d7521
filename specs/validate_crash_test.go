package specs

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// createSpec is a spec whose unit entity creates records, with the
// given further keys of the entity and of its create.
func createSpec(entity, create string) []byte {
	return []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {
    "/units": {"post": {"operationId": "createUnit",
      "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"externalId": {"type": "string"}}}}}},
      "responses": {"201": {"description": "ok"}}},
      "get": {"operationId": "findUnit", "parameters": [{"name": "externalId", "in": "query", "schema": {"type": "string"}}],
      "responses": {"200": {"description": "ok"}}}}},
  "x-sync": {"system": "s", "entities": {"unit": {"model": "unit", "key": "externalId", "id": "id",
    "create": {"operation": "createUnit"` + create + `},
    "write": {"externalId": "{{ unit.id }}"}` + entity + `}}}
}`)
}

func TestValidateWarnsAboutCreatesThatCannotBeMadeCrashSafe(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, entity, create string
		warned               bool
	}{
		{"create only", "", "", true},
		{"lookup", `, "lookup": {"operation": "findUnit", "params": {"externalId": "{{ key }}"}}`, "", false},
		{"idempotency key", "", `, "idempotencyKey": "Idempotency-Key"`, false},
		{"match", `, "match": {}`, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, fs, err := LoadBytes("unit.json", createSpec(tc.entity, tc.create), LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var got []Finding
			for _, f := range fs {
				if f.Code == CodeCreateNotCrashSafe {
					got = append(got, f)
				}
			}
			if !tc.warned {
				if len(got) > 0 {
					t.Errorf("warned: %v", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("findings %v; want one %s", findingsOf(fs), CodeCreateNotCrashSafe)
			}
			f := got[0]
			if d := cmp.Diff("warning /x-sync/entities/unit/create", string(f.Severity)+" "+f.Pointer); d != "" {
				t.Errorf("finding (-want +got):\n%s", d)
			}
			for _, want := range []string{"cannot be made crash-safe automatically", "specsync resolve"} {
				if !strings.Contains(f.Message, want) {
					t.Errorf("message %q does not say %q", f.Message, want)
				}
			}
			if !strings.Contains(f.Hint, "lookup") || !strings.Contains(f.Hint, "idempotencyKey") {
				t.Errorf("hint %q does not say what to do", f.Hint)
			}
		})
	}
}
