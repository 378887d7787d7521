package jsonvalue

import (
	"bytes"
	"encoding/json"
	"testing"
)

// stringSamples are texts every escape rule applies to.
var stringSamples = []string{
	"", "plain", `quote " and backslash \`, "tab\tnew line\ncarriage\rform\fback\b",
	"\x00\x01\x1f\x7f", "<html> & more", "Müller ß €", "\u2028 and \u2029",
	"invalid \xff\xfe utf-8", "cut \xe2\x82", "emoji 😀",
}

func TestAppendStringAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range stringSamples {
		checkAppendString(t, s)
	}
}

func FuzzAppendString(f *testing.F) {
	for _, s := range stringSamples {
		f.Add(s)
	}
	f.Fuzz(checkAppendString)
}

// checkAppendString fails unless AppendString writes s as a json.Encoder
// without HTML escaping does.
func checkAppendString(t *testing.T, s string) {
	t.Helper()
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	got := AppendString([]byte("x"), s)
	if string(got) != "x"+string(bytes.TrimSuffix(want.Bytes(), []byte("\n"))) {
		t.Fatalf("AppendString(%q) = %s, encoding/json writes %s", s, got[1:], want.Bytes())
	}
}
