package jsonvalue

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"
)

// reference decodes data with encoding/json the way Decode promises to:
// UseNumber, one value, only white space after it.
func reference(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

// samples are documents both decoders must agree on, good and bad.
var samples = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+10`, `-12.250E-3`, `true`, `false`, `null`,
	` {"a" : [1, 2.0, "x", null, true, {"b": {}}], "c": "d"} `,
	`{"id":"item-0000001","title":"Musterstraße Objekt 1","address":{"street":"Musterstraße 2","zip":"10001","city":"Berlin"},"amount":"501.10","area":21.25}`,
	`{"a":1,"a":2}`,
	`"tab\tquote\"slash\/back\\uni\u00e9\u20AC"`,
	`"pair \ud83d\ude00 lone \ud83d end"`, `"lone low \ude00"`, `"high then bad \ud83d\u0041"`,
	`"bad utf8 ` + "\xff\xfe" + ` end"`, "\"truncated rune \xe2\x82\"",
	`"control ` + "\x01" + `"`, `"bad escape \x"`, `"\u12"`, `"\u12g4"`,
	`01`, `1.`, `1e`, `1e+`, `-`, `.5`, `+1`, `1.5.5`, `--1`,
	`{"a"}`, `{"a":}`, `{"a":1,}`, `{,}`, `{"a":1 "b":2}`, `{1:2}`,
	`[1,]`, `[,1]`, `[1 2]`, `[`, `{`, `"open`, `tru`, `nul`, `falsey`,
	`{} {}`, `1 2`, ``, `   `, "\ufeff{}", `[1]x`,
	strings.Repeat("[", 100) + strings.Repeat("]", 100),
}

func TestDecodeAgreesWithEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range samples {
		checkAgainstReference(t, []byte(s))
	}
}

func TestDecodeDepthLimit(t *testing.T) {
	t.Parallel()
	deep := []byte(strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1))
	if _, err := Decode(deep); err == nil || !strings.Contains(err.Error(), "max depth") {
		t.Fatalf("nesting %d deep: %v, want the depth refused", maxDepth+1, err)
	}
	ok := []byte(strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth))
	if _, err := Decode(ok); err != nil {
		t.Fatalf("nesting %d deep: %v", maxDepth, err)
	}
}

func TestDecodeErrorsSayWhere(t *testing.T) {
	t.Parallel()
	_, err := Decode([]byte(`{"a": [1, 2,, 3]}`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Offset != 12 {
		t.Fatalf("err = %v, want a *SyntaxError at byte 12", err)
	}
	if want := "invalid character ',' looking for beginning of value (at byte 12)"; err.Error() != want {
		t.Fatalf("err = %q, want %q", err, want)
	}
}

func FuzzDecode(f *testing.F) {
	for _, s := range samples {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkAgainstReference(t, data)
	})
}

// checkAgainstReference fails unless Decode and encoding/json both refuse
// data or both give the same value.
func checkAgainstReference(t *testing.T, data []byte) {
	t.Helper()
	want, werr := reference(data)
	got, err := Decode(data)
	switch {
	case werr != nil && err == nil:
		t.Fatalf("Decode(%q) = %#v, encoding/json refuses it: %v", data, got, werr)
	case werr == nil && err != nil:
		t.Fatalf("Decode(%q): %v, encoding/json gives %#v", data, err, want)
	case err == nil && !reflect.DeepEqual(got, want):
		t.Fatalf("Decode(%q) = %#v, encoding/json gives %#v", data, got, want)
	}
}

func BenchmarkDecode(b *testing.B) {
	doc := []byte(samples[11])
	b.Run("jsonvalue", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Decode(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(doc)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := reference(doc); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkDecodePage decodes a page of 500 records of ten fields, as a
// listing answers.
func BenchmarkDecodePage(b *testing.B) {
	var page bytes.Buffer
	page.WriteByte('[')
	for i := range 500 {
		if i > 0 {
			page.WriteByte(',')
		}
		fmt.Fprintf(&page, `{"id":"item-%07d","name":"Objekt %d","street":"Musterstraße %d","zip":"%05d","city":"Berlin",`+
			`"amount":"%d.5","since":"2024-01-31","active":true,"area":%d.25,"updatedAt":"2025-03-01T12:00:00Z"}`, i, i, i%300, 10000+i, 500+i, 20+i%180)
	}
	page.WriteByte(']')
	doc := page.Bytes()
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(doc); err != nil {
			b.Fatal(err)
		}
	}
}
