package samples

import (
	"regexp"
)

// secretMember matches body members whose values are credentials or
// secrets, which an example never shows.
var secretMember = regexp.MustCompile(`(?i)pass(word)?|secret|token|api[-_]?key|authorization|credential|private[-_]?key|^pin$|iban|card[-_]?number|cvv|ssn`)

// redacted replaces the value of a secret member in an example.
const redacted = "REDACTED"

// redact returns a copy of a JSON value with the values of secret members
// replaced.
func redact(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, mv := range v {
			if secretMember.MatchString(k) && mv != nil {
				out[k] = redacted
				continue
			}
			out[k] = redact(mv)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, item := range v {
			out[i] = redact(item)
		}
		return out
	}
	return v
}
