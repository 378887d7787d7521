package engine_test

import (
	"fmt"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

func ExamplePermissions() {
	perms := instance.Permissions{
		instance.Push: {"tenant": {instance.Create, instance.Update}},
	}
	fmt.Println(perms.Allows(instance.Push, "tenant", instance.Update))
	fmt.Println(perms.Allows(instance.Push, "tenant", instance.Delete))
	fmt.Println(perms.Allows(instance.Pull, "tenant", instance.Update))
	fmt.Println(perms.Summary())
	// Output:
	// true
	// false
	// false
	// push tenant: create, update
}

func ExampleMask() {
	record := map[string]any{
		"first_name": "Maria",
		"last_name":  "Musterfrau",
		"contact":    map[string]any{"email": "maria@example.com", "city": "Köln"},
		"cold_rent":  "812.50",
	}
	masked := store.Mask(record, []string{"first_name", "last_name", "contact.email"})
	fmt.Println(masked["first_name"], masked["last_name"], masked["contact"], masked["cold_rent"])
	// Output: Ma*** Mu*** map[city:Köln email:ma***] 812.50
}

func ExampleDecodeInstance() {
	doc := []byte(`
id: erp-everreal
organisation: acme
home: {spec: erp.json}
partner: {spec: everreal.json, credentials: {client_secret: "hunter2"}}
model: model.json
schedule: {timezon: Europe/Berlin}
`)
	_, findings, err := instance.DecodeInstance("everreal.yaml", doc)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Printf("%s:%d:%d %s %s; %s\n", f.File, f.Line, f.Column, f.Code, f.Message, f.Hint)
	}
	// Output:
	// everreal.yaml:5:46 literal-secret a secret is written into the file as a string; reference the secret instead: {"env": "VARIABLE"} or {"file": "path"} (in a spec also {"credential": "name"})
	// everreal.yaml:7:12 unknown-key unknown key "timezon"; did you mean "timezone"?
}
