package jsonvalue

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
)

// TestReaderAcceptsWhatDecodeAccepts reads every sample with a Reader
// that skips it and with DecodeString: each gives Decode's value or
// Decode's error, at the same offset.
func TestReaderAcceptsWhatDecodeAccepts(t *testing.T) {
	t.Parallel()
	for _, s := range append(samples, `{"a": [1, {"b": tru}]}`, `[{"a": 1}, {"a": 2`, `{"a": 1} x`, "  \n ") {
		want, wantErr := Decode([]byte(s))
		r := NewReader(s)
		err := r.Skip()
		if err == nil {
			err = r.End()
		}
		if fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("Reader on %q: %v; Decode: %v", s, err, wantErr)
		}
		got, err := DecodeString(s)
		if fmt.Sprint(err) != fmt.Sprint(wantErr) || !reflect.DeepEqual(got, want) {
			t.Errorf("DecodeString(%q) = %#v, %v; Decode: %#v, %v", s, got, err, want, wantErr)
		}
	}
}

// TestReaderWalksParts enters an object and an array, decodes one part
// and skips the rest, and reports the offsets of what it read.
func TestReaderWalksParts(t *testing.T) {
	t.Parallel()
	doc := ` {"skip": {"x": [1, 2]}, "items": [{"id": 1}, 7, null], "after": "z"} `
	r := NewReader(doc)
	var kinds []string
	var spans [][2]int
	var after any
	err := r.Members(func(key string) error {
		switch key {
		case "items":
			return r.Elements(func(int) error {
				sample, _ := r.Peek()
				kinds = append(kinds, Kind(sample))
				start := r.Offset()
				if err := r.Skip(); err != nil {
					return err
				}
				spans = append(spans, [2]int{start, r.Offset()})
				return nil
			})
		case "after":
			var err error
			after, err = r.Value()
			return err
		}
		return r.Skip()
	})
	if err == nil {
		err = r.End()
	}
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"an object", "a number", "null"}; !reflect.DeepEqual(kinds, want) {
		t.Errorf("kinds %v; want %v", kinds, want)
	}
	var texts []string
	for _, sp := range spans {
		texts = append(texts, doc[sp[0]:sp[1]])
	}
	if want := []string{`{"id": 1}`, "7", "null"}; !reflect.DeepEqual(texts, want) {
		t.Errorf("spans %q; want %q", texts, want)
	}
	if after != "z" {
		t.Errorf("after = %v", after)
	}
	if err := NewReader(`[1]`).Members(func(string) error { return nil }); err == nil {
		t.Error("Members on an array: no error")
	}
	if err := NewReader(`{}`).Elements(func(int) error { return nil }); err == nil {
		t.Error("Elements on an object: no error")
	}
}

// TestStrictReader checks what NewStrictReader adds: the offset of each
// member's key, and strings read as Decode reads them (an escaped NUL
// kept, a raw one refused), with the reason of an error apart from its
// offset.
func TestStrictReader(t *testing.T) {
	t.Parallel()
	doc := `{"a": 1, "b\u0000": {"cc" : "x\u0000"}}`
	r := NewStrictReader(doc)
	var got []string
	var visit func(key string) error
	visit = func(key string) error {
		got = append(got, fmt.Sprintf("%q@%d", key, r.KeyOffset()))
		if doc[r.Offset()] == '{' {
			return r.Members(visit)
		}
		v, err := r.Value()
		got = append(got, fmt.Sprintf("%q", v))
		return err
	}
	if err := r.Members(visit); err != nil {
		t.Fatal(err)
	}
	want := []string{`"a"@1`, `"1"`, `"b\x00"@9`, `"cc"@21`, `"x\x00"`}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	err := NewStrictReader("[\"a\x00\"]").Skip()
	var se *SyntaxError
	if !errors.As(err, &se) || se.Reason() != `invalid character '\x00' in string literal` || se.Offset != 3 {
		t.Errorf("raw NUL: got %v, want a SyntaxError at byte 3", err)
	}
}
