package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/internal/redistest"
)

// failureOf is the ledger's failure of a push record; nil for none.
func failureOf(t *testing.T, h *harness, entity, key string) *store.Failure {
	t.Helper()
	f, err := h.eng.Ledger(h.inst).Get(context.Background(), instance.Push, entity, key)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// partnerIDsOf lists the ids of the partner's records of a key.
func partnerIDsOf(h *harness, entity, key string) []string {
	var ids []string
	for _, r := range h.partner.Records(entity) {
		if fmt.Sprint(r["externalId"]) == key {
			ids = append(ids, fmt.Sprint(r["id"]))
		}
	}
	return ids
}

// TestUnansweredCreateWithoutLookupIsUncertainUntilResolved leaves the
// intents of creates whose answers never came, for an entity the spec
// gives no way to settle them: the records are not created again but
// failed as uncertain, in the ledger and the audit log, run after run;
// a resolution as absent lets the next run create its record, one as
// created lets it update the partner's record of that id, and neither
// leaves a second record.
func TestUnansweredCreateWithoutLookupIsUncertainUntilResolved(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarnessSpec(t, redistest.New(t), createOnlyPartner(t, false))
	data := newHomeData(1, 3)
	h.seedHome(data)
	st := h.eng.State(h.inst)
	// u1 reached the partner before the run was killed; u2 did not.
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u1", "buildingId": "x", "number": "old", "area": "1", "buildingKey": "b1"}})
	id1 := partnerIDsOf(h, "unit", "u1")[0]
	intents := []store.Intent{{Key: "u1", Hash: "h1"}, {Key: "u2", Hash: "h2"}}
	if err := st.MarkIntents(ctx, instance.Push, "unit", intents...); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		sum := h.run(RunOptions{Direction: instance.Push})
		if e := sum.Entity(instance.Push, "unit"); e.Failed != 2 || e.Created != int64(1-i) {
			t.Errorf("run %d: unit: %d failed, %d created; want the 2 uncertain failed and u3 created once", i+1, e.Failed, e.Created)
		}
		for _, key := range []string{"u1", "u2"} {
			f := failureOf(t, h, "unit", key)
			if f == nil || f.Reason.Code != string(CodeUncertain) || !strings.Contains(f.Reason.Message, "specsync resolve") {
				t.Fatalf("ledger of %s = %+v; want uncertain, saying how to resolve", key, f)
			}
		}
	}
	if n := len(partnerIDsOf(h, "unit", "u1")); n != 1 {
		t.Errorf("the partner holds u1 %d times", n)
	}
	if n := len(partnerIDsOf(h, "unit", "u2")); n != 0 {
		t.Errorf("the partner holds the uncertain u2 %d times", n)
	}
	page, err := h.eng.Audit(h.inst).Query(ctx, store.Query{Instance: h.inst.ID, Key: "u2", Failed: true})
	entries := page.Entries
	if err != nil || len(entries) == 0 || !strings.HasPrefix(entries[0].Error, string(CodeUncertain)) {
		t.Errorf("audit of u2 = %+v, %v; want failed entries naming the code", entries, err)
	}

	if _, err := h.eng.Resolve(ctx, h.loaded, ResolveOptions{Key: "u1", Created: id1}); err != nil {
		t.Fatal(err)
	}
	res, err := h.eng.Resolve(ctx, h.loaded, ResolveOptions{Key: "u2", Absent: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Entity != "unit" || res.Direction != instance.Push || !strings.HasPrefix(res.Failure, "uncertain: ") {
		t.Errorf("resolution = %+v; want push unit, clearing the uncertain failure", res)
	}
	for _, key := range []string{"u1", "u2"} {
		if f := failureOf(t, h, "unit", key); f == nil || f.Reason.Code != string(CodeResolved) {
			t.Errorf("ledger of %s after the resolution = %+v; want it kept as resolved, for the next run to read", key, f)
		}
	}
	// Past the cursor's lookback, the next (incremental) run reads the
	// resolved records only because the ledger holds them.
	h.clock.Advance(24 * time.Hour)
	sum := h.run(RunOptions{Direction: instance.Push})
	for _, key := range []string{"u1", "u2"} {
		if f := failureOf(t, h, "unit", key); f != nil {
			t.Errorf("ledger of %s after the run = %+v; want it cleared once written", key, f)
		}
	}
	if e := sum.Entity(instance.Push, "unit"); e.Failed != 0 || e.Created != 1 || e.Updated != 1 {
		t.Errorf("unit after resolving: %+v; want u2 created and u1 updated", e)
	}
	if ids := partnerIDsOf(h, "unit", "u1"); len(ids) != 1 || ids[0] != id1 {
		t.Errorf("u1 at the partner: %v; want only %s", ids, id1)
	}
	for _, r := range h.partner.Records("unit") {
		if r["externalId"] == "u1" && r["number"] != "1.1" {
			t.Errorf("u1 was not written over: %v", r)
		}
	}
	if n := len(partnerIDsOf(h, "unit", "u2")); n != 1 {
		t.Errorf("the partner holds u2 %d times after the resolution as absent", n)
	}
	resolved, err := h.eng.Audit(h.inst).Query(ctx, store.Query{Instance: h.inst.ID, Outcome: OutcomeResolved})
	if err != nil || len(resolved.Entries) != 2 {
		t.Errorf("resolution audit entries: %+v, %v", resolved, err)
	}
}

// TestUnansweredCreateIsSettledByLookupOrIdempotencyKey leaves intents
// for entities that can settle them: the unit's lookup adopts the record
// its lost create made, and the building's create is sent again with the
// idempotency key of the first attempt, which the partner answers with
// the record it made then. Nothing is uncertain, nothing doubled.
func TestUnansweredCreateIsSettledByLookupOrIdempotencyKey(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, "create")
	data := newHomeData(1, 2)
	h.seedHome(data)
	st := h.eng.State(h.inst)
	seed(t, h.partner, "unit", []map[string]any{{"externalId": "u1", "buildingId": "x", "number": "1.1", "area": "41.5", "buildingKey": "b1"}})
	if err := st.MarkIntents(ctx, instance.Push, "unit", store.Intent{Key: "u1", Hash: "h1"}); err != nil {
		t.Fatal(err)
	}
	if err := st.MarkIntents(ctx, instance.Push, "building", store.Intent{Key: "b1", Hash: "h1"}); err != nil {
		t.Fatal(err)
	}
	sum := h.run(RunOptions{Direction: instance.Push})
	if e := sum.Entity(instance.Push, "unit"); e.Failed != 0 || e.Adopted != 1 {
		t.Errorf("unit: %+v; want u1 adopted", e)
	}
	if e := sum.Entity(instance.Push, "building"); e.Failed != 0 || e.Created != 1 {
		t.Errorf("building: %+v; want b1 created", e)
	}
	for _, k := range []struct{ entity, key string }{{"unit", "u1"}, {"building", "b1"}} {
		if n := len(partnerIDsOf(h, k.entity, k.key)); n != 1 {
			t.Errorf("the partner holds %s %s %d times", k.entity, k.key, n)
		}
	}
}

// TestConfirmedCreateIsTakenAsWritten leaves a create intent with its
// answer, as a run killed after the answer and before its page commit
// does: the next run takes the record as created with the answer's id
// and sends nothing for it, although the entity has no lookup.
func TestConfirmedCreateIsTakenAsWritten(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarnessSpec(t, redistest.New(t), createOnlyPartner(t, false))
	h.seedHome(newHomeData(1, 1))
	h.run(RunOptions{Direction: instance.Push})
	known, err := h.eng.State(h.inst).Load(ctx, instance.Push, "unit", []string{"u1"})
	if err != nil {
		t.Fatal(err)
	}
	// The run is forgotten but for the answer of the create.
	h.rdb.HDel(ctx, h.ns.Written(h.inst.ID, "push", "unit"), "u1")
	h.rdb.HDel(ctx, h.ns.IDReverse(h.inst.ID, "push", "unit"), known[0].PartnerID)
	conf := store.Confirmation{Direction: instance.Push, Entity: "unit", Key: "u1", PartnerID: known[0].PartnerID, Hash: known[0].Hash, Memo: known[0].Memo}
	if err := h.eng.State(h.inst).Confirm(ctx, []store.Confirmation{conf}); err != nil {
		t.Fatal(err)
	}
	h.writes.take()
	sum := h.run(RunOptions{Direction: instance.Push, Full: true})
	if e := sum.Entity(instance.Push, "unit"); e.Failed != 0 || e.Created != 0 || e.Updated != 0 {
		t.Errorf("unit: %+v; want nothing written", e)
	}
	if w := h.writes.take(); len(w) != 0 {
		t.Errorf("writes sent: %v", w)
	}
	after, err := h.eng.State(h.inst).LoadWith(ctx, instance.Push, "unit", []string{"u1"}, store.LoadOptions{Intents: true})
	if err != nil || after[0].PartnerID != known[0].PartnerID || after[0].Confirmed || after[0].Intent != "" {
		t.Errorf("state after the run: %+v, %v; want written with the answer's id, the intent settled", after, err)
	}
}

// TestConfirmationsAreWrittenBeforeThePageCommit holds the partner's
// answer to the last create of a page: while the page waits for it, the
// answers of the others are already recorded on their intents.
func TestConfirmationsAreWrittenBeforeThePageCommit(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarnessSpec(t, redistest.New(t), createOnlyPartner(t, false))
	h.seedHome(newHomeData(1, 4))
	release := make(chan struct{})
	inner := h.writes.next
	h.writes.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/units" && strings.Contains(peekBody(r), `"u4"`) {
			<-release
		}
		inner.ServeHTTP(w, r)
	})
	done := make(chan error, 1)
	go func() {
		_, err := h.eng.Run(ctx, h.loaded, RunOptions{Direction: instance.Push})
		done <- err
	}()
	deadline := time.Now().Add(10 * time.Second)
	for {
		known, err := h.eng.State(h.inst).LoadWith(ctx, instance.Push, "unit", []string{"u1", "u2", "u3"}, store.LoadOptions{Intents: true})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, k := range known {
			if k.Confirmed && k.PartnerID != "" {
				n++
			}
		}
		if n == 3 {
			break
		}
		if time.Now().After(deadline) {
			close(release)
			t.Fatalf("the answers of u1..u3 were not recorded while the page waits: %+v", known)
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	known, err := h.eng.State(h.inst).LoadWith(ctx, instance.Push, "unit", []string{"u1", "u4"}, store.LoadOptions{Intents: true})
	if err != nil || known[0].Intent != "" || known[1].Intent != "" || known[1].PartnerID == "" {
		t.Errorf("after the page commit: %+v, %v; want written, the intents settled", known, err)
	}
}

// peekBody reads a request's body and puts it back.
func peekBody(r *http.Request) string {
	body, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	return string(body)
}

// TestCreateRefusedAsExistingAdoptsWhatTheLookupFinds makes the partner
// hold each unit by the time its create arrives (after the lookup before
// it found nothing), so that it answers 409: with a lookup, the record is
// found and adopted; without, the create fails saying why.
func TestCreateRefusedAsExistingAdoptsWhatTheLookupFinds(t *testing.T) {
	t.Parallel()
	for _, lookup := range []bool{true, false} {
		t.Run(fmt.Sprintf("lookup=%v", lookup), func(t *testing.T) {
			t.Parallel()
			h := newHarnessSpec(t, redistest.New(t), createOnlyPartner(t, lookup))
			if err := h.partner.SetOptions(mockOptions{Now: h.clock.Now}); err != nil {
				t.Fatal(err)
			}
			h.seedHome(newHomeData(1, 2))
			inner := h.writes.next
			var mu sync.Mutex
			h.writes.next = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPost && r.URL.Path == "/units" {
					var doc map[string]any
					if err := json.Unmarshal([]byte(peekBody(r)), &doc); err == nil {
						mu.Lock()
						seed(t, h.partner, "unit", []map[string]any{doc})
						mu.Unlock()
					}
				}
				inner.ServeHTTP(w, r)
			})
			sum := h.run(RunOptions{Direction: instance.Push})
			e := sum.Entity(instance.Push, "unit")
			if lookup {
				if e.Adopted != 2 || e.Failed != 0 {
					t.Errorf("unit: %+v; want both adopted", e)
				}
				for _, key := range []string{"u1", "u2"} {
					if n := len(partnerIDsOf(h, "unit", key)); n != 1 {
						t.Errorf("the partner holds %s %d times", key, n)
					}
				}
				return
			}
			if e.Failed != 2 {
				t.Errorf("unit: %+v; want both failed", e)
			}
			f := failureOf(t, h, "unit", "u1")
			if f == nil || f.Reason.Code != "http-409" || !strings.Contains(f.Reason.Message, "already exists") || !strings.Contains(f.Reason.Message, "no lookup") {
				t.Errorf("ledger of u1 = %+v; want http-409 saying the entity has no lookup", f)
			}
		})
	}
}

// TestResolveRefusesWhatItCannotResolve covers the errors of Resolve.
func TestResolveRefusesWhatItCannotResolve(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarnessSpec(t, redistest.New(t), createOnlyPartner(t, false))
	st := h.eng.State(h.inst)
	for _, in := range []struct{ entity, key string }{{"unit", "k"}, {"tenant", "k"}, {"unit", "c"}} {
		if err := st.MarkIntents(ctx, instance.Push, in.entity, store.Intent{Key: in.key, Hash: "h"}); err != nil {
			t.Fatal(err)
		}
	}
	conf := store.Confirmation{Direction: instance.Push, Entity: "unit", Key: "c", PartnerID: "p-9", Hash: "h"}
	if err := st.Confirm(ctx, []store.Confirmation{conf}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		opts ResolveOptions
		want string
	}{
		{ResolveOptions{Absent: true}, "home key"},
		{ResolveOptions{Key: "k"}, "either"},
		{ResolveOptions{Key: "k", Absent: true, Created: "x"}, "either"},
		{ResolveOptions{Key: "k", Absent: true, Entity: "flat"}, `no entity "flat"`},
		{ResolveOptions{Key: "k", Absent: true, Direction: "sideways"}, "neither push nor pull"},
		{ResolveOptions{Key: "nope", Absent: true}, "no create intent"},
		{ResolveOptions{Key: "k", Absent: true}, "--entity"},
		{ResolveOptions{Key: "c", Absent: true}, `"p-9"`},
	}
	for _, c := range cases {
		_, err := h.eng.Resolve(ctx, h.loaded, c.opts)
		if !errors.Is(err, ErrCannotResolve) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Resolve(%+v) = %v; want ErrCannotResolve saying %q", c.opts, err, c.want)
		}
	}
	if res, err := h.eng.Resolve(ctx, h.loaded, ResolveOptions{Key: "k", Entity: "tenant", Created: "t-1"}); err != nil || res.Entity != "tenant" {
		t.Errorf("Resolve with the entity = %+v, %v", res, err)
	}
}
