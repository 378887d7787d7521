package store

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// maskTail replaces the hidden part of a masked value.
const maskTail = "***"

// Mask returns a copy of values in which the fields listed in personal are
// masked: a string keeps its first letters ("Max Mustermann" becomes
// "Ma***"), any other value becomes "***", and objects and arrays are
// masked throughout. A field may be a dotted path into nested objects
// ("contact.email"). Missing fields and nil values are left as they are;
// values itself is not modified.
func Mask(values map[string]any, personal []string) map[string]any {
	if values == nil {
		return nil
	}
	out := make(map[string]any, len(values))
	for k, v := range values {
		out[k] = v
	}
	for _, path := range personal {
		maskPath(out, strings.Split(path, "."))
	}
	return out
}

// maskPath masks the value at path in m, copying the nested objects it
// passes through so that the caller's values stay untouched.
func maskPath(m map[string]any, path []string) {
	v, ok := m[path[0]]
	if !ok || v == nil {
		return
	}
	if len(path) == 1 {
		m[path[0]] = MaskValue(v)
		return
	}
	if inner, isMap := v.(map[string]any); isMap {
		inner = Mask(inner, nil)
		maskPath(inner, path[1:])
		m[path[0]] = inner
	}
}

// MaskValue masks one value entirely, as Mask masks a personal field.
func MaskValue(v any) any {
	switch v := v.(type) {
	case nil:
		return nil
	case string:
		return MaskString(v)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, inner := range v {
			out[k] = MaskValue(inner)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, inner := range v {
			out[i] = MaskValue(inner)
		}
		return out
	}
	return maskTail
}

// MaskString keeps the first two letters of s, or the first one when s
// has fewer than five, and replaces the rest with "***". Strings of one
// letter or none become "***".
func MaskString(s string) string {
	n := utf8.RuneCountInString(s)
	keep := 2
	switch {
	case n <= 1:
		return maskTail
	case n < 5:
		keep = 1
	}
	i := 0
	for range keep {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return s[:i] + maskTail
}

// Redactor removes known secret values from text before it is stored or
// logged: failure reasons, audit errors. A nil *Redactor leaves text
// unchanged. It is safe for concurrent use.
type Redactor struct {
	r *strings.Replacer
}

// redacted replaces a secret in text.
const redacted = "[redacted]"

// NewRedactor returns a Redactor for the secret values; empty ones are
// ignored. Longer secrets are replaced first, so a secret that contains
// another is hidden whole.
func NewRedactor(secrets ...string) *Redactor {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, s := range sorted {
		if s != "" {
			pairs = append(pairs, s, redacted)
		}
	}
	return &Redactor{r: strings.NewReplacer(pairs...)}
}

// Redact returns text with every secret replaced by "[redacted]".
func (r *Redactor) Redact(text string) string {
	if r == nil || r.r == nil {
		return text
	}
	return r.r.Replace(text)
}
