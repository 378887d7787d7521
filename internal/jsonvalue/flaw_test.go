package jsonvalue

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeCheckedReportsFlawsByPointer(t *testing.T) {
	t.Parallel()
	doc := `{"data":[{"id":"1","name":"ok"},` +
		`{"id":"2","name":"bad ` + "\xff" + `","tags":["x","\u0000y"],"a/b":{"~c":"` + "nul\x00" + `"}},` +
		`{"id":"3","note":"lone \ud83d end","k` + "\xfe" + `":1,"both":"\u0000` + "\xff" + `"}]}`
	v, flaws, err := DecodeChecked([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []Flaw{
		{Pointer: "/data/1/name", Kind: FlawUTF8},
		{Pointer: "/data/1/tags/1", Kind: FlawNUL},
		{Pointer: "/data/1/a~1b/~0c", Kind: FlawNUL},
		{Pointer: "/data/2/note", Kind: FlawSurrogate},
		{Pointer: "/data/2/k\ufffd", Kind: FlawUTF8},
		{Pointer: "/data/2/both", Kind: FlawNUL | FlawUTF8},
	}
	if diff := cmp.Diff(want, flaws); diff != "" {
		t.Errorf("flaws (-want +got):\n%s", diff)
	}
	recs := v.(map[string]any)["data"].([]any)
	second := recs[1].(map[string]any)
	if got := second["name"]; got != "bad \ufffd" {
		t.Errorf("name = %q, want the invalid byte replaced", got)
	}
	if got := second["tags"].([]any)[1]; got != "y" {
		t.Errorf("tag = %q, want the NUL dropped", got)
	}
	if got := recs[2].(map[string]any)["both"]; got != "\ufffd" {
		t.Errorf("both = %q, want the NUL dropped and the byte replaced", got)
	}
	if got := (FlawNUL | FlawUTF8).String(); got != "invalid UTF-8 and NUL" {
		t.Errorf("kind text = %q", got)
	}
}

func TestDecodeCheckedCleanDocumentHasNoFlaws(t *testing.T) {
	t.Parallel()
	for _, s := range samples {
		want, werr := Decode([]byte(s))
		got, flaws, err := DecodeChecked([]byte(s))
		if (werr == nil) != (err == nil) {
			t.Errorf("%q: Decode error %v, DecodeChecked error %v", s, werr, err)
			continue
		}
		if !reflect.DeepEqual(want, got) {
			t.Errorf("%q: DecodeChecked gives %v, Decode %v", s, got, want)
		}
		dirty := !utf8.ValidString(s) || strings.Contains(s, `\ud83d`) || strings.Contains(s, `\ude00`)
		if werr == nil && !dirty && len(flaws) > 0 {
			t.Errorf("%q: flaws %v in clean text", s, flaws)
		}
	}
}

func TestDecodeKeepsRefusingRawNUL(t *testing.T) {
	t.Parallel()
	doc := []byte("{\"a\":\"x\x00\"}")
	if _, err := Decode(doc); err == nil {
		t.Fatal("Decode accepted a raw NUL in a string")
	}
	v, flaws, err := DecodeChecked(doc)
	if err != nil || v.(map[string]any)["a"] != "x" || len(flaws) != 1 {
		t.Fatalf("DecodeChecked: %v %v %v, want the NUL dropped and reported", v, flaws, err)
	}
	if _, _, err := DecodeChecked([]byte("{\"a\":1\x00}")); err == nil {
		t.Fatal("DecodeChecked accepted a NUL outside a string")
	}
}
