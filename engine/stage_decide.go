package engine

import (
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// step is where a record stands once decided, and after its write.
type step int

const (
	stepSkip     step = iota // nothing to do
	stepAdopt                // nothing to send; the state learns the hash
	stepDenied               // the action is not granted
	stepConflict             // a change on the side that does not own the entity, or only fields it does not own
	stepWrite                // to be written
	stepWritten              // the target confirmed
	stepFailed               // failed; goes to the ledger
)

// decision is what the decide stage makes of a mapped record: skip it
// (unchanged, an echo, filtered), adopt its hash, write it (create,
// update, delete), or not, because the action is denied or the record's
// side does not own the entity; or it carries the failure of an earlier
// stage on.
type decision struct {
	m      *mapped
	step   step
	action instance.Action
	note   string   // why it is skipped
	fail   *failure // why it failed before the write
	id     string   // the target's id of an adopted echo or record
	// conflicts are the changed fields of an update that the record's
	// side does not own (ownership.go): not written, audited.
	conflicts []string
	// adopted is set for a record the match step found at the partner: it
	// is taken over instead of created, and updated (action update) only
	// where differs lists fields it does not hold as the payload has them.
	adopted bool
	differs []string
}

// decideStage is the third stage of a run: it compares each payload's
// hash with the state, checks ownership and permission, and picks the
// action. It holds no state of its own and is safe for concurrent use.
type decideStage struct {
	perms    instance.Permissions
	instance string // the instance's id, for the messages that say what to do
}

// page decides the records of a mapped page.
func (d *decideStage) page(f *flow, maps []mapped) []decision {
	out := make([]decision, len(maps))
	for i := range maps {
		out[i] = d.record(f, &maps[i])
	}
	return out
}

// record decides one record.
func (d *decideStage) record(f *flow, mp *mapped) decision {
	dec := decision{m: mp}
	known := &mp.src.known
	switch {
	case mp.src.fail != nil:
		dec.step, dec.fail = stepFailed, mp.src.fail
	case mp.fail != nil:
		dec.step, dec.fail = stepFailed, mp.fail
	case mp.note != "":
		dec.skip(mp.note)
	case known.Hash == mp.hash:
		dec.skip(noteUnchanged)
	case known.Echo != "" && known.Echo == mp.hash:
		// It reads back what the other direction wrote: the state learns
		// its hash, so that the next run sees it unchanged.
		dec.skip(noteEcho)
		if dec.id = targetID(f, mp.src); dec.id != "" {
			dec.step = stepAdopt
		}
	default:
		d.write(f, &dec)
	}
	return dec
}

// skip leaves the record alone.
func (dec *decision) skip(note string) {
	dec.step, dec.action, dec.note = stepSkip, instance.Skip, note
}

// write picks create or update, checks ownership and permission.
func (d *decideStage) write(f *flow, dec *decision) {
	dec.action = instance.Create
	if a := dec.m.src.adopt; a != nil {
		d.adopt(f, dec, a)
		return
	}
	if exists(f, &dec.m.src.known) {
		dec.action = instance.Update
		if f.fieldOwned() {
			var own bool
			if own, dec.conflicts = f.fieldChanges(dec.m); !own {
				dec.step = stepConflict
				return
			}
		} else if !f.owning() {
			dec.step = stepConflict
			return
		}
	}
	if !d.perms.Allows(f.dir, f.entity, dec.action) {
		dec.step = stepDenied
		return
	}
	if dec.action == instance.Create && dec.m.src.known.Intent != "" && !settlesIntents(f) {
		dec.step, dec.fail = stepFailed, uncertainReason(f, d.instance, dec.m.src.key)
		return
	}
	dec.step = stepWrite
	clearing(f, dec)
}

// adopt decides a record the match step found at the partner: nothing
// is sent when the partner holds the payload's values; otherwise the
// record is updated, with permission, where the flow owns the entity.
// Where the other side owns it, its values are kept and the record is
// only taken over. Either way the state learns the partner id and hash.
func (d *decideStage) adopt(f *flow, dec *decision, a *adoption) {
	dec.adopted, dec.id, dec.differs = true, a.id, a.differs(dec.m.payload)
	switch {
	case len(dec.differs) == 0 || !f.owning():
		dec.step = stepAdopt
	case !d.perms.Allows(f.dir, f.entity, instance.Update):
		dec.step, dec.action = stepDenied, instance.Update
	default:
		dec.step, dec.action = stepWrite, instance.Update
	}
}

// exists reports whether the destination has the record: on push, the id
// map knows its partner id; on pull, the run wrote it home before, or it
// is a record a push sent to the partner (its home key has a push echo).
// A record born on the partner, keyed by its own id, is new at home.
func exists(f *flow, known *store.Known) bool {
	if f.dir == instance.Push {
		return known.PartnerID != ""
	}
	return known.Hash != "" || known.PartnerID != "" || known.Echo != ""
}

// targetID is the partner's id of a record, which the state keeps for
// both directions: from the id map on push, from the object on pull.
func targetID(f *flow, s *source) string {
	if f.dir == instance.Push {
		return s.known.PartnerID
	}
	return s.srcID
}

// deletes decides the deletes of known records gone from the source: a
// delete in the direction that owns the entity, with permission; on the
// other side a conflict, after which both directions forget the record so
// that the owner writes it again.
func (d *decideStage) deletes(f *flow, gone []store.Mapped) []decision {
	src := make([]source, len(gone))
	maps := make([]mapped, len(gone))
	out := make([]decision, len(gone))
	for i, m := range gone {
		src[i] = source{key: m.Key, srcID: m.PartnerID, known: store.Known{Key: m.Key, PartnerID: m.PartnerID}}
		maps[i] = mapped{src: &src[i]}
		dec := &out[i]
		*dec = decision{m: &maps[i], action: instance.Delete, id: m.PartnerID}
		switch {
		case !f.owning():
			dec.step = stepConflict
		case f.dst.ent.Delete == nil:
			dec.skip("no delete operation")
		case !d.perms.Allows(f.dir, f.entity, instance.Delete):
			dec.step = stepDenied
		default:
			dec.step = stepWrite
		}
	}
	return out
}

// settlesIntents reports whether a flow can find out itself what became
// of a create sent before whose answer never arrived: the destination
// upserts, looks the record up, lists it for the match step, or knows
// the repeat by the idempotency key of the first attempt.
func settlesIntents(f *flow) bool {
	e := f.dst.ent
	return e.Upsert != nil || looksUp(f) || f.matches || (e.Create != nil && e.Create.IdempotencyKey != "")
}

// uncertainReason is the failure of a record whose create was sent
// before and never answered, on a flow that cannot settle it.
func uncertainReason(f *flow, inst, key string) *failure {
	dst := destinationName(f.dir)
	return reasonf(CodeUncertain, "a create of this record was sent to %s (entity %s) before and its answer never arrived (the run was stopped or the connection broke); "+
		"whether %s stored it is unknown and the entity has no upsert, lookup, match step or idempotency key to find out, so it is not created again: "+
		"look for it there, then run `specsync resolve %s --key %s --created ID` (found, with its id) or `specsync resolve %s --key %s --absent` (not found)",
		dst, f.dst.name, dst, inst, shellWord(key), inst, shellWord(key))
}

// shellWord quotes s for a shell command line when it holds more than
// letters, digits and -_.:/@.
func shellWord(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
