package transforms

import (
	"path/filepath"
	"testing"
)

// BenchmarkTenantWriteMapping maps the EverReal tenant write mapping of
// DESIGN §5 (with lease, tenant, unit and instance variables, decimals,
// dates, required and default) against TenantInput, schema validation
// included. Run with -cpu=1 to read records/s per core.
func BenchmarkTenantWriteMapping(b *testing.B) {
	m := tenantMapping(b)
	var vars Vars
	readJSON(b, filepath.Join("testdata", "tenant_write", "complete.vars.json"), &vars)
	if _, err := m.Apply(vars); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := m.Apply(vars); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
}
