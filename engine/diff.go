package engine

import (
	"cmp"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/specsync/specsync/engine/instance"
)

// Payloads are compared by hash: the xxhash64 of a canonical encoding of
// their JSON values (object keys sorted, numbers as written, strings by
// length and bytes). The old payload itself is not stored. To show what
// changed, a run also keeps per record a memo: the hash of the write's
// inputs, the payload's hash and a fingerprint of each top-level field
// (32 bits of the field value's hash). A plan names the fields a write
// adds, changes or removes and shows their new values, never old ones;
// a run whose record, related records and mapping are the same as at the
// last write knows the payload is too, and does not map it again.

// digestPool recycles hash states.
var digestPool = sync.Pool{New: func() any { return xxhash.New() }}

// valueHash feeds JSON values to a digest in a canonical form.
type valueHash struct {
	d   *xxhash.Digest
	num [1 + binary.MaxVarintLen64]byte
}

// newValueHash returns a valueHash with a reset digest; release it with done.
func newValueHash() valueHash {
	d := digestPool.Get().(*xxhash.Digest)
	d.Reset()
	return valueHash{d: d}
}

// done returns the digest to the pool.
func (h *valueHash) done() { digestPool.Put(h.d) }

// sum returns the hash as 16 hex digits.
func (h *valueHash) sum() string {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], h.d.Sum64())
	return hex.EncodeToString(b[:])
}

// tag writes a type tag and a length.
func (h *valueHash) tag(t byte, n int) {
	h.d.Write(binary.AppendUvarint(append(h.num[:0], t), uint64(n)))
}

// sum64 writes a hash of a part.
func (h *valueHash) sum64(sum uint64) {
	h.d.Write(binary.LittleEndian.AppendUint64(h.num[:0], sum))
}

// str writes a tagged string.
func (h *valueHash) str(t byte, s string) {
	h.tag(t, len(s))
	h.d.WriteString(s)
}

// value writes any decoded JSON value.
func (h *valueHash) value(v any) {
	switch x := v.(type) {
	case nil:
		h.tag('n', 0)
	case bool:
		n := 0
		if x {
			n = 1
		}
		h.tag('b', n)
	case string:
		h.str('s', x)
	case json.Number:
		h.str('d', string(x))
	case float64:
		h.str('d', strconv.FormatFloat(x, 'f', -1, 64))
	case int:
		h.str('d', strconv.Itoa(x))
	case int64:
		h.str('d', strconv.FormatInt(x, 10))
	case map[string]any:
		h.object(x)
	case []any:
		h.tag('a', len(x))
		for _, e := range x {
			h.value(e)
		}
	default:
		data, err := json.Marshal(x)
		if err != nil {
			data = []byte(fmt.Sprintf("%T %v", x, x))
		}
		h.str('j', string(data))
	}
}

// object writes an object's members sorted by key.
func (h *valueHash) object(m map[string]any) {
	h.tag('o', len(m))
	var small [16]string
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		h.str('k', k)
		h.value(m[k])
	}
}

// inputSum is a 64-bit hash of a decoded JSON value, for telling whether
// a record's inputs changed since the last write. It is valueHash's
// canonical form without the sorting: an object adds up its members'
// hashes, which does not depend on their order. It is only compared with
// earlier input sums, never with payload hashes.
func inputSum(v any) uint64 {
	switch x := v.(type) {
	case nil:
		return mix('n', 0, 0)
	case bool:
		if x {
			return mix('b', 1, 0)
		}
		return mix('b', 0, 0)
	case string:
		return mix('s', uint64(len(x)), xxhash.Sum64String(x))
	case json.Number:
		return mix('d', uint64(len(x)), xxhash.Sum64String(string(x)))
	case float64:
		return inputSum(json.Number(strconv.FormatFloat(x, 'f', -1, 64)))
	case int:
		return inputSum(json.Number(strconv.Itoa(x)))
	case int64:
		return inputSum(json.Number(strconv.FormatInt(x, 10)))
	case map[string]any:
		var members uint64
		for k, e := range x {
			members += mix('k', xxhash.Sum64String(k), inputSum(e))
		}
		return mix('o', uint64(len(x)), members)
	case []any:
		sum := mix('a', uint64(len(x)), 0)
		for _, e := range x {
			sum = mix('e', sum, inputSum(e))
		}
		return sum
	}
	data, err := json.Marshal(v)
	if err != nil {
		data = []byte(fmt.Sprintf("%T %v", v, v))
	}
	return mix('j', uint64(len(data)), xxhash.Sum64(data))
}

// mix combines a type tag and two 64-bit values into one hash, with the
// finalizer of MurmurHash3 (a bijection that spreads every input bit).
func mix(tag byte, a, b uint64) uint64 {
	return fmix64(b ^ fmix64(a^uint64(tag)<<56^0x9e3779b97f4a7c15))
}

func fmix64(k uint64) uint64 {
	k ^= k >> 33
	k *= 0xff51afd7ed558ccd
	k ^= k >> 33
	k *= 0xc4ceb9fe1a85ec53
	k ^= k >> 33
	return k
}

// keyHash is the 64-bit hash of a record key, for the seen-set of delete
// detection.
func keyHash(key string) uint64 { return xxhash.Sum64String(key) }

// fieldPrint is the fingerprint of one top-level field.
type fieldPrint struct {
	name string
	sum  uint32
}

// hashPayload hashes a payload and fingerprints its top-level fields in
// one pass: each field's value is hashed once, and the payload's hash is
// the hash of the sorted field names with their values' hashes.
func hashPayload(payload map[string]any) (string, []fieldPrint) {
	var room [24]fieldSum // payloads of up to 24 fields sort on the stack
	sums := room[:0]
	h := newValueHash()
	defer h.done()
	for name, v := range payload {
		h.d.Reset()
		h.value(v)
		sums = append(sums, fieldSum{name: name, sum: h.d.Sum64()})
	}
	slices.SortFunc(sums, func(a, b fieldSum) int { return cmp.Compare(a.name, b.name) })
	h.d.Reset()
	prints := make([]fieldPrint, len(sums))
	for i, s := range sums {
		h.str('k', s.name)
		h.d.Write(binary.BigEndian.AppendUint64(h.num[:0], s.sum))
		prints[i] = fieldPrint{name: s.name, sum: uint32(s.sum)}
	}
	return h.sum(), prints
}

// fieldSum is a field's full value hash.
type fieldSum struct {
	name string
	sum  uint64
}

// fieldPrints fingerprints the top-level fields of payload, by name.
func fieldPrints(payload map[string]any) []fieldPrint {
	_, prints := hashPayload(payload)
	return prints
}

// memo is what a run keeps of a record's last write besides State's
// hash: the hash of the write's inputs, the payload's hash and the field
// fingerprints.
type memo struct {
	input   string
	payload string
	prints  []fieldPrint
}

// hashLen is the length of a hash in hex digits.
const hashLen = 16

// encode packs a memo: the two hashes, then per field its name's length
// (uvarint), its name and 4 bytes of fingerprint.
func (m memo) encode() string {
	size := len(m.input) + len(m.payload)
	for _, p := range m.prints {
		size += binary.MaxVarintLen64 + len(p.name) + 4
	}
	var b strings.Builder // one allocation: its String does not copy
	b.Grow(size)
	b.WriteString(m.input)
	b.WriteString(m.payload)
	var tmp [binary.MaxVarintLen64]byte
	for _, p := range m.prints {
		b.Write(binary.AppendUvarint(tmp[:0], uint64(len(p.name))))
		b.WriteString(p.name)
		b.Write(binary.BigEndian.AppendUint32(tmp[:0], p.sum))
	}
	return b.String()
}

// memoHashes reads only the two hashes of an encoded memo, without
// unpacking its fingerprints; "" when it is damaged or missing.
func memoHashes(s string) (input, payload string) {
	if len(s) < 2*hashLen {
		return "", ""
	}
	return s[:hashLen], s[hashLen : 2*hashLen]
}

// decodeMemo unpacks a memo; a damaged one gives what could be read.
func decodeMemo(s string) memo {
	input, payload := memoHashes(s)
	if input == "" {
		return memo{}
	}
	m := memo{input: input, payload: payload}
	b := []byte(s[2*hashLen:])
	for len(b) > 0 {
		n, size := binary.Uvarint(b)
		if size <= 0 || uint64(len(b)-size) < n+4 {
			return m
		}
		name := string(b[size : size+int(n)])
		b = b[size+int(n):]
		m.prints = append(m.prints, fieldPrint{name: name, sum: binary.BigEndian.Uint32(b)})
		b = b[4:]
	}
	return m
}

// FieldChange is one top-level field of a payload that a write changes.
type FieldChange struct {
	// Field is the payload field's name.
	Field string `json:"field"`
	// Change is "added", "changed" or "removed"; for an update to a system
	// that keeps the fields a body leaves out, a removed field is
	// "cleared" (sent as null or its empty value) or "kept" (it cannot be
	// cleared: the partner keeps its value and the record is divergent).
	Change string `json:"change"`
	// New is the new value (nil when removed or kept, the value sent when
	// cleared); personal fields are masked.
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
	for _, name := range slices.Sorted(maps.Keys(known)) {
		out = append(out, FieldChange{Field: name, Change: "removed"})
	}
	return out
}

// changesOf lists the field changes of a decided payload, unmasked: every
// field for a create, else the difference to the stored fingerprints.
func changesOf(d *decision) []FieldChange {
	if d.action == instance.Create {
		return newFields(d.m.payload)
	}
	changes := diffFields(decodeMemo(d.m.src.known.Memo).prints, d.m.payload)
	clearedChanges(d.m, changes)
	return changes
}

// newFields lists every field of a payload being created.
func newFields(payload map[string]any) []FieldChange {
	out := make([]FieldChange, 0, len(payload))
	for _, name := range slices.Sorted(maps.Keys(payload)) {
		out = append(out, FieldChange{Field: name, Change: "added", New: payload[name]})
	}
	return out
}
