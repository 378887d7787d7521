package specs_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// paramsSpec is a spec whose operations have required header, query and
// cookie parameters, each filled by something other than a template
// unless a replacement in edits (old, new pairs) takes that away.
func paramsSpec(edits ...string) []byte {
	doc := `{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "components": {
    "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Api-Key"}},
    "parameters": {"tenant": {"name": "X-Tenant", "in": "header", "required": true, "schema": {"type": "string"}}}
  },
  "paths": {
    "/items": {
      "parameters": [{"$ref": "#/components/parameters/tenant"}],
      "get": {"operationId": "listItems",
        "parameters": [
          {"name": "page", "in": "query", "required": true, "schema": {"type": "integer"}},
          {"name": "since", "in": "query", "required": true, "schema": {"type": "string", "default": "1970-01-01"}},
          {"name": "x-api-key", "in": "header", "required": true, "schema": {"type": "string"}},
          {"name": "Authorization", "in": "header", "required": true, "schema": {"type": "string"}},
          {"name": "session", "in": "cookie", "required": true, "schema": {"type": "string"}},
          {"name": "optional", "in": "query", "schema": {"type": "string"}}
        ],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}},
      "post": {"operationId": "createItem",
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": true, "schema": {"type": "string"}}],
        "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {"externalId": {"type": "string"}}}}}},
        "responses": {"201": {"description": "ok"}}}
    }
  },
  "x-sync": {"system": "s",
    "auth": {"type": "apiKey", "in": "header", "name": "X-API-KEY", "key": {"env": "KEY"}},
    "pagination": {"type": "page", "param": "page"},
    "entities": {"item": {"model": "unit", "key": "externalId",
      "list": {"operation": "listItems", "params": {"x-tenant": "north", "session": "s1"}},
      "create": {"operation": "createItem", "idempotencyKey": "idempotency-key", "params": {"X-TENANT": "north"}},
      "write": {"externalId": "{{ unit.id }}"}}}}
}`
	for i := 0; i+1 < len(edits); i += 2 {
		if !strings.Contains(doc, edits[i]) {
			panic("paramsSpec: no " + edits[i])
		}
		doc = strings.Replace(doc, edits[i], edits[i+1], 1)
	}
	return []byte(doc)
}

// missingParams lists the missing-parameter and unknown-parameter
// findings of a spec, as "code pointer: message".
func missingParams(t *testing.T, data []byte, opts specs.LoadOptions) []string {
	t.Helper()
	_, fs, err := specs.LoadBytes("items.json", data, opts)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if f.Code == specs.CodeMissingParameter || f.Code == specs.CodeUnknownParameter {
			out = append(out, f.Code+" "+f.Pointer+": "+f.Message)
		}
	}
	return out
}

// TestRequiredParamsFilled: a spec whose required parameters are all
// filled (a template, whatever the case of a header's name, a default,
// the auth method, the paging style, the idempotency key, a header
// OpenAPI ignores) has no finding, with the plug-in registry and without.
func TestRequiredParamsFilled(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string]specs.LoadOptions{"registry": loadOptions(), "none": {}} {
		if got := missingParams(t, paramsSpec(), opts); len(got) > 0 {
			t.Errorf("%s: %q; want none", name, got)
		}
	}
}

// TestRequiredParamsUnfilled takes away, one at a time, what fills each
// required parameter, and expects a missing-parameter error at the
// operation reference that names the parameter and where it is declared.
func TestRequiredParamsUnfilled(t *testing.T) {
	t.Parallel()
	const list, create = "/x-sync/entities/item/list/operation", "/x-sync/entities/item/create/operation"
	cases := []struct {
		name  string
		edits []string
		want  string // pointer and the start of the message
		at    string // where the message says the parameter is declared
	}{
		{"template of a header", []string{`"x-tenant": "north", `, ""}, list + `: required header parameter "X-Tenant" of GET /items`, "items.json:6"},
		{"template of a cookie", []string{`, "session": "s1"`, ""}, list + `: required cookie parameter "session" of GET /items`, "items.json:17"},
		{"default", []string{`, "default": "1970-01-01"`, ""}, list + `: required query parameter "since" of GET /items`, "items.json:14"},
		{"paging", []string{`"pagination": {"type": "page", "param": "page"},`, ""}, list + `: required query parameter "page" of GET /items`, "items.json:13"},
		{"auth", []string{`"name": "X-API-KEY"`, `"name": "X-Key"`}, list + `: required header parameter "x-api-key" of GET /items`, "items.json:15"},
		{"idempotency key", []string{`"idempotencyKey": "idempotency-key", `, ""}, create + `: required header parameter "Idempotency-Key" of POST /items`, "items.json:22"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			got := missingParams(t, paramsSpec(c.edits...), loadOptions())
			if len(got) != 1 || !strings.HasPrefix(got[0], specs.CodeMissingParameter+" "+c.want) || !strings.Contains(got[0], "declared at "+c.at+")") {
				t.Errorf("findings %q; want one %s %s... declared at %s", got, specs.CodeMissingParameter, c.want, c.at)
			}
		})
	}
}

// TestRequiredParamsHint: a parameter that is an apiKey security scheme
// is reported with a hint that sends it through auth.
func TestRequiredParamsHint(t *testing.T) {
	t.Parallel()
	_, fs, err := specs.LoadBytes("items.json", paramsSpec(`"auth": {"type": "apiKey", "in": "header", "name": "X-API-KEY", "key": {"env": "KEY"}},`, ""), loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(fs, func(f specs.Finding) bool { return f.Code == specs.CodeMissingParameter })
	if i < 0 || !strings.Contains(fs[i].Hint, `"type": "apiKey", "in": "header", "name": "x-api-key"`) {
		t.Errorf("findings %v; want missing-parameter with a hint to send x-api-key by apiKey auth", fs)
	}
}

// TestHeaderParamsIgnoreCase: params naming a header in another case
// fill it, and are not unknown; other parameters keep their case.
func TestHeaderParamsIgnoreCase(t *testing.T) {
	t.Parallel()
	got := missingParams(t, paramsSpec(`"session": "s1"`, `"Session": "s1"`), loadOptions())
	want := []string{
		specs.CodeMissingParameter + ` /x-sync/entities/item/list/operation: required cookie parameter "session" of GET /items (declared at items.json:17) has no template, no default, and neither the auth method nor the paging style sends it`,
		specs.CodeUnknownParameter + ` /x-sync/entities/item/list/params/Session: operation "listItems" has no parameter "Session"`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestRequiredParamsDeclaredInVendorFile: with the x-sync in an overlay,
// the message names the vendor's file, which declares the parameter, and
// its line there.
func TestRequiredParamsDeclaredInVendorFile(t *testing.T) {
	t.Parallel()
	var doc map[string]any
	if err := json.Unmarshal(paramsSpec(`"x-tenant": "north", `, ""), &doc); err != nil {
		t.Fatal(err)
	}
	overlay, err := json.MarshalIndent(map[string]any{"extends": "items.json", "x-sync": doc["x-sync"]}, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	delete(doc, "x-sync")
	vendor, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	vendorPath, overlayPath := filepath.Join(dir, "items.json"), filepath.Join(dir, "items.sync.json")
	for path, data := range map[string][]byte{vendorPath: vendor, overlayPath: overlay} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	line := slices.Index(strings.Split(string(vendor), "\n"), `      "tenant": {`) + 1
	if line == 0 {
		t.Fatalf("no tenant parameter in\n%s", vendor)
	}
	_, fs, err := specs.Load(overlayPath, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range fs {
		if f.Code == specs.CodeMissingParameter {
			got = append(got, f.Message)
		}
	}
	want := fmt.Sprintf("(declared at %s:%d)", vendorPath, line)
	if len(got) != 1 || !strings.Contains(got[0], want) {
		t.Errorf("missing-parameter findings %q; want one saying %s", got, want)
	}
}
