package specs

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLoadUnreadable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, data string
		line, col  int
	}{
		{"broken JSON", "{\n  \"a\": [1, 2,,]\n}", 2, 14},
		{"trailing comma", "{\"a\": 1,}", 1, 9},
		{"broken YAML", "a:\n  b: 1\n c: 2\n", 3, 2},
		{"not an object", "[1, 2]", 1, 1},
		{"empty", "", 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spec, fs, err := LoadBytes("spec.json", []byte(tt.data), LoadOptions{})
			var re *ReadError
			if !errors.Is(err, ErrUnreadable) || !errors.As(err, &re) {
				t.Fatalf("error %v does not wrap ErrUnreadable as a *ReadError", err)
			}
			if spec != nil || fs != nil {
				t.Errorf("got a spec or findings with an unreadable file")
			}
			if diff := cmp.Diff([2]int{tt.line, tt.col}, [2]int{re.Line, re.Column}); diff != "" {
				t.Errorf("position of %q (-want +got):\n%s", re.Error(), diff)
			}
		})
	}
}

func TestLoadMissingFile(t *testing.T) {
	t.Parallel()
	_, _, err := Load(filepath.Join(t.TempDir(), "nope.json"), LoadOptions{})
	if !errors.Is(err, ErrUnreadable) || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("error %v wraps neither ErrUnreadable nor os.ErrNotExist", err)
	}
	_, _, err = LoadModel(filepath.Join(t.TempDir(), "nope.json"), LoadOptions{})
	if !errors.Is(err, ErrUnreadable) {
		t.Errorf("LoadModel error %v does not wrap ErrUnreadable", err)
	}
}

func TestAllowExternalFiles(t *testing.T) {
	t.Parallel()
	for _, opts := range []LoadOptions{{}, {AllowExternalFiles: true}} {
		spec, fs, err := Load("testdata/refs/outside.json", opts)
		if err != nil {
			t.Fatal(err)
		}
		refused := hasCode(fs, CodeExternalRefRefused)
		if refused == opts.AllowExternalFiles || (spec == nil) == opts.AllowExternalFiles {
			t.Errorf("AllowExternalFiles=%v: refused=%v, spec=%v", opts.AllowExternalFiles, refused, spec != nil)
		}
	}
}

// TestRemoteRefs serves a schema over HTTP: refused by default without a
// request, read when AllowRemoteRefs is set.
func TestRemoteRefs(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		fmt.Fprint(w, `{"components": {"schemas": {"Item": {"type": "object", "properties": {"id": {"type": "string"}}}}}}`)
	}))
	defer srv.Close()
	data := specWithRef(srv.URL + "/common.json#/components/schemas/Item")
	name := filepath.Join(t.TempDir(), "spec.json")

	spec, fs, err := LoadBytes(name, data, LoadOptions{})
	if err != nil || spec != nil || !hasCode(fs, CodeExternalRefRefused) || hits.Load() != 0 {
		t.Fatalf("default: err=%v spec=%v findings=%v hits=%d", err, spec != nil, fs, hits.Load())
	}
	spec, fs, err = LoadBytes(name, data, LoadOptions{AllowRemoteRefs: true})
	if err != nil || spec == nil || fs.HasErrors() || hits.Load() == 0 {
		t.Fatalf("allowed: err=%v spec=%v findings=%v hits=%d", err, spec != nil, fs, hits.Load())
	}
}

// TestSymlinkOutsideRefused checks that a link inside the spec's folder
// to a file outside it is refused like the file itself.
func TestSymlinkOutsideRefused(t *testing.T) {
	t.Parallel()
	outside, dir := t.TempDir(), t.TempDir()
	target := filepath.Join(outside, "common.json")
	if err := os.WriteFile(target, []byte(`{"components": {"schemas": {"Item": {"type": "object"}}}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "common.json")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	_, fs, err := LoadBytes(filepath.Join(dir, "spec.json"), specWithRef("common.json#/components/schemas/Item"), LoadOptions{})
	if err != nil || !hasCode(fs, CodeExternalRefRefused) {
		t.Errorf("err=%v findings=%v; want %s", err, fs, CodeExternalRefRefused)
	}
}

// specWithRef returns a small spec whose list response refers to ref.
func specWithRef(ref string) []byte {
	return []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "t", "version": "1"},
  "paths": {"/items": {"get": {"operationId": "listItems",
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "` + ref + `"}}}}}}}},
  "x-sync": {"system": "s", "entities": {"item": {"model": "unit", "key": "id", "list": {"operation": "listItems"}}}}
}`)
}

// hasCode reports whether fs holds a finding with code.
func hasCode(fs Findings, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// goldenModel is the model the spec fixtures are validated against.
const goldenModel = "testdata/model.json"

func TestSwagger2KeepsXSync(t *testing.T) {
	t.Parallel()
	spec, _, err := Load("testdata/swagger2.json", LoadOptions{})
	if err != nil || spec == nil {
		t.Fatalf("err=%v spec=%v", err, spec)
	}
	if spec.Doc.OpenAPI[:2] != "3." || spec.Sync.System != "erp" || spec.Sync.Auth.Type != "basic" {
		t.Errorf("converted document: openapi %q, x-sync %+v", spec.Doc.OpenAPI, spec.Sync)
	}
	if op, ok := spec.Operation("listTenants"); !ok || op.Method != "GET" || op.Path != "/tenants" {
		t.Errorf("Operation(listTenants) = %+v, %v", op, ok)
	}
}

func TestLoadOpenAPI31YAML(t *testing.T) {
	t.Parallel()
	spec, fs, err := Load("testdata/valid_graphql.yaml", LoadOptions{})
	if err != nil || fs.HasErrors() {
		t.Fatalf("err=%v findings=%v", err, fs)
	}
	if !spec.Doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q is not read as 3.1", spec.Doc.OpenAPI)
	}
	tenant, _ := spec.Entity("tenant")
	if tenant.Upsert.Variable != "t" || tenant.Delete.Mode != "detach" || tenant.Incremental.Format != "rfc3339" {
		t.Errorf("decoded tenant: %+v", tenant)
	}
}

func TestValidateFiles(t *testing.T) {
	t.Parallel()
	fs := ValidateFiles(goldenModel, []string{"testdata/valid.json", "testdata/validate_model.json", "testdata/broken.json"}, LoadOptions{})
	var files []string
	for _, f := range fs {
		files = append(files, f.File+" "+f.Code)
	}
	for _, want := range []string{"testdata/broken.json parse-error", "testdata/validate_model.json unknown-entity", "testdata/validate_model.json unknown-model-field"} {
		if !strings.Contains(strings.Join(files, "\n"), want) {
			t.Errorf("ValidateFiles lacks %q:\n%s", want, strings.Join(files, "\n"))
		}
	}
}
