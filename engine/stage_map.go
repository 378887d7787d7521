package engine

import (
	"fmt"
	"strings"

	"github.com/specsync/specsync/transforms"
)

// Notes on skipped records.
const (
	noteUnchanged = "unchanged"
	noteEcho      = "echo"
	noteFiltered  = "filtered"
	noteRepeated  = "repeated" // listed again on the next page
)

// mapped is one record as the map stage hands it on: the payload its
// write mapping made of the source record and its related records, and
// the payload's hash. A record whose inputs are those of its last write
// is recalled instead: its hash is the stored one, and it has no payload.
type mapped struct {
	src      *source
	vars     transforms.Vars // of the write mapping; the write stage adds key and id
	payload  map[string]any
	hash     string
	prints   []fieldPrint   // fingerprints of payload
	input    string         // hash of the write's inputs
	recalled bool           // the inputs are those of the last write
	note     string         // why it is not mapped: filtered or repeated
	clears   map[string]any // fields an update clears, with the value sent
	kept     []fieldPrint   // fields sent before, now empty, that cannot be cleared
	fail     *failure       // why it cannot be mapped
}

// mapStage is the second stage of a run: it applies `when` and the write
// mapping to each source record, checks the payload against the target
// schema and hashes it. It holds no state of its own and is safe for
// concurrent use.
type mapStage struct {
	*job
}

// page maps the records of a read page that read without failing.
// repeated holds the keys the page before listed: a listing paged by
// offset repeats a record when one before it was added in between; the
// first copy is written, and a second one would race it (against a
// partner without upsert, both could create it).
func (m *mapStage) page(f *flow, src []source, repeated map[string]bool) []mapped {
	out := make([]mapped, len(src))
	for i := range src {
		s, mp := &src[i], &out[i]
		mp.src = s
		switch {
		case s.fail != nil:
		case s.key != "" && repeated[s.key]:
			mp.note = noteRepeated
		default:
			m.record(f, mp)
		}
	}
	return out
}

// record recalls or maps one record.
func (m *mapStage) record(f *flow, mp *mapped) {
	known := &mp.src.known
	mp.input = inputHash(f, mp.src)
	if input, payload := memoHashes(known.Memo); input == mp.input && payload == known.Hash && known.Hash != "" {
		mp.hash, mp.recalled = known.Hash, true
		return
	}
	m.apply(f, mp)
}

// apply applies `when` and the write mapping to mp's source and hashes
// the payload.
func (m *mapStage) apply(f *flow, mp *mapped) {
	s := mp.src
	mp.vars = writeVars(f.model, s.rec, s.inc, s.ids, m.vars)
	if f.when != nil {
		out, err := f.when.Render(mp.vars)
		if err != nil {
			mp.fail = errReason(templateCode(err, CodeMapping), fmt.Errorf("when: %w", err))
			return
		}
		if !truthy(out) {
			mp.note = noteFiltered
			return
		}
	}
	payload, err := f.write.Apply(mp.vars)
	if err != nil {
		mp.fail = mappingReason(err, f.mask, "write mapping of %s", f.dst.name)
		return
	}
	mp.payload = payload
	mp.hash, mp.prints = hashPayload(payload)
}

// inputHash hashes everything a record's payload is made of: the flow's
// recipe, the API object, and each related record with its id.
func inputHash(f *flow, s *source) string {
	h := newValueHash()
	defer h.done()
	h.str('r', f.recipe)
	h.sum64(inputSum(s.obj))
	for _, inc := range f.includes {
		h.str('i', inc.name)
		h.sum64(inputSum(s.inc[inc.name]))
		h.sum64(inputSum(s.ids[inc.name]))
	}
	return h.sum()
}

// truthy reports whether a rendered `when` lets a record through.
func truthy(s string) bool {
	s = strings.TrimSpace(s)
	return s != "" && s != "0" && !strings.EqualFold(s, "false")
}
