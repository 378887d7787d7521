package transforms

import (
	"encoding/json"
	"math"
	"reflect"
	"regexp"
	"slices"
	"unicode/utf16"

	"github.com/getkin/kin-openapi/openapi3"
)

// precheck is a target schema compiled for a quick answer to "is this
// value valid?". It only ever answers yes when kin-openapi would accept the
// value too; on any doubt (a possible violation, a value of an unexpected
// Go type) it answers no and the caller asks kin-openapi, which names the
// violations. Schemas using keywords it does not know (allOf, oneOf,
// minimum, ...) give no precheck at all. A precheck is immutable and safe
// for concurrent use.
type precheck struct {
	// typ is the one JSON type allowed besides null, or "" for any
	// non-null value (a schema without type and constraints).
	typ      string
	nullable bool
	enum     []string
	minLen   uint64
	maxLen   *uint64
	pattern  *regexp.Regexp
	format   string
	props    map[string]*precheck
	required []string
	closed   bool // additionalProperties: false
	items    *precheck
}

// newPrecheck compiles s, or returns nil when s uses anything a precheck
// cannot judge.
func newPrecheck(s *openapi3.Schema) *precheck {
	if s == nil {
		return nil
	}
	c, ok := compilePrecheck(s, map[*openapi3.Schema]*precheck{})
	if !ok {
		return nil
	}
	return c
}

// compilePrecheck compiles s; seen holds the schemas being compiled, for
// recursive schemas.
func compilePrecheck(s *openapi3.Schema, seen map[*openapi3.Schema]*precheck) (*precheck, bool) {
	if c, ok := seen[s]; ok {
		return c, true
	}
	if !simpleSchema(s) {
		return nil, false
	}
	c := &precheck{nullable: s.Nullable, minLen: s.MinLength, maxLen: s.MaxLength,
		format: s.Format, required: s.Required, closed: s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has}
	seen[s] = c
	ok := c.setType(s) && c.setEnum(s.Enum) && c.setPattern(s.Pattern) && c.setChildren(s, seen)
	return c, ok
}

// simpleSchema reports whether s sets nothing but the keywords a precheck
// knows. Any other field (including ones a later kin-openapi adds) rules
// the precheck out.
func simpleSchema(s *openapi3.Schema) bool {
	if s.AdditionalProperties.Schema != nil {
		return false
	}
	rest := *s
	rest.Extensions, rest.Origin = nil, nil
	rest.Type, rest.Nullable, rest.Format, rest.Enum = nil, false, "", nil
	rest.Title, rest.Description, rest.Default, rest.Example = "", "", nil, nil
	rest.ExternalDocs, rest.XML, rest.Deprecated = nil, nil, false
	rest.ReadOnly, rest.WriteOnly = false, false // only checked for requests/responses
	rest.MinLength, rest.MaxLength, rest.Pattern = 0, nil, ""
	rest.Items, rest.Required, rest.Properties = nil, nil, nil
	rest.AdditionalProperties = openapi3.AdditionalProperties{}
	return reflect.ValueOf(rest).IsZero()
}

// setType reads the schema's type: one type, optionally with null. A
// schema without a type must have no constraints either.
func (c *precheck) setType(s *openapi3.Schema) bool {
	for _, t := range s.Type.Slice() {
		switch {
		case t == openapi3.TypeNull:
			c.nullable = true
		case c.typ != "":
			return false
		default:
			c.typ = t
		}
	}
	switch c.typ {
	case "":
		return s.Format == "" && s.Pattern == "" && s.MinLength == 0 && s.MaxLength == nil &&
			len(s.Enum) == 0 && s.Items == nil && len(s.Required) == 0 && len(s.Properties) == 0 && s.AdditionalProperties.Has == nil
	case openapi3.TypeString, openapi3.TypeObject, openapi3.TypeArray, openapi3.TypeBoolean:
		return true
	case openapi3.TypeNumber, openapi3.TypeInteger:
		return s.Format == ""
	}
	return false
}

// setEnum accepts enums of strings only.
func (c *precheck) setEnum(enum []any) bool {
	for _, v := range enum {
		s, ok := v.(string)
		if !ok {
			return false
		}
		c.enum = append(c.enum, s)
	}
	return true
}

// codepoint is how kin-openapi rewrites ECMA \uXXXX escapes of patterns
// for Go.
var codepoint = regexp.MustCompile(`(?P<replaced_with_slash_x>\\u)(?P<code>[0-9A-F]{4})`)

// setPattern compiles the pattern as kin-openapi does; one that does not
// compile is left to kin-openapi to report.
func (c *precheck) setPattern(p string) bool {
	if p == "" {
		return true
	}
	re, err := regexp.Compile(codepoint.ReplaceAllString(p, `\x{${code}}`))
	c.pattern = re
	return err == nil
}

// setChildren compiles the properties and items.
func (c *precheck) setChildren(s *openapi3.Schema, seen map[*openapi3.Schema]*precheck) bool {
	if s.Items != nil {
		if s.Items.Value == nil {
			return false
		}
		items, ok := compilePrecheck(s.Items.Value, seen)
		if !ok {
			return false
		}
		c.items = items
	}
	if len(s.Properties) == 0 {
		return true
	}
	c.props = make(map[string]*precheck, len(s.Properties))
	for name, ref := range s.Properties {
		if ref == nil || ref.Value == nil {
			return false
		}
		p, ok := compilePrecheck(ref.Value, seen)
		if !ok {
			return false
		}
		c.props[name] = p
	}
	return true
}

// valid reports whether v surely satisfies the schema.
func (c *precheck) valid(v any) bool {
	if v == nil {
		return c.nullable
	}
	if len(c.enum) > 0 {
		s, ok := v.(string)
		if !ok || !slices.Contains(c.enum, s) {
			return false
		}
	}
	switch c.typ {
	case "":
		return true
	case openapi3.TypeString:
		s, ok := v.(string)
		return ok && c.validString(s)
	case openapi3.TypeNumber, openapi3.TypeInteger:
		return c.validNumber(v)
	case openapi3.TypeBoolean:
		_, ok := v.(bool)
		return ok
	case openapi3.TypeObject:
		m, ok := v.(map[string]any)
		return ok && c.validObject(m)
	case openapi3.TypeArray:
		list, ok := v.([]any)
		return ok && c.validArray(list)
	}
	return false
}

func (c *precheck) validString(s string) bool {
	if c.minLen != 0 || c.maxLen != nil {
		n := utf16Length(s)
		if n < c.minLen || c.maxLen != nil && n > *c.maxLen {
			return false
		}
	}
	if c.pattern != nil && !c.pattern.MatchString(s) {
		return false
	}
	if c.format == "" || c.format == "date" && isPlainDate(s) {
		return true // a plain date passes kin-openapi's pattern and parse
	}
	// kin-openapi looks formats up when validating; so does the precheck.
	f, known := openapi3.SchemaStringFormats[c.format]
	return !known || f.Validate(s) == nil
}

// utf16Length is the length JSON Schema gives a string.
func utf16Length(s string) uint64 {
	var n uint64
	for _, r := range s {
		if utf16.IsSurrogate(r) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func (c *precheck) validNumber(v any) bool {
	var f float64
	switch n := v.(type) {
	case json.Number:
		x, err := n.Float64()
		if err != nil {
			return false
		}
		f = x
	case float64:
		f = n
	case int:
		f = float64(n)
	case int64:
		f = float64(n)
	default:
		return false
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return false
	}
	return c.typ == openapi3.TypeNumber || f == math.Trunc(f)
}

func (c *precheck) validObject(m map[string]any) bool {
	for k, v := range m {
		p, known := c.props[k]
		if !known {
			if c.closed {
				return false
			}
			continue
		}
		if !p.valid(v) {
			return false
		}
	}
	for _, k := range c.required {
		if _, ok := m[k]; !ok {
			return false
		}
	}
	return true
}

func (c *precheck) validArray(list []any) bool {
	if c.items == nil {
		return true
	}
	for _, e := range list {
		if !c.items.valid(e) {
			return false
		}
	}
	return true
}
