package specs

import (
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// decodeYAML strictly decodes doc into a Sync and returns the findings as
// "code pointer" lines.
func decodeYAML(t *testing.T, doc string) (*Sync, []string) {
	t.Helper()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Fatal(err)
	}
	r := &report{file: "x.yaml", source: newSourceMap(&n)}
	s := &Sync{}
	decodeStrict(n.Content[0], "", s, r)
	var got []string
	for _, f := range r.findings {
		got = append(got, f.Code+" "+f.Pointer)
	}
	return s, got
}

func TestDecodeStrictAliases(t *testing.T) {
	t.Parallel()
	s, got := decodeYAML(t, `
system: s
pagination: &paging
  type: page
  param: page
entities:
  a: {model: m, key: k, pagination: *paging}
`)
	if len(got) > 0 {
		t.Fatalf("findings: %v", got)
	}
	if s.Entities["a"].Pagination == nil || s.Entities["a"].Pagination.Type != "page" {
		t.Errorf("alias not followed: %+v", s.Entities["a"])
	}
}

func TestDecodeStrictDuplicateKey(t *testing.T) {
	t.Parallel()
	s, got := decodeYAML(t, `{"system": "first", "system": "second", "entities": {}}`)
	if diff := cmp.Diff([]string{"invalid-value /system"}, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if s.System != "first" {
		t.Errorf("System = %q, want the first value", s.System)
	}
}

func TestDecodeStrictKeepsGoodParts(t *testing.T) {
	t.Parallel()
	s, got := decodeYAML(t, `
system: s
rateLimit: {requests: 10, per: 2m, burst: "x"}
entities:
  a: {model: m, key: k, list: {operation: op, size: 3}}
  b: {model: m, key: k, when: 5}
`)
	want := []string{"invalid-type /rateLimit/burst", "unknown-key /entities/a/list/size", "invalid-type /entities/b/when"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if s.RateLimit.Requests != 10 || s.RateLimit.Per.Std().Minutes() != 2 || s.Entities["a"].List.Operation != "op" {
		t.Errorf("decoded %+v %+v", s.RateLimit, s.Entities["a"].List)
	}
}

func TestDecodeStrictLiteralSecretKinds(t *testing.T) {
	t.Parallel()
	for _, secret := range []string{"123456", "true"} {
		_, got := decodeYAML(t, `
system: s
entities: {}
webhooks:
  event: type
  events: {}
  signature: {header: X, secret: `+secret+`}
`)
		want := []string{"literal-secret /webhooks/signature/secret"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("secret %s: findings (-want +got):\n%s", secret, diff)
		}
	}
}

// TestDecodeStrictAliasExpansion checks that a document whose aliases
// expand exponentially is refused quickly with one finding.
func TestDecodeStrictAliasExpansion(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("system: s\nentities: {}\nwebhooks:\n  event: e\n  events: {}\n")
	b.WriteString("x0: &a0 [a, a, a, a, a, a, a, a, a, a]\n")
	for i := 1; i < 9; i++ {
		b.WriteString("x" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [")
		for j := range 10 {
			if j > 0 {
				b.WriteString(", ")
			}
			b.WriteString("*a" + strconv.Itoa(i-1))
		}
		b.WriteString("]\n")
	}
	doc := "read-only: 1\n" + b.String()
	var n yaml.Node
	if err := yaml.Unmarshal([]byte(doc), &n); err != nil {
		t.Skip("the YAML parser refuses the document itself:", err)
	}
	r := &report{file: "x.yaml", source: newSourceMap(&n)}
	m := Mapping{}
	decodeStrict(n.Content[0], "", &m, r)
	if !hasCode(r.findings, CodeInvalidValue) {
		t.Errorf("no finding for an alias expansion of 10^9 values: %v", r.findings)
	}
}

func TestDecodeStrictWholeNumbers(t *testing.T) {
	t.Parallel()
	s, got := decodeYAML(t, `{"system": "s", "entities": {}, "rateLimit": {"requests": 1e2, "burst": 20.0, "concurrency": 2.5}, "retry": {"maxAttempts": 99999999999}}`)
	want := []string{"invalid-type /rateLimit/concurrency", "invalid-value /retry/maxAttempts"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
	if s.RateLimit.Requests != 100 || s.RateLimit.Burst != 20 {
		t.Errorf("decoded %+v", s.RateLimit)
	}
}
