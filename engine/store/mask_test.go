package store

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestMask(t *testing.T) {
	values := map[string]any{
		"first_name": "Max",
		"last_name":  "Mustermann",
		"email":      "max@example.com",
		"phone":      nil,
		"birth_year": 1980.0,
		"unit":       "4f1c-unit",
		"contact":    map[string]any{"email": "m@x.de", "city": "Köln", "phones": []any{"0171 123", "0221 456"}},
		"names":      []any{"Ärger", 7.0, map[string]any{"n": "Ö"}},
	}
	got := Mask(values, []string{"first_name", "last_name", "email", "phone", "birth_year", "contact.email", "contact.phones", "names", "absent", "unit.sub"})
	want := map[string]any{
		"first_name": "M***",
		"last_name":  "Mu***",
		"email":      "ma***",
		"phone":      nil,
		"birth_year": "***",
		"unit":       "4f1c-unit",
		"contact":    map[string]any{"email": "m@***", "city": "Köln", "phones": []any{"01***", "02***"}},
		"names":      []any{"Är***", "***", map[string]any{"n": "***"}},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("Mask (-want +got):\n%s", d)
	}
	if values["last_name"] != "Mustermann" || values["contact"].(map[string]any)["email"] != "m@x.de" {
		t.Errorf("Mask changed its input: %v", values)
	}
	if Mask(nil, []string{"a"}) != nil {
		t.Error("Mask(nil) is not nil")
	}
}

func TestMaskStringKeepsRunesWhole(t *testing.T) {
	for in, want := range map[string]string{"": "***", "Ö": "***", "Öz": "Ö***", "Jörg": "J***", "Ärmel": "Är***", "Max Mustermann": "Ma***"} {
		if got := MaskString(in); got != want {
			t.Errorf("MaskString(%q) = %q; want %q", in, got, want)
		}
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor("k9x2", "", "k9x2-secret-123")
	got := r.Redact(`POST /login: 401 {"token":"k9x2-secret-123"} with k9x2`)
	if strings.Contains(got, "k9x2") || strings.Contains(got, "secret") {
		t.Errorf("Redact left a secret: %s", got)
	}
	if want := `POST /login: 401 {"token":"[redacted]"} with [redacted]`; got != want {
		t.Errorf("Redact = %s; want %s", got, want)
	}
	var none *Redactor
	if got := none.Redact("plain"); got != "plain" {
		t.Errorf("nil Redactor changed text: %q", got)
	}
}
