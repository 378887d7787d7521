package bench

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/specs"
)

// Defaults of ConvergeOptions.
const (
	DefaultConvergeRounds  = 20
	DefaultConvergePersons = 200
)

// ConvergeOptions say how the convergence soak runs.
type ConvergeOptions struct {
	// Redis keeps the instance's state. Required.
	Redis redis.UniversalClient
	// Keys is the namespace of the instance's keys, which are removed at
	// the end.
	Keys keys.Namespace
	// Rounds is the number of rounds. Zero means DefaultConvergeRounds.
	Rounds int
	// Persons is the number of persons the home starts with, each with a
	// lease. Zero means DefaultConvergePersons.
	Persons int
	// Seed seeds the first round; round i uses Seed+i, so that every round
	// meets different changes and faults. The same seed repeats a soak.
	Seed uint64
	// NoFaults turns off the partner's faults (5xx, 429, connection
	// resets). The zero value injects them.
	NoFaults bool
	// Progress receives a line per round. Nil means none.
	Progress io.Writer
}

// ConvergeRound is what one round changed and found.
type ConvergeRound struct {
	Round int
	// Changes counts the changes made before the sync, by kind: home
	// creates, updates, included-record updates, clears and deletes;
	// partner edits, deletes and additions; webhook deliveries and their
	// duplicates.
	Changes map[string]int
	// Sync is the summary of the round's sync.
	Sync *engine.Summary
	// Faults counts the partner's injected faults in the round.
	Faults mock.FaultStats
	// Drift is the reconciliation that repaired the round's drift.
	Drift *engine.Reconciliation
	// Mismatches lists every field where the partner differs from the
	// home after the round, every entity the repairing reconciliation
	// could not compare completely, and every difference a reconciliation after
	// the repair reports that the comparison does not see (it would report
	// drift that is not there) or misses; a converged round has none.
	Mismatches []string
}

// ConvergeReport is the whole soak's outcome.
type ConvergeReport struct {
	Rounds []ConvergeRound
}

// Converged says whether every round ended with the partner holding
// exactly the home's data.
func (r *ConvergeReport) Converged() bool {
	for _, rd := range r.Rounds {
		if len(rd.Mismatches) > 0 {
			return false
		}
	}
	return true
}

// Converge runs the convergence soak: rounds of random changes on both
// sides, each followed by a sync and a repairing reconcile, after which
// the partner must hold exactly what the home holds, field by field. It
// returns an error when the soak could not run; a partner that did not
// converge is reported in the rounds' Mismatches.
func Converge(ctx context.Context, o ConvergeOptions) (*ConvergeReport, error) {
	if o.Redis == nil {
		return nil, errors.New("bench: ConvergeOptions.Redis is required")
	}
	o.Rounds = cmp.Or(o.Rounds, DefaultConvergeRounds)
	o.Persons = cmp.Or(o.Persons, DefaultConvergePersons)
	s, err := newSoak(o)
	if err != nil {
		return nil, err
	}
	defer s.close(ctx)
	if err := s.start(ctx); err != nil {
		return nil, err
	}
	rep := &ConvergeReport{}
	for i := 1; i <= o.Rounds; i++ {
		rd, err := s.round(ctx, i)
		if err != nil {
			return rep, fmt.Errorf("bench: converge round %d: %w", i, err)
		}
		rep.Rounds = append(rep.Rounds, rd)
		if o.Progress != nil {
			fmt.Fprintf(o.Progress, "round %d: %s; %s; %s; mismatches %d\n", i, changesText(rd.Changes), syncText(rd.Sync), driftText(rd.Drift), len(rd.Mismatches))
		}
	}
	return rep, nil
}

// soak is the state of a convergence soak: the two mock systems, the
// instance between them and the home's data as the soak changed it.
type soak struct {
	o       ConvergeOptions
	dir     string
	clock   *clock.Manual
	home    *mock.Server
	partner *mock.Server
	homeURL string
	partURL string
	stops   []func()
	eng     *engine.Engine
	loaded  *instance.Loaded
	hook    *queue.Webhook
	seen    *queue.SeenEvents
	rng     *rand.Rand
	// persons and leases are the home's records by key, as the soak last
	// wrote them.
	persons map[string]map[string]any
	leases  map[string]map[string]any
	next    int
}

// soakInstance is the instance's id in the soak's namespace.
const soakInstance = "converge"

// newSoak writes the fixtures and starts the mock systems.
func newSoak(o ConvergeOptions) (*soak, error) {
	dir, err := os.MkdirTemp("", "specsync-converge-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	s := &soak{o: o, dir: dir, clock: clock.NewManual(time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC)),
		persons: map[string]map[string]any{}, leases: map[string]map[string]any{}}
	for _, name := range []string{"converge_home.json", "converge_partner.json", "converge_model.json"} {
		data, err := fixtures.ReadFile("data/" + name)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), data, 0o600)
		}
		if err != nil {
			s.close(context.Background())
			return nil, fmt.Errorf("bench: %w", err)
		}
	}
	if s.home, s.homeURL, err = s.serve("converge_home.json"); err == nil {
		s.partner, s.partURL, err = s.serve("converge_partner.json")
	}
	if err != nil {
		s.close(context.Background())
		return nil, err
	}
	return s, nil
}

// serve starts the mock of a fixture document.
func (s *soak) serve(name string) (*mock.Server, string, error) {
	spec, fs, err := specs.Load(filepath.Join(s.dir, name), specs.LoadOptions{})
	if err == nil && fs.HasErrors() {
		err = fmt.Errorf("%s has findings: %v", name, fs)
	}
	if err != nil {
		return nil, "", fmt.Errorf("bench: %w", err)
	}
	m, err := mock.New(spec, mock.Options{Now: s.clock.Now})
	if err != nil {
		return nil, "", fmt.Errorf("bench: %w", err)
	}
	url, stop, err := serve(m)
	if err != nil {
		return nil, "", err
	}
	s.stops = append(s.stops, stop)
	return m, url, nil
}

// close stops the systems and removes the instance's keys and files.
func (s *soak) close(ctx context.Context) {
	for _, stop := range s.stops {
		stop()
	}
	unlinkMatching(ctx, s.o.Redis, s.o.Keys.InstancePattern(soakInstance))
	os.RemoveAll(s.dir)
}

// start seeds the home, opens the instance and runs its first sync.
func (s *soak) start(ctx context.Context) error {
	s.rng = rand.New(rand.NewPCG(s.o.Seed, 0x5eed))
	for range s.o.Persons {
		p := s.newPerson()
		l := s.newLease(p["id"].(string))
		if err := s.homeWrite(http.MethodPut, "/persons/"+p["id"].(string), p); err != nil {
			return err
		}
		if err := s.homeWrite(http.MethodPut, "/leases/"+l["id"].(string), l); err != nil {
			return err
		}
	}
	inst := &instance.Instance{
		ID: soakInstance, Organisation: "bench", Source: "bench",
		Home:    instance.System{Spec: filepath.Join(s.dir, "converge_home.json"), BaseURL: s.homeURL},
		Partner: instance.System{Spec: filepath.Join(s.dir, "converge_partner.json"), BaseURL: s.partURL},
		Model:   filepath.Join(s.dir, "converge_model.json"),
		Permissions: instance.Permissions{instance.Push: {
			"contact": {instance.Create, instance.Update, instance.Delete},
			"tenant":  {instance.Create, instance.Update, instance.Delete},
		}},
	}
	l, fs, err := engine.Open(inst, specs.LoadOptions{})
	if err == nil && fs.HasErrors() {
		err = fmt.Errorf("%v", fs)
	}
	if err != nil {
		return fmt.Errorf("bench: opening the soak's instance: %w", err)
	}
	s.loaded = l
	if s.hook, err = queue.LoadWebhook(inst, nil, queue.WebhookConfig{}); err != nil {
		return fmt.Errorf("bench: the soak's webhooks: %w", err)
	}
	s.seen = queue.NewSeenEvents(s.o.Redis, s.o.Keys)
	s.eng, err = engine.New(engine.Config{Redis: s.o.Redis, Keys: s.o.Keys, Clock: s.clock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	s.clock.Advance(time.Minute)
	sum, err := s.eng.Run(ctx, s.loaded, engine.RunOptions{})
	if err != nil {
		return err
	}
	if sum.Status() != engine.StatusClean {
		return fmt.Errorf("the first sync was not clean:\n%s", tableText(sum))
	}
	if m := s.mismatches(); len(m) > 0 {
		return fmt.Errorf("after the first sync the partner differs from the home:\n%s", strings.Join(m, "\n"))
	}
	return nil
}

// round makes one round's changes, syncs and reconciles.
func (s *soak) round(ctx context.Context, n int) (ConvergeRound, error) {
	rd := ConvergeRound{Round: n, Changes: map[string]int{}}
	s.rng = rand.New(rand.NewPCG(s.o.Seed+uint64(n), 0x5eed))
	s.clock.Advance(time.Minute)
	events, err := s.changeHome(rd.Changes)
	if err != nil {
		return rd, err
	}
	if err := s.changePartner(rd.Changes); err != nil {
		return rd, err
	}
	if err := s.setFaults(int64(n)); err != nil {
		return rd, err
	}
	s.partner.ResetStats()
	if err := s.deliver(ctx, events, rd.Changes); err != nil {
		return rd, err
	}
	s.clock.Advance(time.Minute)
	if rd.Sync, err = s.eng.Run(ctx, s.loaded, engine.RunOptions{}); err != nil {
		return rd, err
	}
	if rd.Drift, err = s.eng.Reconcile(ctx, s.loaded, engine.ReconcileOptions{Repair: true}); err != nil {
		return rd, err
	}
	rd.Faults = s.partner.Stats().Faults
	if err := s.setFaults(-1); err != nil {
		return rd, err
	}
	rd.Mismatches = append(incomplete(rd.Drift), s.mismatches()...)
	// A reconciliation now must agree with the comparison: no drift when
	// the partner holds the home's data, drift when it does not.
	check, err := s.eng.Reconcile(ctx, s.loaded, engine.ReconcileOptions{})
	if err != nil {
		return rd, err
	}
	left := len(check.Drift) + check.More
	switch {
	case left > 0 && len(rd.Mismatches) == 0:
		for _, d := range check.Drift {
			rd.Mismatches = append(rd.Mismatches, fmt.Sprintf("reconcile reports %s %s %s (%s) where the partner holds the home's data", d.Kind, d.Entity, d.Key, driftFields(d)))
		}
	case left == 0 && len(rd.Mismatches) > 0:
		rd.Mismatches = append(rd.Mismatches, "reconcile reports no drift while the partner differs from the home")
	}
	// The sync leaves to the reconciliation only what it cannot see: the
	// partner's own changes, home deletes no webhook reported (found by a
	// complete read) and records that failed. More drift means the sync
	// missed a home change, as an included record's.
	budget := int64(rd.Changes["partner edits"] + rd.Changes["partner deletes"] + rd.Changes["partner additions"] +
		rd.Changes["home deletes"] + rd.Changes["webhook sync failures"])
	var drift int64
	for _, e := range rd.Drift.Summary.Entities {
		drift += e.Drift
	}
	for _, e := range rd.Sync.Entities {
		budget += e.Failed
	}
	if drift > budget {
		rd.Mismatches = append(rd.Mismatches, fmt.Sprintf("the reconciliation found %d drifted records, more than the %d the partner's changes, unreported deletes and failures explain: the sync missed home changes", drift, budget))
	}
	return rd, nil
}

// incomplete names the entities a repairing reconciliation could not
// compare completely (a listing failed, or it was aborted), with its
// warnings: their drift was neither found nor repaired, so the round
// cannot have converged.
func incomplete(r *engine.Reconciliation) []string {
	var out []string
	for _, e := range r.Summary.Entities {
		if e.Incomplete {
			out = append(out, fmt.Sprintf("the repairing reconciliation did not compare %s completely", e.Entity))
		}
	}
	if r.Summary.Aborted != "" {
		out = append(out, "the repairing reconciliation was aborted: "+r.Summary.Aborted)
	}
	if len(out) > 0 {
		for _, w := range r.Summary.Warnings {
			out = append(out, "reconciliation warning: "+w)
		}
	}
	return out
}

// setFaults turns the partner's faults on with a seed, or off when seed
// is negative. The rate limit is low enough that every round meets 429s.
// It runs on real time (the mock's default rate clock), not on the soak's
// clock: that one stands still during a sync, so a limiter on it would
// never refill and would refuse every request after the first burst,
// however long the engine waited as Retry-After asked.
func (s *soak) setFaults(seed int64) error {
	o := mock.Options{Now: s.clock.Now}
	if seed >= 0 && !s.o.NoFaults {
		o.Seed, o.ErrorRate, o.ResetRate = seed, 0.05, 0.02
		o.RateLimit, o.RateBurst = 100, 10
	}
	return s.partner.SetOptions(o)
}

// event is a webhook delivery of the home: a record's key and whether
// the record went away.
type event struct {
	entity  string
	key     string
	deleted bool
}

// changeHome makes the round's changes at the home and returns the
// webhook events the home sends about some of them.
func (s *soak) changeHome(c map[string]int) ([]event, error) {
	var events []event
	note := func(entity, key string, deleted bool) {
		if s.rng.IntN(3) == 0 {
			events = append(events, event{entity, key, deleted})
		}
	}
	n := max(1, len(s.persons)/20)
	for range n {
		p := s.newPerson()
		l := s.newLease(p["id"].(string))
		if err := s.homeWrite(http.MethodPut, "/persons/"+p["id"].(string), p); err != nil {
			return nil, err
		}
		if err := s.homeWrite(http.MethodPut, "/leases/"+l["id"].(string), l); err != nil {
			return nil, err
		}
		c["home creates"] += 2
		note("person", p["id"].(string), false)
		note("lease", l["id"].(string), false)
	}
	for range n {
		key := s.pick(s.leases)
		l := s.leases[key]
		l["rent"] = fmt.Sprintf("%d.%02d", 500+s.rng.IntN(1500), s.rng.IntN(100))
		if s.rng.IntN(4) == 0 {
			l["unit_no"] = nil // emptied at the home, cleared at the partner
			c["home clears"]++
		}
		if err := s.homeWrite(http.MethodPut, "/leases/"+key, l); err != nil {
			return nil, err
		}
		c["home updates"]++
		note("lease", key, false)
	}
	for range n {
		// The person's e-mail is also part of the tenant built from each of
		// their leases: an included record.
		key := s.pick(s.persons)
		p := s.persons[key]
		p["email"] = fmt.Sprintf("%s.r%d@example.com", key, s.rng.IntN(1_000_000))
		if s.rng.IntN(3) == 0 {
			p["phone"] = nil
			c["home clears"]++
		}
		if err := s.homeWrite(http.MethodPut, "/persons/"+key, p); err != nil {
			return nil, err
		}
		c["home included updates"]++
		note("person", key, false)
	}
	for range max(1, n/2) {
		key := s.pick(s.leases)
		if err := s.homeWrite(http.MethodDelete, "/leases/"+key, nil); err != nil {
			return nil, err
		}
		delete(s.leases, key)
		c["home deletes"]++
		note("lease", key, true)
	}
	return events, nil
}

// changePartner edits, deletes and adds records at the partner by hand,
// as its users do.
func (s *soak) changePartner(c map[string]int) error {
	n := max(1, len(s.persons)/40)
	contacts := s.partner.Records("contact")
	tenants := s.partner.Records("tenant")
	for range n {
		r := contacts[s.rng.IntN(len(contacts))]
		body := map[string]any{"externalId": r["externalId"], "lastName": fmt.Sprintf("Edited%d", s.rng.IntN(1000))}
		if err := s.partnerWrite(http.MethodPatch, "/contacts/"+fmt.Sprint(r["id"]), body); err != nil {
			return err
		}
		c["partner edits"]++
	}
	for range n {
		r := tenants[s.rng.IntN(len(tenants))]
		if err := s.partnerWrite(http.MethodDelete, "/tenants/"+fmt.Sprint(r["id"]), nil); err != nil && !errors.Is(err, errNotFound) {
			return err
		}
		c["partner deletes"]++
	}
	s.next++
	body := map[string]any{"externalId": fmt.Sprintf("stray-%d", s.next), "lastName": "Stray"}
	if err := s.partnerWrite(http.MethodPost, "/contacts", body); err != nil {
		return err
	}
	c["partner additions"]++
	return nil
}

// deliver sends the home's webhook events through the instance's
// webhook handling (the event resolved to the partner's entities through
// the model, repeats dropped within the dedupe window) and runs the
// single-record syncs they trigger. Some events are delivered twice, as
// senders deliver at least once.
func (s *soak) deliver(ctx context.Context, events []event, c map[string]int) error {
	window := s.loaded.Instance.Options.Dedupe(instance.DefaultDedupeWindow)
	for i, ev := range events {
		typ := ev.entity + ".changed"
		if ev.deleted {
			typ = ev.entity + ".deleted"
		}
		body, err := json.Marshal(map[string]any{"type": typ, "id": ev.key, "eventId": fmt.Sprintf("%s-%d-%d", soakInstance, s.next, i)})
		if err != nil {
			return err
		}
		times := 1
		if s.rng.IntN(4) == 0 {
			times = 2
		}
		for range times {
			d, err := s.hook.Event(body)
			if err != nil {
				return fmt.Errorf("webhook %s: %w", body, err)
			}
			first, err := s.seen.First(ctx, soakInstance, d.Digest, s.clock.Now(), window)
			if err != nil {
				return err
			}
			if !first {
				c["webhook duplicates dropped"]++
				continue
			}
			c["webhook deliveries"]++
			for _, rec := range d.Records {
				opts := engine.RunOptions{Direction: rec.Direction, Entity: rec.Entity, Keys: []string{rec.Key}, KeysDeleted: rec.Action == string(specs.WebhookDelete)}
				sum, err := s.eng.Run(ctx, s.loaded, opts)
				if err != nil {
					return err
				}
				for _, e := range sum.Entities {
					c["webhook sync failures"] += int(e.Failed)
				}
			}
		}
	}
	return nil
}

// driftFields names the fields of a drifted record.
func driftFields(d *engine.Drift) string {
	names := make([]string, len(d.Fields))
	for i, f := range d.Fields {
		names[i] = f.Field
	}
	return strings.Join(names, ", ")
}

// newPerson makes a new home person.
func (s *soak) newPerson() map[string]any {
	s.next++
	key := fmt.Sprintf("p%05d", s.next)
	p := map[string]any{"id": key, "first_name": "Erika", "last_name": fmt.Sprintf("Muster%d", s.next),
		"email": key + "@example.com"}
	if s.rng.IntN(2) == 0 {
		p["phone"] = fmt.Sprintf("+49 30 %07d", s.rng.IntN(10_000_000))
	}
	s.persons[key] = p
	return p
}

// newLease makes a new home lease of a person.
func (s *soak) newLease(person string) map[string]any {
	s.next++
	key := fmt.Sprintf("l%05d", s.next)
	l := map[string]any{"id": key, "person_id": person, "unit_no": fmt.Sprintf("%d.%d", s.rng.IntN(30), s.rng.IntN(9)),
		"rent": fmt.Sprintf("%d.%02d", 500+s.rng.IntN(1500), s.rng.IntN(100))}
	s.leases[key] = l
	return l
}

// pick returns a random key of m.
func (s *soak) pick(m map[string]map[string]any) string {
	ks := slices.Sorted(maps.Keys(m))
	return ks[s.rng.IntN(len(ks))]
}

// errNotFound is a 404 from a mock.
var errNotFound = errors.New("not found")

// homeWrite sends a write to the home, as a user of the ERP would.
func (s *soak) homeWrite(method, path string, body map[string]any) error {
	return sendJSON(method, s.homeURL+path, body)
}

// partnerWrite sends a write to the partner, as its users would.
func (s *soak) partnerWrite(method, path string, body map[string]any) error {
	return sendJSON(method, s.partURL+path, body)
}

// sendJSON makes a JSON request and checks its status.
func sendJSON(method, url string, body map[string]any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	switch {
	case res.StatusCode == http.StatusNotFound:
		return fmt.Errorf("%s %s: %w", method, url, errNotFound)
	case res.StatusCode >= 300:
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, out)
	}
	return nil
}

// mismatches compares the partner with the home, field by field. A
// field the home leaves empty must be empty (null or absent) at the
// partner.
func (s *soak) mismatches() []string {
	want := map[string]map[string]string{}
	for k, p := range s.persons {
		want["contact "+k] = map[string]string{"firstName": text(p["first_name"]), "lastName": text(p["last_name"]),
			"email": text(p["email"]), "phone": text(p["phone"])}
	}
	for k, l := range s.leases {
		want["tenant "+k] = map[string]string{"contact": text(l["person_id"]), "unitNo": text(l["unit_no"]),
			"rent": text(l["rent"]), "contactEmail": text(s.persons[text(l["person_id"])]["email"])}
	}
	got := map[string]map[string]string{}
	contactKey := map[string]string{}
	for _, r := range s.partner.Records("contact") {
		k := text(r["externalId"])
		contactKey[text(r["id"])] = k
		got[s.unique(got, "contact "+k)] = map[string]string{"firstName": text(r["firstName"]), "lastName": text(r["lastName"]),
			"email": text(r["email"]), "phone": text(r["phone"])}
	}
	for _, r := range s.partner.Records("tenant") {
		k := text(r["externalId"])
		got[s.unique(got, "tenant "+k)] = map[string]string{"contact": contactKey[text(r["contactId"])], "unitNo": text(r["unitNo"]),
			"rent": text(r["rent"]), "contactEmail": text(r["contactEmail"])}
	}
	var out []string
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		if !ok {
			out = append(out, k+": missing at the partner")
			continue
		}
		w := want[k]
		for _, f := range slices.Sorted(maps.Keys(w)) {
			if w[f] != g[f] {
				out = append(out, fmt.Sprintf("%s: %s is %q at the partner, %q at the home", k, f, g[f], w[f]))
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(got)) {
		if _, ok := want[k]; !ok {
			out = append(out, k+": at the partner, not at the home")
		}
	}
	return out
}

// unique returns k, or k with a suffix when got holds it already: a
// record the partner holds twice is reported as unexpected.
func (s *soak) unique(got map[string]map[string]string, k string) string {
	for i := 2; ; i++ {
		if _, ok := got[k]; !ok {
			return k
		}
		k = fmt.Sprintf("%s (copy %d)", strings.SplitN(k, " (copy", 2)[0], i)
	}
}

// text is a value as the comparison sees it: empty for nil.
func text(v any) string {
	if v == nil {
		return ""
	}
	return fmt.Sprint(v)
}

// changesText renders a round's changes.
func changesText(c map[string]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(c)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

// syncText renders a sync's counts in one line.
func syncText(sum *engine.Summary) string {
	if sum == nil {
		return "no sync"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "sync %s", sum.Status())
	for _, e := range sum.Entities {
		fmt.Fprintf(&b, " %s c%d u%d d%d f%d", e.Entity, e.Created, e.Updated, e.Deleted, e.Failed)
	}
	return b.String()
}

// driftText renders what a repairing reconciliation found and repaired,
// with the drift it could not repair.
func driftText(r *engine.Reconciliation) string {
	if r == nil {
		return "no reconcile"
	}
	var drift, repaired int64
	var partial []string
	for _, e := range r.Summary.Entities {
		drift, repaired = drift+e.Drift, repaired+e.Repaired
		if e.Incomplete {
			partial = append(partial, e.Entity)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "drift %d repaired %d", drift, repaired)
	if len(partial) > 0 {
		fmt.Fprintf(&b, " (%s not compared completely)", strings.Join(partial, ", "))
	}
	for _, d := range r.Drift {
		if !d.Repaired {
			fmt.Fprintf(&b, "; left: %s %s %s (%s) %s %s", d.Kind, d.Entity, d.Key, driftFields(d), d.Repair, d.Error)
		}
	}
	return b.String()
}

// tableText renders a summary as its table.
func tableText(sum *engine.Summary) string {
	var b strings.Builder
	sum.Table(&b)
	return b.String()
}
