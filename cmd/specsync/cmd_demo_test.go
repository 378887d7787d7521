package main

import (
	"bytes"
	"log/slog"
	"maps"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/examples/standins"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// runDemoForTest runs the whole demo on the test's Redis (REDIS_URL, or
// an in-process one) with EverReal's rate limit lifted, and returns the
// run history it wrote too.
func runDemoForTest(t *testing.T) (*demoResult, string, *queue.History) {
	t.Helper()
	rs := redistest.New(t)
	creds := standins.DemoCredentials()
	var out bytes.Buffer
	res, err := runDemo(t.Context(), demoConfig{
		Out: &out, Redis: rs.Client, Keys: keys.New(rs.Prefix),
		Standins:  standins.Options{EverReal: standins.EverRealOptions{RateLimit: -1}},
		Logger:    slog.New(slog.DiscardHandler),
		LookupEnv: func(name string) (string, bool) { v, ok := creds[name]; return v, ok },
	})
	if err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	return res, out.String(), queue.NewHistory(rs.Client, keys.New(rs.Prefix), queue.HistoryConfig{})
}

// TestDemo runs the demo and checks what the partners hold afterwards,
// against the ERP's records.
func TestDemo(t *testing.T) {
	res, out, hist := runDemoForTest(t)
	t.Run("run history", func(t *testing.T) { checkDemoHistory(t, res, hist) })
	t.Run("everreal owners", func(t *testing.T) { checkEverRealOwners(t, res.Set) })
	t.Run("everreal properties", func(t *testing.T) { checkEverRealProperties(t, res.Set) })
	t.Run("everreal units", func(t *testing.T) { checkEverRealUnits(t, res.Set) })
	t.Run("everreal tenants", func(t *testing.T) { checkEverRealTenants(t, res.Set) })
	t.Run("casavi", func(t *testing.T) { checkCasavi(t, res.Set) })
	t.Run("prospects", func(t *testing.T) { checkProspects(t, res.Set) })
	t.Run("failures", func(t *testing.T) { checkFailures(t, res) })
	t.Run("second run", func(t *testing.T) { checkSecondRun(t, res) })
	for _, want := range []string{"Nightly run 1", "Nightly run 2", "EverReal 3 (0 creates, 3 updates), casavi 3 (0 creates, 3 updates)", "Audit log", "Failure ledger", "specsync serve"} {
		if !strings.Contains(out, want) {
			t.Errorf("the demo's output lacks %q", want)
		}
	}
}

// checkDemoHistory: both rounds of every instance are in its run
// history, triggered by the demo, with the outcome of their summaries.
func checkDemoHistory(t *testing.T, res *demoResult, hist *queue.History) {
	for _, inst := range res.Set.Instances {
		recs, err := hist.List(t.Context(), inst.ID, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != 2 {
			t.Errorf("%s: %d runs in the history; want the 2 rounds", inst.ID, len(recs))
			continue
		}
		for i, sum := range []*engine.Summary{res.Second[inst.ID], res.First[inst.ID]} {
			if r := recs[i]; r.Trigger != queue.TriggerDemo || r.ID != sum.RunID || r.Outcome != queue.Outcome(sum, nil) || r.Duration() <= 0 {
				t.Errorf("%s: run record %+v; want trigger demo, run %s, outcome %s", inst.ID, r, sum.RunID, queue.Outcome(sum, nil))
			}
		}
	}
}

// changed returns the value DemoChanges gave entity id's field, if any.
func changed(entity, id, field string) (string, bool) {
	for _, c := range standins.DemoChanges() {
		if c.Entity == entity && c.ID == id && c.Field == field {
			return c.Value, true
		}
	}
	return "", false
}

// erpValue is a field of an ERP record after the demo's changes.
func erpValue(entity string, rec map[string]any, field string) string {
	if v, ok := changed(entity, rec["id"].(string), field); ok {
		return v
	}
	s, _ := rec[field].(string)
	return s
}

func checkEverRealOwners(t *testing.T, s *standins.Set) {
	want, got := map[string]string{}, map[string]string{}
	for _, o := range standins.ERPData()["owner"] {
		want[o["id"].(string)] = strings.Join([]string{erpValue("owner", o, "first_name"), erpValue("owner", o, "last_name"),
			erpValue("owner", o, "email"), erpValue("owner", o, "street"), erpValue("owner", o, "city")}, "|")
	}
	for _, o := range s.EverReal.Owners() {
		got[o.ExternalOwnerID] = strings.Join([]string{o.FirstName, o.LastName, o.Email, o.Address.Street, o.Address.City}, "|")
		if !o.Integration || o.Source != "LINDENHOF_ERP" {
			t.Errorf("owner %s: integration %v, source %q", o.ExternalOwnerID, o.Integration, o.Source)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("owners: first|last|email|street|city (-want +got):\n%s", diff)
	}
}

func checkEverRealProperties(t *testing.T, s *standins.Set) {
	data := standins.ERPData()
	want, got := map[string]string{}, map[string]string{}
	for _, eu := range data["economic_unit"] {
		want["group "+eu["id"].(string)] = eu["name"].(string)
	}
	for _, b := range data["building"] {
		want["property "+b["id"].(string)] = strings.Join([]string{b["economic_unit_id"].(string), b["name"].(string), b["street"].(string), b["city"].(string)}, "|")
	}
	for _, g := range s.EverReal.PropertyGroups() {
		got["group "+g.ExternalPropertyGroupID] = g.Name
	}
	for _, p := range s.EverReal.Properties() {
		got["property "+p.ExternalPropertyID] = strings.Join([]string{p.ExternalPropertyGroupID, p.Name, p.Address.Street, p.Address.City}, "|")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("property groups and properties (-want +got):\n%s", diff)
	}
}

func checkEverRealUnits(t *testing.T, s *standins.Set) {
	want, got := map[string]string{}, map[string]string{}
	for _, u := range standins.ERPData()["unit"] {
		want[u["id"].(string)] = strings.Join([]string{erpValue("unit", u, "building_id"), erpValue("unit", u, "name"),
			erpValue("unit", u, "living_area"), erpValue("unit", u, "target_rent")}, "|")
	}
	for _, u := range s.EverReal.Units() {
		got[u.ExternalUnitID] = strings.Join([]string{u.ExternalPropertyID, u.Name, u.LivingSurface, u.TargetRent}, "|")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("units: property|name|area|target rent (-want +got):\n%s", diff)
	}
}

var (
	money  = regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	isoDay = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
)

func checkEverRealTenants(t *testing.T, s *standins.Set) {
	data := standins.ERPData()
	people := map[string]map[string]any{}
	for _, p := range data["tenant"] {
		people[p["id"].(string)] = p
	}
	unitIDs := map[string]string{}
	for _, u := range s.EverReal.Units() {
		unitIDs[u.ExternalUnitID] = u.ID
	}
	want, got := map[string]string{}, map[string]string{}
	for _, l := range data["lease"] {
		if l["id"] == standins.BadLeaseID || l["tenant_id"] == standins.BadTenantID {
			continue
		}
		p := people[l["tenant_id"].(string)]
		want[l["id"].(string)] = strings.Join([]string{unitIDs[l["unit_id"].(string)], p["first_name"].(string), p["last_name"].(string),
			erpValue("lease", l, "cold_rent"), erpValue("lease", l, "start"), erpValue("lease", l, "end")}, "|")
	}
	for _, tn := range s.EverReal.Tenants() {
		got[tn.ExternalTenantID] = strings.Join([]string{tn.UnitID, tn.FirstName, tn.LastName, tn.ColdRent, tn.ContractStartDate, tn.ContractEndDate}, "|")
		if !money.MatchString(tn.ColdRent) || !isoDay.MatchString(tn.ContractStartDate) {
			t.Errorf("tenant %s: cold rent %q, start %q; want decimal text and YYYY-MM-DD", tn.ExternalTenantID, tn.ColdRent, tn.ContractStartDate)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("tenants: unit|first|last|cold rent|start|end (-want +got):\n%s", diff)
	}
	if v := got["1000-0001-01-0001-01"]; !strings.Contains(v, "|Jürgen|Weiß|") || !strings.HasSuffix(v, "|2026-12-31") {
		t.Errorf("lease 1000-0001-01-0001-01 in EverReal: %q; want Jürgen Weiß with the notice to 2026-12-31", v)
	}
}

// checkCasavi: casavi holds only the units that have a tenant, and the
// contracts of those units.
func checkCasavi(t *testing.T, s *standins.Set) {
	data := standins.ERPData()
	var wantUnits, wantContracts []string
	occupied := map[string]bool{}
	for _, u := range data["unit"] {
		if u["occupied"] == true {
			wantUnits = append(wantUnits, u["id"].(string))
			occupied[u["id"].(string)] = true
		}
	}
	for _, l := range data["lease"] {
		if occupied[l["unit_id"].(string)] && l["id"] != standins.BadLeaseID {
			wantContracts = append(wantContracts, l["id"].(string))
		}
	}
	got := func(entity string) []string {
		var ids []string
		for _, r := range s.Casavi.Records(entity) {
			ids = append(ids, r["id"].(string))
		}
		sort.Strings(ids)
		return ids
	}
	if diff := cmp.Diff(wantUnits, got("unit")); diff != "" {
		t.Errorf("casavi units (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(wantContracts, got("contract_tenant")); diff != "" {
		t.Errorf("casavi tenant contracts (-want +got):\n%s", diff)
	}
	if n := len(got("contact_tenant")); n != len(data["tenant"])-1 {
		t.Errorf("casavi has %d tenant contacts, want every tenant but %s (%d)", n, standins.BadTenantID, len(data["tenant"])-1)
	}
}

// checkProspects: the candidates came into the ERP as prospects.
func checkProspects(t *testing.T, s *standins.Set) {
	var want, got []string
	for _, c := range s.EverReal.Candidates() {
		want = append(want, c.ID+"|everreal|"+c.LastName+"|"+c.ExternalUnitID)
	}
	for _, p := range s.ERP.Records("prospect") {
		got = append(got, strings.Join([]string{p["id"].(string), p["source"].(string), p["last_name"].(string), p["unit_id"].(string)}, "|"))
	}
	sort.Strings(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("prospects in the ERP (-want +got):\n%s", diff)
	}
}

// checkFailures: the two broken records fail alone, with their reasons;
// nothing else failed.
func checkFailures(t *testing.T, res *demoResult) {
	var nameless string
	for _, l := range standins.ERPData()["lease"] {
		if l["tenant_id"] == standins.BadTenantID {
			nameless = l["id"].(string)
		}
	}
	type failure struct{ Instance, Entity, Key, Reason string }
	want := []failure{
		{"erp-casavi", "contact_tenant", standins.BadTenantID, `/lastName: filter "required"`},
		{"erp-casavi", "contract_tenant", standins.BadLeaseID, `"` + standins.BadLeaseStart + `"`},
		{"erp-everreal", "tenant", nameless, `/lastName: filter "required"`},
		{"erp-everreal", "tenant", standins.BadLeaseID, `"` + standins.BadLeaseStart + `"`},
	}
	var got []failure
	for _, id := range slices.Sorted(maps.Keys(res.Failures)) {
		for _, f := range res.Failures[id] {
			got = append(got, failure{id, f.Entity, f.Key, f.Reason.Message})
		}
	}
	sort.Slice(got, func(i, j int) bool {
		return got[i].Instance+got[i].Entity+got[i].Key < got[j].Instance+got[j].Entity+got[j].Key
	})
	reasonContains := cmp.Comparer(func(a, b failure) bool {
		return a.Instance == b.Instance && a.Entity == b.Entity && a.Key == b.Key &&
			(strings.Contains(a.Reason, b.Reason) || strings.Contains(b.Reason, a.Reason))
	})
	if diff := cmp.Diff(want, got, reasonContains); diff != "" {
		t.Errorf("failure ledgers (-want +got):\n%s", diff)
	}
}

// checkSecondRun: after three ERP changes, each partner instance wrote
// exactly three updates, and the stand-ins received exactly those.
func checkSecondRun(t *testing.T, res *demoResult) {
	got := map[string][3]int64{}
	for id, sum := range res.Second {
		var c [3]int64
		for _, e := range sum.Entities {
			c[0] += e.Created
			c[1] += e.Updated
			c[2] += e.Deleted
		}
		got[id] = c
	}
	want := map[string][3]int64{"erp-everreal": {0, 3, 0}, "erp-casavi": {0, 3, 0}, "everreal-erp-prospects": {0, 0, 0}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("second run: created, updated, deleted per instance (-want +got):\n%s", diff)
	}
	ev, ca := res.Set.EverReal.Stats(), res.Set.Casavi.Stats()
	if ev.Creates != 0 || ev.Updates != 3 || ca.Creates != 0 || ca.Updates != 3 {
		t.Errorf("second run: EverReal %d creates, %d updates; casavi %d creates, %d updates; want 0 and 3 each", ev.Creates, ev.Updates, ca.Creates, ca.Updates)
	}
	wantMut := map[string]int64{"upsertOwner": 1, "upsertUnit": 1, "upsertTenant": 1}
	if diff := cmp.Diff(wantMut, ev.ByMutation); diff != "" {
		t.Errorf("second run: EverReal mutations (-want +got):\n%s", diff)
	}
}
