package stored

import (
	"errors"
	"strings"
	"testing"
)

func TestVersionMarksAndOpens(t *testing.T) {
	t.Parallel()
	const v = Version("v1")
	if got := v.Mark(`{"a":1}`); got != `v1 {"a":1}` {
		t.Errorf("Mark = %q", got)
	}
	if got := string(v.Append([]byte("x"))); got != "xv1 " {
		t.Errorf("Append = %q", got)
	}
	for value, want := range map[string]struct {
		data string
		ok   bool
	}{
		`v1 {"a":1}`: {`{"a":1}`, true},
		"v1 ":        {"", true},
		"v1":         {"", false},
		"v2 {}":      {"", false},
		"{}":         {"", false},
		"v10 {}":     {"", false},
	} {
		if data, ok := v.Open(value); data != want.data || ok != want.ok {
			t.Errorf("Open(%q) = %q, %v; want %q, %v", value, data, ok, want.data, want.ok)
		}
	}
}

func TestRefuseSaysWhatWasFoundAndWhatToDo(t *testing.T) {
	t.Parallel()
	const v = Version("v1")
	for value, found := range map[string]string{
		"v2 {}":          "v2",
		`{"id":"r-1"}`:   "",
		"h2 17408700000": "",
		"vx {}":          "",
		"":               "",
	} {
		var err error = v.Refuse(value, `run record of instance "erp"`, "remove it")
		var fe *FormatError
		if !errors.As(err, &fe) || !errors.Is(err, ErrFormat) || fe.Found != found || fe.Want != "v1" {
			t.Errorf("Refuse(%q) = %#v; want a FormatError that found %q and matches ErrFormat", value, err, found)
			continue
		}
		for _, want := range []string{`run record of instance "erp"`, `"v1"`, "remove it"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("Refuse(%q): %q does not say %s", value, err, want)
			}
		}
	}
}

func TestDamagedMatchesErrFormat(t *testing.T) {
	t.Parallel()
	cause := errors.New("unexpected end of JSON input")
	err := Damaged(`run record of instance "erp"`, cause)
	if !errors.Is(err, ErrFormat) || !errors.Is(err, cause) {
		t.Errorf("Damaged = %v; want it to match ErrFormat and its cause", err)
	}
	var fe *FormatError
	if errors.As(err, &fe) {
		t.Errorf("Damaged is a FormatError: %#v", fe)
	}
}
