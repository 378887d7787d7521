package specs_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

func TestTodoNotesAreWarnings(t *testing.T) {
	data := []byte(`{"openapi": "3.0.3", "info": {"title": "t", "version": "1"},
  "paths": {"/things": {"get": {"operationId": "listThings", "responses": {"200": {"description": "ok"}}}}},
  "x-sync": {"system": "t", "todo": ["auth: choose one"],
    "entities": {"thing": {"model": "thing", "key": "id", "list": {"operation": "listThings"},
      "todo": ["key: which field?", "model: which entity?"]}}}}`)
	_, fs, err := specs.LoadBytes(filepath.Join(t.TempDir(), "t.json"), data, specs.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	type todo struct {
		Pointer, Message string
		Line             int
		Severity         specs.Severity
	}
	var got []todo
	for _, f := range fs {
		if f.Code == specs.CodeTodo {
			got = append(got, todo{f.Pointer, f.Message, f.Line, f.Severity})
		}
	}
	want := []todo{
		{"/x-sync/todo/0", "todo: auth: choose one", 3, specs.SeverityWarning},
		{"/x-sync/entities/thing/todo/0", "todo: key: which field?", 5, specs.SeverityWarning},
		{"/x-sync/entities/thing/todo/1", "todo: model: which entity?", 5, specs.SeverityWarning},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("todo findings (-want +got):\n%s", d)
	}
}
