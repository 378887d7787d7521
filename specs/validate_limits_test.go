package specs

import (
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// limitsSpec is a spec with a write mapping of unit.name through tpl and
// the x-sync limits given as JSON (empty: none).
func limitsSpec(tpl, limits string) []byte {
	if limits != "" {
		limits = `, "limits": ` + limits
	}
	return []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {"/units": {"post": {"operationId": "createUnit",
    "requestBody": {"content": {"application/json": {"schema": {"type": "object", "properties": {
      "externalId": {"type": "string"}, "name": {"type": "string"}}}}}},
    "responses": {"201": {"description": "ok"}}}}},
  "x-sync": {"system": "s"` + limits + `, "entities": {"unit": {"model": "unit", "key": "externalId",
    "create": {"operation": "createUnit", "idempotencyKey": "Idempotency-Key"},
    "write": {"externalId": "{{ unit.id }}", "name": ` + strconv.Quote(tpl) + `}}}}
}`)
}

// TestValidateTemplateLimits checks that validate flags constant template
// arguments beyond the limits, at the template's pointer, and limits above
// their maxima.
func TestValidateTemplateLimits(t *testing.T) {
	t.Parallel()
	cases := []struct {
		tpl, limits string
		want        []string
	}{
		{`{{ unit.name|ljust:300000000|length }}`, "", []string{"error template-limit /x-sync/entities/unit/write/name"}},
		{`{{ unit.name|rjust:2000000000 }}`, "", []string{"error template-limit /x-sync/entities/unit/write/name"}},
		{`{{ unit.name|ljust:2000 }}`, `{"templateOutput": 1000}`, []string{"error template-limit /x-sync/entities/unit/write/name"}},
		{`{{ unit.name|ljust:2000 }}`, `{"templateOutput": 4000}`, nil},
		{`{{ unit.name }}`, `{"templateTime": "1m", "templateOutput": 99999999, "loopIterations": 99999999}`, []string{
			"error invalid-value /x-sync/limits/templateTime",
			"error invalid-value /x-sync/limits/templateOutput",
			"error invalid-value /x-sync/limits/loopIterations",
		}},
	}
	for _, c := range cases {
		_, fs, err := LoadBytes("unit.json", limitsSpec(c.tpl, c.limits), LoadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		got := findingsOf(fs)
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%s with limits %s: findings (-want +got):\n%s\n%v", c.tpl, c.limits, diff, fs)
		}
	}
}
