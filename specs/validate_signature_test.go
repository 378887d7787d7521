package specs

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// signatureSpec is a spec whose webhooks carry signature.
func signatureSpec(signature string) []byte {
	return []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {"/units": {"get": {"operationId": "listUnits", "responses": {"200": {"description": "ok",
    "content": {"application/json": {"schema": {"type": "array", "items": {"type": "object"}}}}}}}}},
  "x-sync": {"system": "s", "entities": {"unit": {"model": "unit", "list": {"operation": "listUnits"}}},
    "webhooks": {"event": "type", "signature": ` + signature + `,
      "events": {"unit.updated": {"entity": "unit", "key": "{{ event.id }}"}}}}
}`)
}

// TestValidateSignature: each format takes the keywords it uses and
// refuses, with their pointers, those it fixes; an hmac signature needs
// its header, and a timestamp for content and tolerance; content names
// {timestamp} and {body} once each and nothing else; the tolerance is
// bounded.
func TestValidateSignature(t *testing.T) {
	t.Parallel()
	const p = "/x-sync/webhooks/signature/"
	secret := `"secret": {"env": "HOOK"}`
	for signature, want := range map[string][]string{
		`{"header": "X-Sig", ` + secret + `}`: nil,
		`{"header": "X-Sig", "timestamp": "X-Time", "content": "v0:{timestamp}:{body}", "tolerance": "2m", ` + secret + `}`:           nil,
		`{"format": "stripe", "tolerance": "10m", ` + secret + `}`:                                                                    nil,
		`{"format": "standard-webhooks", "header": "svix-signature", "timestamp": "svix-timestamp", "id": "svix-id", ` + secret + `}`: nil,
		`{` + secret + `}`: {"error missing-key " + p + "header"},
		`{"header": "X-Sig", "id": "webhook-id", "content": "{body}", "tolerance": "1m", ` + secret + `}`: {
			"error invalid-value " + p + "content", "error invalid-value " + p + "id", "error invalid-value " + p + "tolerance"},
		`{"header": "X-Sig", "timestamp": "X-Time", "content": "{timestamp}.{body}.{id}", ` + secret + `}`: {"error invalid-value " + p + "content"},
		`{"header": "X-Sig", "timestamp": "X-Time", "content": "{body}", ` + secret + `}`:                  {"error invalid-value " + p + "content"},
		`{"format": "stripe", "algorithm": "hmac-sha1", "encoding": "base64", "prefix": "v1=", "timestamp": "X-Time", "content": "{timestamp}.{body}", ` + secret + `}`: {
			"error invalid-value " + p + "algorithm", "error invalid-value " + p + "content", "error invalid-value " + p + "encoding",
			"error invalid-value " + p + "prefix", "error invalid-value " + p + "timestamp"},
		`{"format": "standard-webhooks", "prefix": "v1,", "tolerance": "25h", ` + secret + `}`: {
			"error invalid-value " + p + "prefix", "error invalid-value " + p + "tolerance"},
		`{"format": "svix", ` + secret + `}`: {"error invalid-value " + p + "format"},
	} {
		_, fs, err := LoadBytes("s.json", signatureSpec(signature), LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range findingsOf(fs) {
			if strings.Contains(f, p) {
				got = append(got, f)
			}
		}
		slices.Sort(got)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("signature %s: findings (-want +got):\n%s\nall: %v", signature, diff, fs)
		}
	}
}
