package engine

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Payloads are compared by hash: the xxhash64 of their canonical JSON
// (object keys sorted, numbers as written, no insignificant space). The
// old payload itself is not stored. To show what changed, a run also
// stores per record a fingerprint of each top-level field (32 bits of the
// field value's hash): a plan names the fields that were added, changed
// or removed and shows their new values, never old ones.

// bufPool recycles encoding buffers.
var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// canonical appends the canonical JSON of v to buf.
func canonical(buf *bytes.Buffer, v any) error {
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Errorf("the payload cannot be encoded as JSON: %w", err)
	}
	buf.Truncate(buf.Len() - 1) // Encode adds a newline
	return nil
}

// hashOf returns the hash of v's canonical JSON as 16 hex digits.
func hashOf(v any) (string, error) {
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	buf.Reset()
	if err := canonical(buf, v); err != nil {
		return "", err
	}
	var sum [8]byte
	binary.BigEndian.PutUint64(sum[:], xxhash.Sum64(buf.Bytes()))
	return hex.EncodeToString(sum[:]), nil
}

// keyHash is the 64-bit hash of a record key, for the seen-set of delete
// detection.
func keyHash(key string) uint64 { return xxhash.Sum64String(key) }

// fieldPrint is the fingerprint of one top-level field.
type fieldPrint struct {
	name string
	sum  uint32
}

// fieldPrints fingerprints the top-level fields of payload, by name.
func fieldPrints(payload map[string]any) []fieldPrint {
	out := make([]fieldPrint, 0, len(payload))
	buf := bufPool.Get().(*bytes.Buffer)
	defer bufPool.Put(buf)
	for name, v := range payload {
		buf.Reset()
		if canonical(buf, v) != nil {
			continue
		}
		out = append(out, fieldPrint{name: name, sum: uint32(xxhash.Sum64(buf.Bytes()))})
	}
	slices.SortFunc(out, func(a, b fieldPrint) int { return cmp.Compare(a.name, b.name) })
	return out
}

// encodePrints packs fingerprints as (uvarint name length, name, 4 bytes)
// per field.
func encodePrints(prints []fieldPrint) string {
	b := make([]byte, 0, 16*len(prints))
	for _, p := range prints {
		b = binary.AppendUvarint(b, uint64(len(p.name)))
		b = append(b, p.name...)
		b = binary.BigEndian.AppendUint32(b, p.sum)
	}
	return string(b)
}

// decodePrints unpacks encodePrints; a damaged value gives what could be
// read.
func decodePrints(s string) []fieldPrint {
	var out []fieldPrint
	b := []byte(s)
	for len(b) > 0 {
		n, size := binary.Uvarint(b)
		if size <= 0 || uint64(len(b)-size) < n+4 {
			return out
		}
		name := string(b[size : size+int(n)])
		b = b[size+int(n):]
		out = append(out, fieldPrint{name: name, sum: binary.BigEndian.Uint32(b)})
		b = b[4:]
	}
	return out
}

// FieldChange is one top-level field of a payload that a write changes.
type FieldChange struct {
	// Field is the payload field's name.
	Field string `json:"field"`
	// Change is "added", "changed" or "removed".
	Change string `json:"change"`
	// New is the new value (nil when removed); personal fields are masked.
	New any `json:"new,omitempty"`
}

// diffFields compares the stored fingerprints old with payload. Without
// old fingerprints (records written before they were kept) every field
// counts as changed.
func diffFields(old []fieldPrint, payload map[string]any) []FieldChange {
	known := make(map[string]uint32, len(old))
	for _, p := range old {
		known[p.name] = p.sum
	}
	var out []FieldChange
	for _, p := range fieldPrints(payload) {
		sum, ok := known[p.name]
		switch {
		case !ok && len(old) > 0:
			out = append(out, FieldChange{Field: p.name, Change: "added", New: payload[p.name]})
		case !ok || sum != p.sum:
			out = append(out, FieldChange{Field: p.name, Change: "changed", New: payload[p.name]})
		}
		delete(known, p.name)
	}
	for _, name := range sortedKeys(known) {
		out = append(out, FieldChange{Field: name, Change: "removed"})
	}
	return out
}

// newFields lists every field of a payload being created.
func newFields(payload map[string]any) []FieldChange {
	out := make([]FieldChange, 0, len(payload))
	for _, name := range sortedKeys(payload) {
		out = append(out, FieldChange{Field: name, Change: "added", New: payload[name]})
	}
	return out
}
