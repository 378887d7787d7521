package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// EraseOptions say which record Erase erases and how.
type EraseOptions struct {
	// Entity is the partner spec's entity of the record ("tenant").
	// Required.
	Entity string
	// Key is the record's home key. Required.
	Key string
	// DryRun finds and reports what would be erased, and changes nothing.
	DryRun bool
	// OverridePermission erases although the instance does not grant the
	// delete of the entity on push (see Erase).
	OverridePermission bool
}

// Erasure reports what Erase removed, or on a dry run would remove. It
// carries the record's key only as the caller gave it, for the caller to
// show; nothing of it is stored but the pseudonym.
type Erasure struct {
	Instance string `json:"instance"`
	Entity   string `json:"entity"`
	// Pseudonym stands for the record in the audit log from now on.
	Pseudonym string `json:"pseudonym"`
	DryRun    bool   `json:"dryRun"`
	// Partner is the removal at the partner; nil when the state knows no
	// record of it there.
	Partner *PartnerRemoval `json:"partner,omitempty"`
	// State lists what the state keeps of the record, per direction.
	State []StateTrace `json:"state"`
	// Failures lists the directions whose failure ledger holds the record.
	Failures []instance.Direction `json:"failures"`
	// AuditEntries counts the audit entries that name the record or hold
	// its key, masked (or on a dry run to be masked).
	AuditEntries int `json:"auditEntries"`
	// Dependencies counts the entries of the dependency index that name
	// the record.
	Dependencies int `json:"dependencies"`
}

// PartnerRemoval is the removal of the record at the partner.
type PartnerRemoval struct {
	// ID is the partner's id of the record.
	ID string `json:"id"`
	// Operation is the spec's operation used: "erase", or "delete" when
	// it removes.
	Operation string `json:"operation"`
	// AlreadyGone says the partner no longer had the record.
	AlreadyGone bool `json:"alreadyGone,omitempty"`
	// HTTPStatus is the partner's answer; zero on a dry run.
	HTTPStatus int `json:"httpStatus,omitempty"`
}

// StateTrace is what the state keeps of the record in one direction.
type StateTrace struct {
	Direction instance.Direction `json:"direction"`
	PartnerID string             `json:"partnerId,omitempty"`
	Written   bool               `json:"written"`
	Echo      bool               `json:"echo"`
	Intent    bool               `json:"intent"`
}

// ErrErasePermission is matched by the error of an erase the instance
// does not grant; ErrCannotErase by the error of an erase asked for
// wrongly (no entity or key, an unknown entity) or of a record the spec
// declares no way to remove; ErrEraseRefused by the error of an erase
// the partner refused (nothing is erased then).
var (
	ErrErasePermission = errors.New("erase not permitted")
	ErrCannotErase     = errors.New("cannot erase")
	ErrEraseRefused    = errors.New("the partner refused the removal")
)

// Erase erases one person's record of an instance (a GDPR erasure): it
// removes the record at the partner with the entity's erase operation, or
// with its delete when that removes (a delete that only detaches is not
// enough, and Erase refuses then, naming the operation to declare); then
// it deletes the record's state in both directions (written values and
// memos, id map entries, echo hashes, create intents), its failure ledger
// entries and its dependency index entries, masks its audit entries
// (store.Audit.Erase) and writes one audit entry with the outcome
// "erased" that names the record by its pseudonym only.
//
// The record is the one of Entity and Key, in push and pull alike: the
// partner record written from it, and the record a pull read from the
// partner under it. Records of other entities whose payload included it
// keep their state and are written again, without it, by the next run.
//
// Erasing needs the instance's delete permission for the entity on push,
// the direction that writes to the partner, since it deletes there; opts
// can override that. It holds the instance's lock, so that no run
// interleaves. The home system is left alone: a person still there is
// written again by the next run.
//
// On a dry run nothing changes; the result says what would be removed.
// When the partner refuses the removal, nothing else is erased and the
// error says why.
func (e *Engine) Erase(ctx context.Context, l *instance.Loaded, opts EraseOptions) (*Erasure, error) {
	x, err := e.newEraser(l, opts)
	if err != nil {
		return nil, err
	}
	if err := x.find(ctx); err != nil {
		return nil, err
	}
	if opts.DryRun {
		return x.res, nil
	}
	release, err := store.NewLocks(e.cfg.Redis, e.cfg.Keys).Hold(ctx, l.Instance.ID)
	if err != nil {
		return nil, fmt.Errorf("erase: %w; erase again when the run is done", err)
	}
	defer release()
	return x.res, x.erase(ctx)
}

// EraseApplied is Erase of a stored instance, with the specs and model it
// was applied with and the built-in plug-ins.
func (e *Engine) EraseApplied(ctx context.Context, st *instance.InstanceStore, inst *instance.Instance, opts EraseOptions) (*Erasure, error) {
	l, _, err := OpenApplied(ctx, st, inst, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil {
		return nil, err
	}
	return e.Erase(ctx, l, opts)
}

// eraser is one Erase.
type eraser struct {
	e      *Engine
	l      *instance.Loaded
	inst   *instance.Instance
	opts   EraseOptions
	ent    *specs.Entity
	op     string // "erase" or "delete"; empty when neither removes
	traces []store.Trace
	res    *Erasure
}

// newEraser checks the options, the entity and the permission.
func (e *Engine) newEraser(l *instance.Loaded, opts EraseOptions) (*eraser, error) {
	if l == nil || l.Partner == nil || l.Instance == nil {
		return nil, errors.New("engine: the instance's specs are not loaded; use Open or OpenApplied")
	}
	inst := l.Instance
	if opts.Entity == "" || opts.Key == "" {
		return nil, fmt.Errorf("%w: name the record's entity and its home key", ErrCannotErase)
	}
	ent := l.Partner.Sync.Entities[opts.Entity]
	if ent == nil {
		return nil, fmt.Errorf("%w: instance %q: the partner spec has no entity %q; its entities are %v", ErrCannotErase, inst.ID, opts.Entity, slices.Sorted(maps.Keys(l.Partner.Sync.Entities)))
	}
	if !opts.OverridePermission && !inst.Permissions.Allows(instance.Push, opts.Entity, instance.Delete) {
		return nil, fmt.Errorf("%w: instance %q does not grant push %s delete, which erasing needs since it removes the record at the partner; grant it, or erase with the permission overridden (--override-permission, or overridePermission in the admin API)",
			ErrErasePermission, inst.ID, opts.Entity)
	}
	x := &eraser{e: e, l: l, inst: inst, opts: opts, ent: ent, op: removeOperation(ent)}
	x.res = &Erasure{Instance: inst.ID, Entity: opts.Entity, Pseudonym: Pseudonym(inst.ID, opts.Entity, opts.Key), DryRun: opts.DryRun,
		State: []StateTrace{}, Failures: []instance.Direction{}}
	return x, nil
}

// removeOperation is the operation that removes a record of ent: its
// erase, else its delete when that removes; "" when neither does.
func removeOperation(ent *specs.Entity) string {
	switch {
	case ent.Erase != nil:
		return "erase"
	case ent.Delete != nil && ent.Delete.Mode != specs.DeleteDetach:
		return "delete"
	}
	return ""
}

// Pseudonym is what stands for the record of entity and key of an
// instance once it is erased: "erased:" and the first 16 hex digits of a
// SHA-256 over the three. It tells entries of one erased record apart
// without holding its key; a key from a small set of possible keys can be
// found again by trying them, which is why erased entries keep nothing
// else of the record.
func Pseudonym(inst, entity, key string) string {
	sum := sha256.Sum256([]byte(inst + "\x00" + entity + "\x00" + key))
	return "erased:" + hex.EncodeToString(sum[:8])
}

// find collects what is kept of the record and checks that the partner's
// record can be removed.
func (x *eraser) find(ctx context.Context) error {
	st := x.e.State(x.inst)
	var err error
	if x.traces, err = st.Traces(ctx, x.opts.Entity, x.opts.Key); err != nil {
		return err
	}
	for _, t := range x.traces {
		if !t.Empty() {
			x.res.State = append(x.res.State, StateTrace{Direction: t.Direction, PartnerID: t.PartnerID, Written: t.Written, Echo: t.Echo, Intent: t.Intent})
		}
	}
	if err := x.findFailures(ctx); err != nil {
		return err
	}
	if err := x.findPartner(); err != nil {
		return err
	}
	if x.res.Dependencies, err = x.countDependencies(ctx); err != nil {
		return err
	}
	if err := x.countAudit(ctx); err != nil {
		return err
	}
	return x.known()
}

// known refuses a record of which nothing is kept: its key is mistyped,
// it was never synchronised, or it was erased already.
func (x *eraser) known() error {
	r := x.res
	if len(r.State) == 0 && len(r.Failures) == 0 && r.AuditEntries == 0 && r.Dependencies == 0 {
		return fmt.Errorf("%w: instance %q knows nothing of %s %q: no state, failure or audit entry names it; check the entity and the key (it may be erased already)",
			ErrCannotErase, x.inst.ID, x.opts.Entity, x.opts.Key)
	}
	return nil
}

// findPartner picks the partner's record to remove and the operation.
func (x *eraser) findPartner() error {
	id := x.partnerID()
	if id == "" {
		return nil
	}
	if x.op == "" {
		return fmt.Errorf("%w: instance %q: the partner's %s records cannot be removed: the entity's delete %s; declare an \"erase\" operation in x-sync.entities.%s of the partner spec that removes the record (see docs/spec-language.md)",
			ErrCannotErase, x.inst.ID, x.opts.Entity, deleteWhat(x.ent), x.opts.Entity)
	}
	x.res.Partner = &PartnerRemoval{ID: id, Operation: x.op}
	return nil
}

// deleteWhat says why an entity's delete does not remove.
func deleteWhat(ent *specs.Entity) string {
	if ent.Delete == nil {
		return "is not declared"
	}
	return "only detaches (mode \"detach\")"
}

// partnerID is the partner's id of the record: the one push wrote, else
// the one pull read.
func (x *eraser) partnerID() string {
	for _, dir := range instance.Directions() {
		for _, t := range x.traces {
			if t.Direction == dir && t.PartnerID != "" {
				return t.PartnerID
			}
		}
	}
	return ""
}

// ledgerKeys are the keys the failure ledger may hold the record under.
func (x *eraser) ledgerKeys() []string {
	keys := []string{x.opts.Key}
	if id := x.partnerID(); id != "" {
		keys = append(keys, "@"+id)
	}
	return keys
}

// findFailures notes the directions whose ledger holds the record.
func (x *eraser) findFailures(ctx context.Context) error {
	ledger := x.e.Ledger(x.inst)
	for _, dir := range instance.Directions() {
		for _, k := range x.ledgerKeys() {
			f, err := ledger.Get(ctx, dir, x.opts.Entity, k)
			if err != nil {
				return err
			}
			if f != nil && !slices.Contains(x.res.Failures, dir) {
				x.res.Failures = append(x.res.Failures, dir)
			}
		}
	}
	return nil
}

// erasure is what the audit log masks.
func (x *eraser) erasure() store.Erasure {
	keys := x.ledgerKeys()
	return store.Erasure{Entity: x.opts.Entity, Keys: keys, Scrub: append([]string{x.opts.Key}, partnerIDs(x.traces)...), Pseudonym: x.res.Pseudonym}
}

// partnerIDs lists the distinct partner ids of traces.
func partnerIDs(traces []store.Trace) []string {
	var out []string
	for _, t := range traces {
		if t.PartnerID != "" && !slices.Contains(out, t.PartnerID) {
			out = append(out, t.PartnerID)
		}
	}
	return out
}

// countAudit counts the audit entries the erasure masks.
func (x *eraser) countAudit(ctx context.Context) error {
	n, err := x.e.Audit(x.inst).CountErased(ctx, x.inst.ID, x.erasure())
	x.res.AuditEntries = n
	return err
}

// erase carries the erasure out: the partner first, so that a refusal
// there leaves everything else as it was.
func (x *eraser) erase(ctx context.Context) error {
	started := x.e.cfg.Clock.Now()
	if err := x.removeAtPartner(ctx); err != nil {
		return err
	}
	if err := x.eraseStored(ctx); err != nil {
		return err
	}
	n, err := x.e.Audit(x.inst).Erase(ctx, x.inst.ID, x.erasure())
	if err != nil {
		return err
	}
	x.res.AuditEntries = n
	return x.audit(ctx, x.e.cfg.Clock.Now().Sub(started))
}

// removeAtPartner removes the record at the partner, when it has one.
func (x *eraser) removeAtPartner(ctx context.Context) error {
	pr := x.res.Partner
	if pr == nil {
		return nil
	}
	client, err := x.client()
	if err != nil {
		return err
	}
	w := connectors.Write{Key: x.opts.Key, Vars: opVars(transforms.Vars{varInstance: instanceVars(x.inst)}, x.opts.Key, pr.ID)}
	remove := client.Erase
	if pr.Operation == "delete" {
		remove = client.Delete
	}
	res, err := remove(ctx, x.opts.Entity, w)
	if err != nil {
		return fmt.Errorf("instance %q: %w of the %s record (%s operation), and nothing was erased: %w", x.inst.ID, ErrEraseRefused, x.opts.Entity, pr.Operation, err)
	}
	if res != nil {
		pr.AlreadyGone, pr.HTTPStatus = res.Gone, res.Status
	}
	return nil
}

// client builds the partner's connector client.
func (x *eraser) client() (*connectors.Client, error) {
	j := &job{cfg: x.e.cfg, l: x.l, inst: x.inst}
	return j.client(x.l.Partner, x.inst.Partner)
}

// eraseStored deletes the record's state, failures and dependency index
// entries.
func (x *eraser) eraseStored(ctx context.Context) error {
	if err := x.e.State(x.inst).Erase(ctx, x.opts.Entity, x.opts.Key, x.traces); err != nil {
		return err
	}
	ledger := x.e.Ledger(x.inst)
	for _, dir := range instance.Directions() {
		if err := ledger.Clear(ctx, dir, x.opts.Entity, x.ledgerKeys()...); err != nil {
			return err
		}
	}
	return x.eraseDependencies(ctx)
}

// countDependencies counts the dependency index's entries of the record,
// and eraseDependencies deletes them: the record's own edges, as a
// dependent of its entity, and the edges of every flow's records whose
// payload included it (they hold its key). A dependent that loses its
// edge is mapped again at the next complete read.
func (x *eraser) countDependencies(ctx context.Context) (int, error) {
	return x.dependencies(ctx, true)
}

// eraseDependencies: see countDependencies.
func (x *eraser) eraseDependencies(ctx context.Context) error {
	_, err := x.dependencies(ctx, false)
	return err
}

// dependencies counts, or with dry false erases, the record's entries of
// the dependency index in every direction and entity.
func (x *eraser) dependencies(ctx context.Context, dry bool) (int, error) {
	st := x.e.State(x.inst)
	total := 0
	for _, dir := range instance.Directions() {
		for _, name := range slices.Sorted(maps.Keys(x.l.Partner.Sync.Entities)) {
			n, err := st.EraseDependencies(ctx, dir, name, x.ent.Model, x.opts.Key, name == x.opts.Entity, dry)
			if err != nil {
				return 0, err
			}
			total += n
		}
	}
	return total, nil
}

// audit writes the one entry of the erasure.
func (x *eraser) audit(ctx context.Context, took time.Duration) error {
	entry := store.Entry{Organisation: x.inst.Organisation, Instance: x.inst.ID, Direction: instance.Push,
		Entity: x.opts.Entity, Key: x.res.Pseudonym, Action: instance.Delete, Outcome: store.OutcomeErased, Duration: took,
		Values: x.auditValues()}
	if p := x.res.Partner; p != nil {
		entry.HTTPStatus = p.HTTPStatus
	}
	return x.e.Audit(x.inst).Write(ctx, entry)
}

// auditValues say what the erasure removed, without anything of the
// record.
func (x *eraser) auditValues() map[string]any {
	v := map[string]any{"auditEntriesMasked": x.res.AuditEntries, "stateDirections": len(x.res.State), "failuresCleared": len(x.res.Failures)}
	if p := x.res.Partner; p != nil {
		v["partner"], v["alreadyGone"] = p.Operation, p.AlreadyGone
	} else {
		v["partner"] = "none known"
	}
	return v
}
