package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// vendorWithUnusedFaults is a vendor document whose faults are all in an
// operation the x-sync does not use.
const vendorWithUnusedFaults = `openapi: 3.0.3
info: {title: Vendor, version: "1"}
paths:
  /tenants:
    get:
      operationId: listTenants
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Tenant'}
  /units:
    get:
      operationId: listUnits
      parameters:
        - name: q
          in: query
          schema: {type: string, pattern: '(?=a)b'}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {$ref: '#/components/schemas/Unit'}
components:
  schemas:
    Tenant:
      type: object
      properties:
        id: {type: string}
        last_name: {type: string}
    Unit:
      type: object
      properties:
        id: {type: string, default: 7}
x-sync:
  system: vendor
  entities:
    tenant: {model: tenant, key: id, list: {operation: listTenants}}
`

// TestValidateHidesUnusedVendorFaults pins that validate's text output
// counts the warnings about unused parts of the vendor's document and
// lists them only with --all, while JSON lists them all.
func TestValidateHidesUnusedVendorFaults(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "vendor.yaml", vendorWithUnusedFaults)
	code, out, _ := runCLI(t, "validate", path)
	if code != 0 || strings.Contains(out, "openapi-unused-invalid") || !strings.Contains(out, "(2 about unused parts of the OpenAPI document hidden; --all lists them)") {
		t.Errorf("validate: exit %d, output:\n%s", code, out)
	}
	code, out, _ = runCLI(t, "validate", "--all", path)
	if code != 0 || strings.Count(out, "warning[openapi-unused-invalid]") != 2 || strings.Contains(out, "hidden") {
		t.Errorf("validate --all: exit %d, output:\n%s", code, out)
	}
	_, out, _ = runCLI(t, "validate", "--format", "json", path)
	var res struct{ Findings []struct{ Code string } }
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range res.Findings {
		if f.Code == "openapi-unused-invalid" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("JSON lists %d unused-part findings, want 2:\n%s", n, out)
	}
}

// TestExplainAndMockRunOnWarningsOnly pins that explain and mock accept a
// vendor document whose faults are only warnings.
func TestExplainAndMockRunOnWarningsOnly(t *testing.T) {
	t.Parallel()
	path := writeFile(t, "vendor.yaml", vendorWithUnusedFaults)
	code, out, errOut := runCLI(t, "explain", path)
	if code != 0 || !strings.Contains(out, "listTenants") {
		t.Fatalf("explain: exit %d\n%s\n%s", code, out, errOut)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cmd := newMockCmd()
	pr, pw := io.Pipe()
	cmd.SetOut(pw)
	cmd.SetErr(io.Discard)
	cmd.SetArgs([]string{"--addr", "127.0.0.1:0", path})
	done := make(chan error, 1)
	go func() {
		err := cmd.ExecuteContext(ctx)
		pw.Close()
		done <- err
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("mock printed nothing: %v (%v)", err, <-done)
	}
	url := strings.Fields(strings.TrimPrefix(line, "mock serving on "))[0]
	resp, err := http.Get(url + "/tenants")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET /tenants: %s", resp.Status)
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("mock: %v", err)
	}
}

// TestExplainRefusalLeavesOutUnusedVendorFaults: explain refusing a spec
// with errors prints them as validate does without --all, counting the
// warnings about unused parts of the vendor's document it leaves out.
func TestExplainRefusalLeavesOutUnusedVendorFaults(t *testing.T) {
	t.Parallel()
	code, _, errOut := runCLI(t, "explain", "../../specs/testdata/vendor_scope.yaml")
	if code != 1 || !strings.Contains(errOut, "error[") {
		t.Fatalf("explain: exit %d, want 1 with the errors\n%s", code, errOut)
	}
	if strings.Contains(errOut, "openapi-unused-invalid") || !strings.Contains(errOut, "(3 warnings about unused parts of the OpenAPI document not shown;") {
		t.Fatalf("explain printed the unused-part warnings or did not count them:\n%s", errOut)
	}
}
