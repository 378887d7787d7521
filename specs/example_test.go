package specs_test

import (
	"fmt"

	"github.com/specsync/specsync/specs"
)

// A spec with a typo in an operationId and an unknown key: Load reports
// both at once, each with its position, pointer and a hint.
func ExampleLoadBytes() {
	doc := []byte(`{
  "openapi": "3.0.3",
  "info": {"title": "Demo", "version": "1"},
  "paths": {"/units": {"get": {"operationId": "listUnits",
    "responses": {"200": {"description": "units"}}}}},
  "x-sync": {
    "system": "demo",
    "entities": {
      "unit": {"model": "unit", "key": "id", "list": {"operation": "listUnit"}, "sourceOfTruht": "home"}
    }
  }
}`)
	spec, findings, err := specs.LoadBytes("demo.json", doc, specs.LoadOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f)
	}
	fmt.Println("usable:", spec != nil && !findings.HasErrors())
	// Output:
	// demo.json:9:55: error[unknown-operation] no operation has operationId "listUnit" (/x-sync/entities/unit/list/operation)
	//     hint: did you mean "listUnits"?
	// demo.json:9:81: error[unknown-key] unknown key "sourceOfTruht" (/x-sync/entities/unit/sourceOfTruht)
	//     hint: did you mean "sourceOfTruth"?
	// usable: false
}
