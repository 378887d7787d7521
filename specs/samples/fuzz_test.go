package samples_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/specs/samples"
)

// FuzzInferHAR infers documents from HAR files with arbitrary URLs,
// methods, headers and bodies: no panic, and no document that is not
// valid OpenAPI (Infer checks its own output and says so).
func FuzzInferHAR(f *testing.F) {
	f.Add("GET", "https://a.example/users/42?page=1", "Authorization", "Bearer x", `{"id": 1, "tags": ["a"]}`, 200)
	f.Add("POST", "https://a.example/v1/items:batchGet", "X-Api-Key", "k", `[{"a": null}, {"a": 1.5}]`, 201)
	f.Add("DELETE", "https://a.example/{x}/%7B%7D/a%2Fb/", "Cookie", "sid=1", ``, 204)
	f.Add("PATCH", "https://a.example/a/b@c.d/2024-01-01", "X-Tenant", "7", `{"1": {"x": "2024-01-01"}, "2": {}}`, 422)
	f.Fuzz(func(t *testing.T, method, url, header, value, body string, status int) {
		entry := map[string]any{
			"request": map[string]any{"method": method, "url": url, "headers": []any{map[string]any{"name": header, "value": value}},
				"postData": map[string]any{"mimeType": "application/json", "text": body}},
			"response": map[string]any{"status": status, "headers": []any{},
				"content": map[string]any{"mimeType": "application/json", "text": body}},
		}
		data, err := json.Marshal(map[string]any{"log": map[string]any{"entries": []any{entry, entry}}})
		if err != nil {
			t.Skip()
		}
		path := filepath.Join(t.TempDir(), "f.har")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		res, err := samples.Infer(path, samples.Options{Examples: true})
		if err != nil {
			if strings.Contains(err.Error(), "not valid OpenAPI") {
				t.Fatal(err)
			}
			return
		}
		if _, err := samples.Marshal(res.Doc); err != nil {
			t.Fatal(err)
		}
	})
}
