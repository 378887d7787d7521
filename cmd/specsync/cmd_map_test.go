package main

import (
	"strings"
	"testing"
)

// itemsSpec is a vendor document whose create body takes one item or a
// batch, oneOf [array of Item, Item], with an x-sync writing one item.
const itemsSpec = `{
  "openapi": "3.0.1",
  "info": {"title": "items", "version": "1"},
  "components": {"schemas": {"Item": {"type": "object", "required": ["externalId", "name"], "properties": {
    "externalId": {"type": "string"}, "name": {"type": "string"}, "price": {"type": "number"}, "stock": {"type": "integer"}}}}},
  "paths": {"/items": {"post": {"operationId": "createItems",
    "requestBody": {"content": {"application/json": {"schema": {"oneOf": [
      {"type": "array", "items": {"$ref": "#/components/schemas/Item"}}, {"$ref": "#/components/schemas/Item"}]}}}},
    "responses": {"201": {"description": "created"}}}}},
  "x-sync": {"system": "items", "entities": {"item": {"model": "item", "key": "externalId",
    "create": {"operation": "createItems"},
    "write": {"externalId": "{{ record.id }}", "name": "{{ record.name }}", "price": "{{ record.price|decimal:2 }}", "stock": "{{ record.stock }}"}}}}
}`

func TestMapWritesTheItemOfAOneOfBody(t *testing.T) {
	spec := writeFile(t, "items.json", itemsSpec)
	code, out, errOut := runCLI(t, "map", spec, "item", "--input", writeFile(t, "item.json", `{"id": "i-1", "name": "Desk", "price": "12.5", "stock": "3"}`))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{`"price": 12.50`, `"stock": 3`} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	code, _, errOut = runCLI(t, "map", spec, "item", "--input", writeFile(t, "item.json", `{"id": "i-1", "name": "Desk", "price": "cheap"}`))
	if code != 1 || !strings.Contains(errOut, "/price") || !strings.Contains(errOut, "oneOf/1 (#/components/schemas/Item)") {
		t.Errorf("exit %d, want 1 naming /price and the branch: %s", code, errOut)
	}
}
