package specs_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// openAPIFindings loads path and returns its findings about the OpenAPI
// document, as "severity code pointer line:col".
func openAPIFindings(t *testing.T, path string) []string {
	t.Helper()
	_, fs, err := specs.Load(path, loadOptions())
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		if !strings.HasPrefix(f.Code, "openapi-") {
			continue
		}
		if strings.Contains(f.Message, "\n") {
			t.Errorf("%s: message spans lines: %q", f.Pointer, f.Message)
		}
		out = append(out, string(f.Severity)+" "+f.Code+" "+f.Pointer+" "+position(f))
	}
	return out
}

func position(f specs.Finding) string {
	return strings.TrimPrefix(strings.SplitN(f.String(), ": ", 2)[0], f.File+":")
}

// TestVendorFaultsScoped pins that a fault of the vendor's document is an
// error only where the x-sync's operations reach it, a warning elsewhere,
// and that a cause shared by many schemas is reported once, at its own
// line and column.
func TestVendorFaultsScoped(t *testing.T) {
	t.Parallel()
	want := []string{
		"warning openapi-unused-invalid /paths/~1units/get/parameters/0/schema 21:11",
		"warning openapi-unused-invalid /paths/~1units~1{code} 37:3",
		"error openapi-invalid /components/schemas/Zip 46:5",
		"warning openapi-example-invalid /components/schemas/Address/properties/street/example 52:32",
		"warning openapi-unused-invalid /components/schemas/Unit/properties/id/default 64:28",
	}
	if diff := cmp.Diff(want, openAPIFindings(t, "testdata/vendor_scope.yaml")); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}

// TestOpenAPI31JudgedAsJSONSchema2020 pins that $recursiveRef,
// $dynamicRef, numeric exclusive bounds, unknown keywords and examples or
// defaults that do not match are not errors in an OpenAPI 3.1 document,
// and that a boolean exclusiveMinimum (the 3.0 form) is only a warning.
func TestOpenAPI31JudgedAsJSONSchema2020(t *testing.T) {
	t.Parallel()
	tolerated := 0
	for _, f := range openAPIFindings(t, "testdata/vendor31.yaml") {
		switch {
		case strings.HasPrefix(f, "warning openapi-tolerated /components/schemas/Tenant/properties/score "):
			tolerated++
		case !strings.HasPrefix(f, "warning openapi-example-invalid "):
			t.Errorf("unexpected finding: %s", f)
		}
	}
	if tolerated != 1 {
		t.Errorf("the boolean exclusiveMinimum gave %d openapi-tolerated warnings, want 1", tolerated)
	}
}

// TestSwaggerFaultsLocatedInTheSwaggerFile pins that faults of a Swagger
// 2.0 document are reported at pointers of the Swagger file, not of the
// OpenAPI 3 document it is converted to.
func TestSwaggerFaultsLocatedInTheSwaggerFile(t *testing.T) {
	t.Parallel()
	const path = "testdata/swagger2_faults.json"
	want := []string{
		"error openapi-invalid /paths/~1tenants/get/parameters/0 11:11",
		"error openapi-invalid /paths/~1tenants/post/responses/201/schema/properties/id 23:101",
		"error openapi-invalid /definitions/Tenant/properties/last_name/default 32:41",
	}
	if diff := cmp.Diff(want, openAPIFindings(t, path)); diff != "" {
		t.Errorf("findings (-want +got):\n%s", diff)
	}
}
