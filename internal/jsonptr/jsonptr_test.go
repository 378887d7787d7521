package jsonptr

import (
	"slices"
	"testing"
)

func TestEscapeUnescape(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ token, escaped string }{
		{"", ""},
		{"plain", "plain"},
		{"~", "~0"},
		{"/", "~1"},
		{"a~b", "a~0b"},
		{"/units/{id}", "~1units~1{id}"},
		{"~1", "~01"},  // a literal "~1" is not a slash
		{"~0", "~00"},  // nor is a literal "~0" a tilde
		{"/~", "~1~0"}, // order matters: "~" first, then "/"
		{"~/", "~0~1"},
	} {
		if got := Escape(tt.token); got != tt.escaped {
			t.Errorf("Escape(%q) = %q, want %q", tt.token, got, tt.escaped)
		}
		if got := Unescape(tt.escaped); got != tt.token {
			t.Errorf("Unescape(%q) = %q, want %q", tt.escaped, got, tt.token)
		}
	}
}

func TestUnescapeKeepsOtherTildes(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"~", "a~", "~2", "~~"} {
		if got := Unescape(s); got != s {
			t.Errorf("Unescape(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestEscapePlainTokenIsUnchanged(t *testing.T) {
	token := "components"
	if got := Escape(token); got != token {
		t.Errorf("Escape(%q) = %q", token, got)
	}
	if n := testing.AllocsPerRun(100, func() { _ = Escape(token) }); n != 0 {
		t.Errorf("Escape of a plain token allocates %v times", n)
	}
}

func TestJoin(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		base   string
		tokens []string
		want   string
	}{
		{"", nil, ""},
		{"#", nil, "#"},
		{"", []string{""}, "/"},
		{"", []string{"", ""}, "//"},
		{"#/components/schemas", []string{"Lease"}, "#/components/schemas/Lease"},
		{"/paths", []string{"/units/{id}", "get"}, "/paths/~1units~1{id}/get"},
		{"", []string{"a~b", "~1"}, "/a~0b/~01"},
	} {
		if got := Join(tt.base, tt.tokens...); got != tt.want {
			t.Errorf("Join(%q, %q) = %q, want %q", tt.base, tt.tokens, got, tt.want)
		}
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		pointer string
		want    []string
	}{
		{"", nil},
		{"#", nil},
		{"/", []string{""}},
		{"#/", []string{""}},
		{"//", []string{"", ""}},
		{"/a/", []string{"a", ""}},
		{"#/components/schemas/Lease", []string{"components", "schemas", "Lease"}},
		{"/paths/~1units~1{id}/get", []string{"paths", "/units/{id}", "get"}},
		{"/a~0b/~01/~00", []string{"a~b", "~1", "~0"}},
	} {
		if got := Split(tt.pointer); !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
			t.Errorf("Split(%q) = %q, want %q", tt.pointer, got, tt.want)
		}
	}
}

func TestSplitJoinRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tokens := range [][]string{
		{"paths", "/units/{id}", "a~b", ""},
		{""},
		{"", ""},
		{"~", "/", "~0", "~1", "~01", "/~"},
		{"x-sync", "entities", "Lease"},
	} {
		p := Join("", tokens...)
		if got := Split(p); !slices.Equal(got, tokens) {
			t.Errorf("Split(Join(%q)) = %q via %q", tokens, got, p)
		}
		if got := Split("#" + p); !slices.Equal(got, tokens) {
			t.Errorf("Split(%q) = %q, want %q", "#"+p, got, tokens)
		}
	}
}
