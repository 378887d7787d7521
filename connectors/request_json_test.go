package connectors

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

// stdJSON is the body encoding/json writes for v, or its error.
func stdJSON(v any) (string, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	err := enc.Encode(v)
	return b.String(), err
}

// randomBody makes a body of JSON values, some of which need escaping,
// some invalid numbers and some Go types only encoding/json knows.
func randomBody(r *rand.Rand, depth int) any {
	texts := []string{"", "Musterstraße 1", "a<b>&c", "quote\"d", `back\slash`, "tab\there", "line\u2028sep",
		"bad\xffutf8", "emoji 😀", "\x01", "Ä"}
	numbers := []json.Number{"0", "-1", "12.50", "1e3", "-0.5E-2", "", "01", "1.", "abc", "+1", "1e", "-"}
	switch k := r.IntN(10); {
	case k < 3:
		return texts[r.IntN(len(texts))]
	case k < 5:
		return numbers[r.IntN(len(numbers))]
	case k == 5:
		return []any{nil, true, false, 2.5, 7}[r.IntN(5)]
	case k == 6 && depth < 3:
		list := make([]any, r.IntN(4))
		for i := range list {
			list[i] = randomBody(r, depth+1)
		}
		return list
	case depth < 3:
		m := map[string]any{}
		for i := range r.IntN(6) {
			key := fmt.Sprintf("k%d", r.IntN(20)-i)
			if r.IntN(8) == 0 {
				key = texts[r.IntN(len(texts))]
			}
			m[key] = randomBody(r, depth+1)
		}
		return m
	}
	return "leaf"
}

// TestEncodeJSONIsEncodingJSON compares the request body encoder with
// encoding/json over many generated bodies, errors included.
func TestEncodeJSONIsEncodingJSON(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	var plain, failed int
	for i := range 5000 {
		v := randomBody(r, 0)
		want, wantErr := stdJSON(v)
		var b bytes.Buffer
		b.WriteString("prefix")
		err := encodeJSON(&b, v)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("body %d %#v: error %v, encoding/json says %v", i, v, err, wantErr)
		}
		if err != nil {
			failed++
			continue
		}
		if diff := cmp.Diff("prefix"+want, b.String()); diff != "" {
			t.Fatalf("body %d %#v (-encoding/json +encodeJSON):\n%s", i, v, diff)
		}
		if _, ok := appendPlain(nil, v); ok {
			plain++
		}
	}
	if plain < 1000 || failed < 100 {
		t.Fatalf("too few cases: %d written directly, %d failed", plain, failed)
	}
}

// BenchmarkEncodeBody encodes a typical write body with the request
// encoder and with encoding/json.
func BenchmarkEncodeBody(b *testing.B) {
	body := map[string]any{
		"externalId": "item-0000042", "title": "Musterstraße Objekt 42", "amount": "542.20",
		"address": map[string]any{"street": "Musterstraße 43", "zip": "10042", "city": "Berlin"},
		"since":   "2024-01-31", "active": true, "area": json.Number("62.25"), "source": "bench",
	}
	var buf bytes.Buffer
	b.Run("encodeJSON", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			if err := encodeJSON(&buf, body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// TestSharedHeadersAreNotChanged: a request without header parameters
// sends a shared header, and credentials go to a copy of it.
func TestSharedHeadersAreNotChanged(t *testing.T) {
	t.Parallel()
	base, _ := url.Parse("https://api.example.com")
	r := &request{op: &operation{name: "x", spec: &specs.Operation{}, method: http.MethodPost}, out: &outbound{base: base}, body: map[string]any{"a": 1}}
	enc, err := r.encode()
	if err != nil {
		t.Fatal(err)
	}
	defer enc.release()
	req, err := enc.httpRequest(context.Background(), true)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer t")
	want := http.Header{"Accept": {"application/json"}, "Content-Type": {"application/json"}}
	if d := cmp.Diff(want, plainHeaders[true]); d != "" {
		t.Errorf("the shared header changed (-want +got):\n%s", d)
	}
	if req.Header.Get("Accept") != "application/json" || req.Header.Get("Authorization") == "" {
		t.Errorf("request header %v", req.Header)
	}
}
