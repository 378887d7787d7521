package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/transforms"
)

// mapRows measures the map scenario: the EverReal tenant write mapping
// (lease, tenant, unit and instance variables, decimals, dates, required
// and default) applied to one record Records times on one goroutine,
// checked against TenantInput.
func mapRows(ctx context.Context, h *harness) ([]Row, error) {
	m, vars, err := tenantMapping()
	if err != nil {
		return nil, err
	}
	values := make([]float64, 0, h.o.Pairs)
	for i := range h.o.Pairs {
		h.progress("map: run %d of %d", i+1, h.o.Pairs)
		d, err := applyTimes(ctx, m, vars, h.o.Records)
		if err != nil {
			return nil, err
		}
		values = append(values, float64(h.o.Records)/d.Seconds())
	}
	return []Row{{Scenario: "map", Metric: "records/s", Records: h.o.Records, Value: median(values)}}, nil
}

// applyTimes applies m to vars n times and returns how long it took.
func applyTimes(ctx context.Context, m *transforms.Mapping, vars transforms.Vars, n int) (time.Duration, error) {
	start := time.Now()
	for i := range n {
		if _, err := m.Apply(vars); err != nil {
			return 0, err
		}
		if i%1000 == 0 && ctx.Err() != nil {
			return 0, ctx.Err()
		}
	}
	return time.Since(start), nil
}

// tenantMapping compiles the tenant write mapping against TenantInput and
// reads the variables of one complete record.
func tenantMapping() (*transforms.Mapping, transforms.Vars, error) {
	doc, err := openapi3.NewLoader().LoadFromData(mustFixture("tenant_schema.json"))
	if err != nil {
		return nil, nil, fmt.Errorf("tenant schema: %w", err)
	}
	var tree map[string]any
	var vars transforms.Vars
	if err := decodeFixture("tenant_mapping.json", &tree); err != nil {
		return nil, nil, err
	}
	if err := decodeFixture("tenant_vars.json", &vars); err != nil {
		return nil, nil, err
	}
	m, err := transforms.NewEnv().CompileMapping(tree, doc.Components.Schemas["TenantInput"].Value)
	if err != nil {
		return nil, nil, fmt.Errorf("tenant mapping: %w", err)
	}
	return m, vars, nil
}

// mustFixture returns an embedded fixture, which is there by construction.
func mustFixture(name string) []byte {
	data, err := fixtures.ReadFile("data/" + name)
	if err != nil {
		panic(err)
	}
	return data
}

// decodeFixture decodes an embedded JSON fixture, numbers as json.Number.
func decodeFixture(name string, v any) error {
	dec := json.NewDecoder(bytes.NewReader(mustFixture(name)))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
