package samples

import (
	"encoding/json"
	"regexp"
)

// secretMember matches body members whose values are credentials or
// secrets, which an example never shows.
var secretMember = regexp.MustCompile(`(?i)pass(word)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key|^pin$|iban|card[-_]?number|cvv|ssn`)

// placeholders stand for a secret string of a format, so that the example
// still fits its schema.
var placeholders = map[string]string{
	"":          "REDACTED",
	"uuid":      "00000000-0000-0000-0000-000000000000",
	"date":      "2000-01-01",
	"date-time": "2000-01-01T00:00:00Z",
	"email":     "redacted@example.com",
	"uri":       "https://example.com/redacted",
}

// redact returns a copy of a JSON value in which every scalar below a
// member with a secret-looking name is replaced by a placeholder of its
// type and format ("REDACTED", 0).
func redact(v any) any {
	return redactBelow(v, false)
}

func redactBelow(v any, secret bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, mv := range v {
			out[k] = redactBelow(mv, secret || secretMember.MatchString(k))
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = redactBelow(item, secret)
		}
		return out
	case string:
		if secret {
			return placeholders[stringFormat(v)]
		}
	case json.Number:
		if secret {
			return json.Number("0")
		}
	}
	return v
}
