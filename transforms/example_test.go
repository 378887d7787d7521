package transforms_test

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/transforms"
)

func ExampleTemplate_Render() {
	env := transforms.NewEnv()
	tpl, err := env.Compile(`{{ lease.cold_rent|add:lease.service_charges|decimal_de:2 }} €`)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := tpl.Render(transforms.Vars{"lease": map[string]any{
		"cold_rent":       json.Number("850.5"),
		"service_charges": "1.120,00",
	}})
	fmt.Println(out, err)
	// Output: 1.970,50 € <nil>
}

func ExampleEnv_CompileMapping() {
	target := openapi3.NewObjectSchema().
		WithProperty("externalTenantId", openapi3.NewStringSchema()).
		WithProperty("coldRent", openapi3.NewStringSchema()).
		WithProperty("rooms", openapi3.NewIntegerSchema()).
		WithProperty("start", openapi3.NewStringSchema().WithFormat("date"))
	target.Required = []string{"externalTenantId"}

	m, err := transforms.NewEnv().CompileMapping(map[string]any{
		"externalTenantId": "{{ lease.id }}",
		"coldRent":         "{{ lease.cold_rent|decimal:2 }}",
		"rooms":            "{{ lease.rooms }}",
		"start":            "{{ lease.start }}",
	}, target)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := m.Apply(transforms.Vars{"lease": map[string]any{
		"id": "L-1", "cold_rent": "850,5", "rooms": "3", "start": "01.04.2024",
	}})
	body, _ := json.Marshal(out)
	fmt.Println(string(body), err)

	_, err = m.Apply(transforms.Vars{"lease": map[string]any{"cold_rent": "a lot"}})
	var re *transforms.RecordError
	if errors.As(err, &re) {
		for _, f := range re.Fields {
			fmt.Println(f.Field, f.Filter, f.Err)
		}
	}
	// Output:
	// {"coldRent":"850.50","externalTenantId":"L-1","rooms":3,"start":"2024-04-01"} <nil>
	// /coldRent decimal filter "decimal" on "a lot": not a number: unexpected 'a'
	// /externalTenantId  required field is empty
}
