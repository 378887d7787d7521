package specs

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
)

// Credential is a reference to a secret: an environment variable, a file,
// or a named credential the instance supplies. Exactly one is set. A literal
// secret in a spec is refused (code literal-secret).
type Credential struct {
	Env        string `json:"env,omitempty" choice:"source" doc:"Environment variable holding the secret." example:"EVERREAL_CLIENT_SECRET"`
	File       string `json:"file,omitempty" choice:"source" doc:"File holding the secret (trailing newline dropped)."`
	Credential string `json:"credential,omitempty" choice:"source" doc:"Name of a credential the instance supplies." example:"client_secret"`
}

// IsZero reports whether no reference is set.
func (c Credential) IsZero() bool { return c.Env == "" && c.File == "" && c.Credential == "" }

// String describes the reference without revealing any secret.
func (c Credential) String() string {
	switch {
	case c.Env != "":
		return "env:" + c.Env
	case c.File != "":
		return "file:" + c.File
	case c.Credential != "":
		return "credential:" + c.Credential
	}
	return "none"
}

// References lists the credential references held anywhere in v (a struct,
// a pointer, a map, a slice or an interface holding one, such as a decoded
// plug-in config), in the order of fields and list items and, within a
// map, of its sorted keys. Zero references are left out.
func References(v any) []Credential {
	var out []Credential
	collectReferences(reflect.ValueOf(v), &out)
	return out
}

// collectReferences walks v and appends the references it holds.
func collectReferences(v reflect.Value, out *[]Credential) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			collectReferences(v.Elem(), out)
		}
	case reflect.Struct:
		collectStructReferences(v, out)
	case reflect.Map:
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		for _, k := range keys {
			collectReferences(v.MapIndex(k), out)
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			collectReferences(v.Index(i), out)
		}
	}
}

// collectStructReferences appends v when it is a reference, else the
// references its exported fields hold.
func collectStructReferences(v reflect.Value, out *[]Credential) {
	if v.Type() == credentialType {
		if c := v.Interface().(Credential); !c.IsZero() {
			*out = append(*out, c)
		}
		return
	}
	for i := range v.NumField() {
		if v.Type().Field(i).IsExported() {
			collectReferences(v.Field(i), out)
		}
	}
}
