package transforms

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/google/go-cmp/cmp"
)

// schemaGen makes random object schemas of the kinds target schemas use,
// some with keywords the precheck does not know.
type schemaGen struct{ r *rand.Rand }

func (g schemaGen) object(depth int) *openapi3.Schema {
	s := openapi3.NewObjectSchema()
	for i := range 2 + g.r.IntN(5) {
		name := fmt.Sprintf("f%d", i)
		s.Properties[name] = g.property(depth).NewRef()
		if g.r.IntN(3) == 0 {
			s.Required = append(s.Required, name)
		}
	}
	if g.r.IntN(4) == 0 {
		s.WithoutAdditionalProperties()
	}
	s.Nullable = g.r.IntN(5) == 0
	return s
}

func (g schemaGen) property(depth int) *openapi3.Schema {
	var s *openapi3.Schema
	switch k := g.r.IntN(11); {
	case k == 0 && depth < 2:
		s = g.object(depth + 1)
	case k == 1 && depth < 2:
		s = openapi3.NewArraySchema().WithItems(g.property(depth + 1))
	case k == 2:
		s = openapi3.NewStringSchema().WithFormat([]string{"date", "date-time", "email", "x-custom"}[g.r.IntN(4)])
	case k == 3:
		s = openapi3.NewStringSchema().WithPattern(`^-?[0-9]+\.[0-9]{2}$`)
	case k == 4:
		s = openapi3.NewStringSchema().WithEnum("a", "b", "Ä")
	case k == 5:
		s = openapi3.NewStringSchema().WithMaxLength(3).WithMinLength(1)
	case k == 6:
		s = openapi3.NewIntegerSchema()
	case k == 7:
		s = openapi3.NewFloat64Schema().WithMin(0) // unknown to the precheck
	case k == 8:
		s = openapi3.NewBoolSchema()
	case k == 9:
		s = &openapi3.Schema{}
	default:
		s = openapi3.NewStringSchema()
	}
	s.Nullable = g.r.IntN(6) == 0
	return s
}

// value makes a value for s, usually valid, sometimes not.
func (g schemaGen) value(s *openapi3.Schema) any {
	if g.r.IntN(12) == 0 {
		return g.wild()
	}
	switch {
	case s.Type.Is("object"):
		m := map[string]any{}
		for name, p := range s.Properties {
			if g.r.IntN(5) > 0 {
				m[name] = g.value(p.Value)
			}
		}
		if g.r.IntN(10) == 0 {
			m["extra"] = "x"
		}
		return m
	case s.Type.Is("array"):
		list := make([]any, g.r.IntN(3))
		for i := range list {
			list[i] = g.value(s.Items.Value)
		}
		return list
	case s.Type.Is("string"):
		return g.text(s)
	case s.Type.Is("integer"):
		return json.Number([]string{"1", "42", "-7", "2.5", "1e3"}[g.r.IntN(5)])
	case s.Type.Is("number"):
		return json.Number([]string{"1.5", "-3", "0"}[g.r.IntN(3)])
	case s.Type.Is("boolean"):
		return g.r.IntN(2) == 0
	}
	return g.wild()
}

func (g schemaGen) text(s *openapi3.Schema) string {
	switch {
	case s.Format == "date":
		return []string{"2024-01-31", "2024-13-01", "31.01.2024"}[g.r.IntN(3)]
	case s.Format == "date-time":
		return []string{"2025-03-01T12:00:00Z", "2025-03-01T12:00:00+01:00", "2025-03-01 12:00"}[g.r.IntN(3)]
	case s.Format == "email":
		return []string{"a@b.de", "nobody"}[g.r.IntN(2)]
	case s.Pattern != "":
		return []string{"12.50", "-3.00", "12.5", "abc"}[g.r.IntN(4)]
	case len(s.Enum) > 0:
		return []string{"a", "b", "Ä", "c", ""}[g.r.IntN(5)]
	}
	return []string{"", "ab", "abc", "abcd", "𝄞𝄞"}[g.r.IntN(5)]
}

// wild is a value of any type.
func (g schemaGen) wild() any {
	return []any{nil, "x", json.Number("3"), json.Number("1.25"), true, []any{"x"}, map[string]any{"k": "v"}}[g.r.IntN(7)]
}

// TestPrecheckAgreesWithKinOpenAPI validates many generated records
// against generated schemas, with and without the precheck: the errors
// must be the same, and the precheck must prove a good share valid.
func TestPrecheckAgreesWithKinOpenAPI(t *testing.T) {
	t.Parallel()
	g := schemaGen{r: rand.New(rand.NewPCG(1, 2))}
	var proved, invalid, compiled int
	for range 300 {
		s := g.object(0)
		m := &Mapping{target: s, check: newPrecheck(s)}
		if m.check == nil {
			continue
		}
		compiled++
		for range 40 {
			rec := g.value(s)
			out, _ := rec.(map[string]any)
			if out == nil {
				out = map[string]any{"f0": rec}
			}
			kin := s.VisitJSON(out, openapi3.MultiErrors())
			if m.check.valid(out) {
				proved++
				if kin != nil {
					t.Fatalf("precheck accepts %v, kin-openapi says: %v\nschema: %s", out, kin, mustJSON(t, s))
				}
			}
			if kin != nil {
				invalid++
			}
			fast := &recordBuilder{m: m}
			fast.validate(out)
			slow := &recordBuilder{m: &Mapping{target: s}}
			slow.validate(out)
			if diff := cmp.Diff(errorTexts(slow.errs), errorTexts(fast.errs)); diff != "" {
				t.Fatalf("errors differ for %v (-kin-openapi +precheck):\n%s", out, diff)
			}
		}
	}
	if compiled < 50 || proved < 500 || invalid < 500 {
		t.Fatalf("too few cases: %d schemas compiled, %d records proved valid, %d invalid", compiled, proved, invalid)
	}
}

// TestPrecheckRefusesUnknownKeywords leaves schemas with keywords it does
// not judge to kin-openapi.
func TestPrecheckRefusesUnknownKeywords(t *testing.T) {
	t.Parallel()
	for name, s := range map[string]*openapi3.Schema{
		"minimum":       openapi3.NewObjectSchema().WithProperty("n", openapi3.NewFloat64Schema().WithMin(1)),
		"allOf":         openapi3.NewAllOfSchema(openapi3.NewObjectSchema()),
		"int format":    openapi3.NewObjectSchema().WithProperty("n", openapi3.NewInt32Schema()),
		"number enum":   openapi3.NewObjectSchema().WithProperty("n", openapi3.NewFloat64Schema().WithEnum(1.0)),
		"bad pattern":   openapi3.NewObjectSchema().WithProperty("s", openapi3.NewStringSchema().WithPattern("(")),
		"additional":    openapi3.NewObjectSchema().WithAdditionalProperties(openapi3.NewStringSchema()),
		"maxProperties": openapi3.NewObjectSchema().WithMaxProperties(2),
		"two types":     openapi3.NewObjectSchema().WithProperty("v", openapi3.NewSchema().WithTypes("string", "integer")),
	} {
		if c := newPrecheck(s); c != nil {
			t.Errorf("%s: got a precheck, want none", name)
		}
	}
}

func errorTexts(errs []FieldError) []string {
	out := make([]string, len(errs))
	for i, fe := range sortFieldErrors(errs) {
		out[i] = fe.Field + " | " + fe.Value + " | " + fe.Err.Error()
	}
	return out
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
