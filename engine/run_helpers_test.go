package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// runT0 is when the test systems' records were last changed, unless a test
// moves the clock.
var runT0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// harness is an instance between a mock home system and a mock partner,
// on a test Redis.
type harness struct {
	t       testing.TB
	rdb     redis.UniversalClient
	ns      keys.Namespace
	clock   *clock.Manual
	home    *mock.Server
	partner *mock.Server
	// writes records the partner's write requests in order.
	writes *recorder
	// homeURL and partnerURL reach the mock systems.
	homeURL, partnerURL string
	inst                *instance.Instance
	loaded              *instance.Loaded
	eng                 *Engine
}

// allGrants grants every action in both directions for every entity.
func allGrants() instance.Permissions {
	p := instance.Permissions{}
	for _, dir := range instance.Directions() {
		p[dir] = map[string][]instance.Action{}
		for _, e := range []string{"building", "unit", "contact", "tenant"} {
			p[dir][e] = []instance.Action{instance.Create, instance.Update, instance.Delete}
		}
	}
	return p
}

// newHarness starts the mock systems and builds the instance; partner is
// "create" (no upsert, duplicates possible) or "upsert".
func newHarness(t testing.TB, partner string) *harness {
	t.Helper()
	return newHarnessOn(t, redistest.New(t), partner)
}

// newHarnessOn is newHarness on a given test Redis.
func newHarnessOn(t testing.TB, srv *redistest.Server, partner string) *harness {
	t.Helper()
	return newHarnessSpec(t, srv, testdataPath("partner_"+partner+".json"))
}

// newHarnessSpec is newHarnessOn with the partner spec at a path.
func newHarnessSpec(t testing.TB, srv *redistest.Server, partnerSpec string) *harness {
	t.Helper()
	return newHarnessSpecs(t, srv, testdataPath("home.json"), partnerSpec)
}

// newHarnessSpecs is newHarnessSpec with the home spec at a path too.
func newHarnessSpecs(t testing.TB, srv *redistest.Server, homeSpec, partnerSpec string) *harness {
	t.Helper()
	h := &harness{t: t, rdb: srv.Client, ns: keys.New(srv.Prefix), clock: clock.NewManual(runT0)}
	h.writes = &recorder{}
	homeURL := h.serve(&h.home, homeSpec, mock.Options{Now: h.clock.Now}, nil)
	partnerURL := h.serve(&h.partner, partnerSpec, mock.Options{Now: h.clock.Now, DuplicateCreates: true}, h.writes)
	h.homeURL, h.partnerURL = homeURL, partnerURL
	h.inst = &instance.Instance{
		ID: "test-inst", Organisation: "acme", Source: "specsync-test",
		Home:        instance.System{Spec: homeSpec, BaseURL: homeURL},
		Partner:     instance.System{Spec: partnerSpec, BaseURL: partnerURL},
		Model:       testdataPath("model.json"),
		Permissions: allGrants(),
		Options:     instance.Options{Concurrency: 4, Validation: instance.ValidationOff},
	}
	h.reload()
	return h
}

// testdataPath is the absolute path of a run test document.
func testdataPath(name string) string {
	p, err := filepath.Abs(filepath.Join("testdata", "run", name))
	if err != nil {
		panic(err)
	}
	return p
}

// serve starts a mock server for the spec at a path over HTTP, its
// requests seen by rec when it is not nil.
func (h *harness) serve(dst **mock.Server, spec string, opts mock.Options, rec *recorder) string {
	h.t.Helper()
	s, fs, err := specs.Load(spec, specs.LoadOptions{})
	if err != nil || fs.HasErrors() {
		h.t.Fatalf("load %s: %v %v", spec, err, fs)
	}
	srv, err := mock.New(s, opts)
	if err != nil {
		h.t.Fatal(err)
	}
	var handler http.Handler = srv
	if rec != nil {
		rec.next, handler = srv, rec
	}
	hs := httptest.NewServer(handler)
	h.t.Cleanup(hs.Close)
	*dst = srv
	return hs.URL
}

// reload opens the instance again (after a change to it) and builds a new
// engine.
func (h *harness) reload() {
	h.t.Helper()
	l, fs, err := Open(h.inst, specs.LoadOptions{})
	if err != nil {
		h.t.Fatalf("open: %v\n%v", err, fs)
	}
	h.loaded = l
	h.eng, err = New(Config{Redis: h.rdb, Keys: h.ns, Clock: h.clock, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		h.t.Fatal(err)
	}
}

// run runs the instance and fails the test when the run aborts.
func (h *harness) run(opts RunOptions) *Summary {
	h.t.Helper()
	sum, err := h.eng.Run(context.Background(), h.loaded, opts)
	if err != nil {
		h.t.Fatalf("run: %v", err)
	}
	return sum
}

// seed puts records into a mock, failing the test on error.
func seed(t testing.TB, s *mock.Server, entity string, records []map[string]any) {
	t.Helper()
	if err := s.Seed(entity, records); err != nil {
		t.Fatal(err)
	}
}

// homeData is the home system's test data.
type homeData struct {
	buildings, units, persons, leases []map[string]any
}

// newHomeData makes nb buildings with upb units each, one person and one
// lease per unit.
func newHomeData(nb, upb int) homeData {
	var d homeData
	for b := 1; b <= nb; b++ {
		d.buildings = append(d.buildings, map[string]any{"id": fmt.Sprintf("b%d", b), "name": fmt.Sprintf("Building %d", b), "city": "Berlin"})
		for u := 1; u <= upb; u++ {
			n := (b-1)*upb + u
			d.units = append(d.units, map[string]any{"id": fmt.Sprintf("u%d", n), "building_id": fmt.Sprintf("b%d", b), "number": fmt.Sprintf("%d.%d", b, u), "area": json.Number(fmt.Sprintf("%d.5", 40+n%50))})
			d.persons = append(d.persons, map[string]any{"id": fmt.Sprintf("p%d", n), "first_name": "Erika", "last_name": fmt.Sprintf("Muster%d", n), "email": fmt.Sprintf("erika%d@example.com", n)})
			d.leases = append(d.leases, map[string]any{"id": fmt.Sprintf("l%d", n), "unit_id": fmt.Sprintf("u%d", n), "person_id": fmt.Sprintf("p%d", n), "rent": fmt.Sprintf("%d.5", 700+n), "start": "2024-01-31"})
		}
	}
	return d
}

// seedHome stores d in the home mock.
func (h *harness) seedHome(d homeData) {
	seed(h.t, h.home, "building", d.buildings)
	seed(h.t, h.home, "unit", d.units)
	seed(h.t, h.home, "person", d.persons)
	seed(h.t, h.home, "lease", d.leases)
}

// expected is what the partner must hold for home data d: per entity, one
// line per record with the partner's references resolved to home keys.
func expected(d homeData) map[string][]string {
	out := map[string][]string{}
	for _, b := range d.buildings {
		out["building"] = append(out["building"], fmt.Sprintf("%s name=%s city=%s", b["id"], b["name"], b["city"]))
	}
	for _, u := range d.units {
		out["unit"] = append(out["unit"], fmt.Sprintf("%s building=%s number=%s area=%s", u["id"], u["building_id"], u["number"], u["area"]))
	}
	for _, p := range d.persons {
		out["contact"] = append(out["contact"], fmt.Sprintf("%s %s %s %s", p["id"], p["first_name"], p["last_name"], p["email"]))
	}
	for _, l := range d.leases {
		out["tenant"] = append(out["tenant"], fmt.Sprintf("%s unit=%s contact=%s rent=%s start=%s", l["id"], l["unit_id"], l["person_id"], rent2(l["rent"]), l["start"]))
	}
	for _, lines := range out {
		sort.Strings(lines)
	}
	return out
}

// rent2 writes a rent with two decimals, as the tenant mapping does.
func rent2(v any) string {
	var whole, frac int
	fmt.Sscanf(fmt.Sprint(v), "%d.%d", &whole, &frac)
	return fmt.Sprintf("%d.%d0", whole, frac)
}

// actual describes what the partner holds, like expected; detached
// records are left out.
func (h *harness) actual() map[string][]string {
	out := map[string][]string{}
	keyOf := func(entity string) map[string]string {
		m := map[string]string{}
		for _, r := range h.partner.Records(entity) {
			m[fmt.Sprint(r["id"])] = fmt.Sprint(r["externalId"])
		}
		return m
	}
	buildings, units, contacts := keyOf("building"), keyOf("unit"), keyOf("contact")
	for _, r := range h.partner.Records("building") {
		out["building"] = append(out["building"], fmt.Sprintf("%s name=%s city=%s", r["externalId"], r["name"], r["city"]))
	}
	for _, r := range h.partner.Records("unit") {
		out["unit"] = append(out["unit"], fmt.Sprintf("%s building=%s number=%s area=%s", r["externalId"], buildings[fmt.Sprint(r["buildingId"])], r["number"], r["area"]))
	}
	for _, r := range h.partner.Records("contact") {
		out["contact"] = append(out["contact"], fmt.Sprintf("%s %s %s %s", r["externalId"], r["firstName"], r["lastName"], r["email"]))
	}
	for _, r := range h.partner.Records("tenant") {
		if r["detached"] == true {
			continue
		}
		out["tenant"] = append(out["tenant"], fmt.Sprintf("%s unit=%s contact=%s rent=%s start=%s", r["externalId"], units[fmt.Sprint(r["unitId"])], contacts[fmt.Sprint(r["contactId"])], r["rent"], r["startDate"]))
	}
	for _, lines := range out {
		sort.Strings(lines)
	}
	return out
}

// put sends a JSON body to a mock with PUT, as a user of that system would.
func put(t testing.TB, base, path string, body map[string]any) {
	t.Helper()
	data, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPut, base+path, bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		t.Fatalf("PUT %s: %d %s", path, res.StatusCode, out)
	}
}

// redisDump returns every key under the test's namespace with a digest of
// its value, for before/after comparisons.
func redisDump(t testing.TB, rdb redis.UniversalClient, ns keys.Namespace) map[string]string {
	t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	iter := rdb.Scan(ctx, 0, escapeGlobTest(ns.Prefix())+"*", 500).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		out[k] = fmt.Sprintf("%x", hashString(valueOf(t, rdb, k)))
	}
	if err := iter.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// valueOf reads a key's value whatever its type, as text.
func valueOf(t testing.TB, rdb redis.UniversalClient, k string) string {
	t.Helper()
	ctx := context.Background()
	typ, err := rdb.Type(ctx, k).Result()
	if err != nil {
		t.Fatal(err)
	}
	var v any
	switch typ {
	case "string":
		v, err = rdb.Get(ctx, k).Result()
	case "hash":
		v, err = rdb.HGetAll(ctx, k).Result()
	case "set":
		var m []string
		m, err = rdb.SMembers(ctx, k).Result()
		sort.Strings(m)
		v = m
	case "zset":
		v, err = rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
	case "list":
		v, err = rdb.LRange(ctx, k, 0, -1).Result()
	case "stream":
		v, err = rdb.XRange(ctx, k, "-", "+").Result()
	}
	if err != nil {
		t.Fatalf("read %s: %v", k, err)
	}
	return typ + fmt.Sprint(v)
}

// hashString digests a value.
func hashString(s string) uint64 { return keyHash(s) }

// escapeGlobTest escapes SCAN pattern characters.
func escapeGlobTest(s string) string {
	var b bytes.Buffer
	for _, c := range s {
		if c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// summaryText renders a summary for failure messages.
func summaryText(s *Summary) string {
	var b bytes.Buffer
	s.Table(&b)
	return b.String()
}

// recorder notes the write requests a server receives, in order.
type recorder struct {
	next   http.Handler
	mu     sync.Mutex
	log    []string
	bodies []string // of the writes in log, in order
}

// ServeHTTP notes a write and passes the request on.
func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		rec.mu.Lock()
		rec.log = append(rec.log, r.Method+" "+r.URL.Path)
		rec.bodies = append(rec.bodies, string(body))
		rec.mu.Unlock()
	}
	rec.next.ServeHTTP(w, r)
}

// takeBodies returns the bodies of the noted writes and forgets the
// writes.
func (rec *recorder) takeBodies() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.bodies
	rec.log, rec.bodies = nil, nil
	return out
}

// take returns the noted writes and forgets them.
func (rec *recorder) take() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	out := rec.log
	rec.log, rec.bodies = nil, nil
	return out
}

// del sends DELETE to a mock.
func del(t testing.TB, base, path string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodDelete, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode >= 300 {
		t.Fatalf("DELETE %s: %d", path, res.StatusCode)
	}
}

// mockOptions are the options of a mock system.
type mockOptions = mock.Options

// editedSpec writes a copy of the run test document name, changed by
// edit, to a temporary file and returns its path.
func editedSpec(t testing.TB, name string, edit func(doc map[string]any)) string {
	t.Helper()
	return editedSpecIn(t, t.TempDir(), name, edit)
}

// editedSpecIn is editedSpec writing into dir.
func editedSpecIn(t testing.TB, dir, name string, edit func(doc map[string]any)) string {
	t.Helper()
	data, err := os.ReadFile(testdataPath(name))
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	if data, err = json.Marshal(doc); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// specEntity is the x-sync entity called name of a decoded spec.
func specEntity(doc map[string]any, name string) map[string]any {
	return doc["x-sync"].(map[string]any)["entities"].(map[string]any)[name].(map[string]any)
}
