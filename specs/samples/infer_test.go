package samples_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/specs/samples"
)

// infer infers a document from testdata/name and returns it written.
func infer(t *testing.T, name string, opts samples.Options) ([]byte, *samples.Result) {
	t.Helper()
	res, err := samples.Infer(filepath.Join("testdata", name), opts)
	if err != nil {
		t.Fatal(err)
	}
	out, err := samples.Marshal(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

// lookup returns the value at a JSON pointer of a written document.
func lookup(t *testing.T, doc []byte, pointer string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		t.Fatal(err)
	}
	for _, tok := range jsonptr.Split(pointer) {
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			i := 0
			for _, r := range tok {
				i = i*10 + int(r-'0')
			}
			if i >= len(c) {
				return nil
			}
			v = c[i]
		default:
			return nil
		}
	}
	return v
}

// expect compares the values at JSON pointers of a written document.
func expect(t *testing.T, doc []byte, want map[string]any) {
	t.Helper()
	for pointer, w := range want {
		got := lookup(t, doc, pointer)
		if diff := cmp.Diff(w, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", pointer, diff)
		}
	}
}

// loadsClean checks that specs.Load reads the document with no finding but
// the missing x-sync, which the overlay adds.
func loadsClean(t *testing.T, doc []byte) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "openapi.json")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	_, findings, err := specs.Load(path, specs.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range findings {
		if f.Code != specs.CodeMissingXSync {
			t.Errorf("finding on the inferred document: %s", f)
		}
	}
}

// noSecrets checks that no captured credential reached the document.
func noSecrets(t *testing.T, doc []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if bytes.Contains(doc, []byte(s)) {
			t.Errorf("the document contains the captured secret %q", s)
		}
	}
}

func TestInferHAR(t *testing.T) {
	doc, res := infer(t, "propertyhub.har", samples.Options{})
	golden.Check(t, "testdata/propertyhub.har.golden.json", doc)
	loadsClean(t, doc)
	noSecrets(t, doc, "eyJhbGciOiJIUzI1NiJ9", "secretSIGNATURE", "Winter2024", "rt_8fJ2kLq9ZxW4vB7n",
		"QmFkU2Vzc2lvblNlY3JldA", "NewSessionSecret", "maria.koch", "Anna Schulz", "Lindenhof", "GA1.2")
	expect(t, doc, map[string]any{
		"/servers/0/url": "https://api.propertyhub.example",
		// Paths are templates: numbers and UUIDs became parameters named
		// after their collection.
		"/paths/~1v2~1properties~1{propertyId}/get/parameters/0/schema/type": "integer",
		"/paths/~1v2~1leases~1{leaseId}/get/parameters/0/schema/format":      "uuid",
		"/paths/~1v2~1properties~1{propertyId}~1units/get/operationId":       "listUnits",
		"/paths/~1v2~1properties~1{propertyId}/patch/operationId":            "updateProperty",
		"/paths/~1v2~1properties~1{propertyId}/delete/responses/204/content": nil,
		// A query parameter sent in every sample is required; one sent in
		// some is not.
		"/paths/~1v2~1properties/get/parameters/0/name":     "page",
		"/paths/~1v2~1properties/get/parameters/0/required": true,
		"/paths/~1v2~1properties/get/parameters/2/name":     "sort",
		"/paths/~1v2~1properties/get/parameters/2/required": nil,
		"/paths/~1v2~1leases/get/parameters/0/schema":       map[string]any{"type": "string", "format": "date-time"},
		// Lists wrapped in an object and bare lists refer to their entity.
		"/paths/~1v2~1properties/get/responses/200/content/application~1json/schema/properties/data/items/$ref":      "#/components/schemas/Property",
		"/paths/~1v2~1properties~1{propertyId}~1units/get/responses/200/content/application~1json/schema/items/$ref": "#/components/schemas/Unit",
		"/paths/~1v2~1leases~1{leaseId}/get/responses/200/content/application~1json/schema/properties/data/$ref":     "#/components/schemas/Lease",
		"/paths/~1v2~1properties/post/responses/201/headers/Location/schema/format":                                  "uri",
		"/paths/~1v2~1properties/post/responses/422/content/application~1problem+json/schema/properties/status/type": "integer",
		// Schemas: formats, decimals in strings stay strings, integers
		// and numbers merge to number, null makes nullable.
		"/components/schemas/Property/properties/updatedAt/format":     "date-time",
		"/components/schemas/Property/properties/managerEmail":         map[string]any{"type": "string", "format": "email", "nullable": true},
		"/components/schemas/Unit/properties/coldRent":                 map[string]any{"type": "string"},
		"/components/schemas/Unit/properties/area/type":                "number",
		"/components/schemas/Unit/properties/tenant/nullable":          true,
		"/components/schemas/Unit/properties/tenant/properties/since":  map[string]any{"type": "string", "format": "date"},
		"/components/schemas/Lease/properties/documentsUrl/format":     "uri",
		"/components/schemas/Lease/properties/rentSchedule/items/type": "object",
		// The create body's members sent every time are required, the
		// others not.
		"/paths/~1v2~1properties/post/requestBody/content/application~1json/schema/required": []any{"address", "externalRef", "name"},
		// Auth: a bearer JWT; the login sent none, so it needs none.
		"/components/securitySchemes":            map[string]any{"bearerAuth": map[string]any{"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}},
		"/security":                              []any{map[string]any{"bearerAuth": []any{}}},
		"/paths/~1v2~1auth~1token/post/security": []any{},
		"/paths/~1v2~1auth~1token/post/requestBody/content/application~1x-www-form-urlencoded/schema/properties/grant_type/type": "string",
		// A custom header is a parameter, never required; ordinary ones
		// and cookies are not.
		"/paths/~1v2~1properties/post/parameters/1/name":               "Idempotency-Key",
		"/paths/~1v2~1properties/post/parameters/2":                    nil,
		"/paths/~1v2~1properties/get/responses/200/headers/Set-Cookie": nil,
	})
	wantNotes := []string{
		"https://analytics.tracker.example: 1 call skipped: calls to another host than https://api.propertyhub.example (choose with the origin option)",
		"testdata/propertyhub.har: 4 of 19 entries skipped: not API calls (pages, scripts, styles, images, preflights, failed requests)",
	}
	if diff := cmp.Diff(wantNotes, res.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestInferFiles(t *testing.T) {
	doc, res := infer(t, "crm", samples.Options{})
	golden.Check(t, "testdata/crm.golden.json", doc)
	loadsClean(t, doc)
	noSecrets(t, doc, "sk_live_51HcrmSECRETkey0000", "abcdef123456", "not-a-real-one", "Becker")
	expect(t, doc, map[string]any{
		"/servers": nil,
		// A folder named {companyId} and one named by a hex id are one
		// template.
		"/paths/~1companies~1{companyId}/get/parameters/0/schema/type": "string",
		"/paths/~1contacts~1{contactId}/get/parameters/0/schema/type":  "integer",
		// A label with "=" is the query string.
		"/paths/~1contacts/get/parameters/0/name":     "limit",
		"/paths/~1contacts/get/parameters/0/required": true,
		"/paths/~1contacts/get/parameters/1/name":     "after",
		"/paths/~1contacts/get/parameters/1/required": nil,
		// The status comes from the .headers file, the last block of it;
		// with none, 200 with a body and 204 without.
		"/paths/~1contacts/post/responses/201/content/application~1json/schema/$ref":       "#/components/schemas/Contact",
		"/paths/~1contacts~1{contactId}/delete/responses/204/description":                  "No Content",
		"/paths/~1companies/get/responses/200/content/application~1json/schema/items/$ref": "#/components/schemas/Company",
		"/paths/~1contacts/get/responses/200/headers/link/schema/type":                     "string",
		// The one array of objects of a list answer holds its items,
		// whatever its name (OData's "value").
		"/paths/~1deals/get/responses/200/content/application~1json/schema/properties/value/items/$ref": "#/components/schemas/Deal",
		"/components/schemas/Deal/properties/closeDate":                                                 map[string]any{"type": "string", "format": "date", "nullable": true},
		// Objects keyed by ids are maps.
		"/paths/~1pipelines/get/responses/200/content/application~1json/schema/properties/pipelines/additionalProperties/properties/label/type": "string",
		"/paths/~1pipelines/get/operationId": "getPipelines",
		// One request sample cannot tell what is required.
		"/paths/~1contacts/post/requestBody/content/application~1json/schema/required": nil,
		"/components/schemas/Contact/properties/score/type":                            "number",
		"/components/schemas/Contact/properties/revenue":                               map[string]any{"type": "string"},
		"/components/schemas/Contact/properties/website/format":                        "uri",
		"/components/securitySchemes/xApiKey":                                          map[string]any{"type": "apiKey", "in": "header", "name": "X-Api-Key"},
		// Request headers were not captured for the other samples: their
		// security is the document's, not none.
		"/paths/~1contacts~1{contactId}/get/security": nil,
	})
	if diff := cmp.Diff([]string{"testdata/crm/README.txt: ignored: not METHOD[.LABEL].json, .request.json, .headers or .request.headers, nor a .har file"}, res.Notes); diff != "" {
		t.Errorf("notes (-want +got):\n%s", diff)
	}
}

func TestInferIsDeterministic(t *testing.T) {
	for _, name := range []string{"propertyhub.har", "crm"} {
		first, _ := infer(t, name, samples.Options{Examples: true})
		for range 5 {
			if again, _ := infer(t, name, samples.Options{Examples: true}); !bytes.Equal(first, again) {
				t.Fatalf("%s: two inferences differ", name)
			}
		}
	}
}

func TestInferExamplesOnlyWithTheOptionAndRedacted(t *testing.T) {
	without, _ := infer(t, "crm", samples.Options{})
	if bytes.Contains(without, []byte(`"example"`)) {
		t.Error("examples written without the option")
	}
	with, _ := infer(t, "crm", samples.Options{Examples: true})
	expect(t, with, map[string]any{
		"/paths/~1contacts/post/requestBody/content/application~1json/example/password":         "REDACTED",
		"/paths/~1contacts/post/requestBody/content/application~1json/example/firstName":        "Sofia",
		"/paths/~1contacts~1{contactId}/get/responses/200/content/application~1json/example/id": 4711.0,
	})
	noSecrets(t, with, "sk_live_51HcrmSECRETkey0000", "not-a-real-one")
	loadsClean(t, with)
}

func TestInferExamplesFitTheirSchemas(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "accounts"), 0o755); err != nil {
		t.Fatal(err)
	}
	body := `{"id": 1, "pin": 1234, "cardNumber": "4111111111111111", "apiKeys": [{"token": "tok_live_abc123", "owner": "a@example.com", "created": "2024-05-01"}]}`
	if err := os.WriteFile(filepath.Join(dir, "accounts", "GET.json"), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := samples.Infer(dir, samples.Options{Examples: true})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := samples.Marshal(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, doc, "1234", "4111111111111111", "tok_live_abc123", "a@example.com")
	expect(t, doc, map[string]any{
		"/paths/~1accounts/get/responses/200/content/application~1json/example": map[string]any{
			"id": 1.0, "pin": 0.0, "cardNumber": "REDACTED",
			"apiKeys": []any{map[string]any{"token": "REDACTED", "owner": "redacted@example.com", "created": "2000-01-01"}},
		},
	})
}

func TestInferOrigin(t *testing.T) {
	doc, res := infer(t, "propertyhub.har", samples.Options{Origin: "https://analytics.tracker.example", Title: "Tracker"})
	expect(t, doc, map[string]any{
		"/info/title":    "Tracker",
		"/servers/0/url": "https://analytics.tracker.example",
		"/paths/~1v1~1collect/post/requestBody/content/application~1json/schema/properties/event/type": "string",
		"/paths/~1v2~1properties": nil,
	})
	if len(res.Notes) != 2 || !strings.Contains(res.Notes[0], "https://api.propertyhub.example: 14 calls skipped") {
		t.Errorf("notes: %q", res.Notes)
	}
}

func TestInferReadsTheLastHeaderBlock(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		"reports/GET.headers": "HTTP/1.1 302 Found\r\nLocation: https://old.example/reports\r\n\r\nHTTP/2 200\r\ncontent-type: application/json\r\nx-total-count: 2\r\n\r\n",
		"reports/GET.json":    `[{"id": 1}, {"id": 2}]`,
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := samples.Infer(dir, samples.Options{Server: "https://reports.example/api"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := samples.Marshal(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	expect(t, doc, map[string]any{
		"/servers/0/url": "https://reports.example/api",
		"/paths/~1reports/get/responses/200/headers": map[string]any{"x-total-count": map[string]any{"schema": map[string]any{"type": "integer"}}},
		"/paths/~1reports/get/responses/302":         nil,
	})
}

func TestInferQueryArraysAndKeys(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "items"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"GET.tag=a&tag=b&api_key=SECRET123.json", "GET.tag=c&api_key=SECRET456.json"} {
		if err := os.WriteFile(filepath.Join(dir, "items", name), []byte(`[{"id": 1}]`), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	res, err := samples.Infer(dir, samples.Options{})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := samples.Marshal(res.Doc)
	if err != nil {
		t.Fatal(err)
	}
	noSecrets(t, doc, "SECRET123", "SECRET456")
	loadsClean(t, doc)
	expect(t, doc, map[string]any{
		"/paths/~1items/get/parameters": []any{map[string]any{"in": "query", "name": "tag", "required": true, "explode": true,
			"schema": map[string]any{"type": "array", "items": map[string]any{"type": "string"}}}},
		"/components/securitySchemes/apiKeyQuery": map[string]any{"type": "apiKey", "in": "query", "name": "api_key"},
	})
}

func TestInferRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	cases := []struct {
		name, file, content, want string
	}{
		{"broken HAR", "broken.har", "{\"log\": {\n  \"entries\": [,]}}", "broken.har:2:15: "},
		{"not a HAR", "other.har", `{"version": "1.2"}`, "other.har: /log: the file has no \"log\" object"},
		{"entry without response", "half.har", `{"log": {"entries": [{"request": {"method": "GET", "url": "https://a.example/x"}}]}}`, "half.har#/log/entries/0: the entry has no request or no response"},
		{"relative URL", "rel.har", `{"log": {"entries": [{"request": {"method": "GET", "url": "/x"}, "response": {"status": 200, "content": {}}}]}}`, `rel.har#/log/entries/0/request/url: "/x" is not an absolute URL`},
		{"broken body", "files/users/GET.json", "{\"id\": 1,\n \"name\": }", "users/GET.json:2:10: "},
		{"broken headers", "files2/users/GET.headers", "HTTP/1.1 200 OK\nthis is no header\n", "users/GET.headers:2:1: \"this is no header\" is not a header line"},
		{"bad status", "files3/users/GET.headers", "HTTP/1.1 OK\n", "users/GET.headers:1:1: \"HTTP/1.1 OK\" is not a status line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := write(c.file, c.content)
			if strings.Contains(c.file, "/") {
				p = filepath.Join(dir, strings.Split(c.file, "/")[0])
			}
			_, err := samples.Infer(p, samples.Options{})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
	empty := filepath.Join(dir, "empty")
	if err := os.Mkdir(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := samples.Infer(empty, samples.Options{}); !errors.Is(err, samples.ErrNoSamples) {
		t.Errorf("empty folder: %v, want ErrNoSamples", err)
	}
	if _, err := samples.Infer(write("x.txt", "hi"), samples.Options{}); err == nil || !strings.Contains(err.Error(), "samples are a folder or a .har file") {
		t.Errorf("text file: %v", err)
	}
}
