package standins

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

func startSet(t *testing.T) *Set {
	t.Helper()
	s, err := Options{EverReal: EverRealOptions{RateLimit: -1}}.Start(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// TestStartRendersInstances: every instance file of the example points its
// systems at the stand-ins, with absolute paths and its own schedule.
func TestStartRendersInstances(t *testing.T) {
	t.Parallel()
	s := startSet(t)
	type row struct{ ID, Home, Partner, Cron, Zone string }
	var got []row
	for _, inst := range s.Instances {
		if !filepath.IsAbs(inst.Home.Spec) || !filepath.IsAbs(inst.Model) {
			t.Errorf("%s: paths not absolute: %s, %s", inst.ID, inst.Home.Spec, inst.Model)
		}
		got = append(got, row{inst.ID, inst.Home.BaseURL, inst.Partner.BaseURL, inst.Schedule.Cron, inst.Schedule.TimezoneOrDefault()})
	}
	want := []row{
		{"erp-casavi", s.ERPURL, s.CasaviURL, "0 23 * * *", "Europe/Berlin"},
		{"erp-everreal", s.ERPURL, s.EverRealURL, "0 23 * * 2,4,0", "Europe/Berlin"},
		{"everreal-erp-prospects", s.ERPURL, s.EverRealURL, "30 6 * * *", "Europe/Berlin"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("rendered instances (-want +got):\n%s", diff)
	}
	for _, u := range []string{s.ERPURL, s.EverRealURL, s.CasaviURL} {
		if !strings.HasPrefix(u, "http://127.0.0.1:") {
			t.Errorf("stand-in at %s, want a loopback port", u)
		}
	}
}

// TestWriteInstancesLoad: the written instance files load with their
// specs and model and without findings.
func TestWriteInstancesLoad(t *testing.T) {
	t.Parallel()
	s := startSet(t)
	paths, err := s.WriteInstances(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		l, found, err := instance.LoadInstance(p, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
		if err != nil || found.HasErrors() {
			t.Fatalf("%s: %v %v", filepath.Base(p), err, found)
		}
		if l.Instance.Partner.BaseURL == "" || strings.Contains(l.Instance.Partner.BaseURL, ":808") {
			t.Errorf("%s: partner base URL %q is not the stand-in's", filepath.Base(p), l.Instance.Partner.BaseURL)
		}
	}
}

// TestERPUpdate: a change shows in the records with a new modification
// time, other records keep theirs, and an unknown key is refused.
func TestERPUpdate(t *testing.T) {
	t.Parallel()
	spec, err := loadSpec("../realestate", "erp.json")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 3, 14, 22, 30, 0, 0, time.UTC)
	e, err := NewERP(spec, mock.Options{Now: func() time.Time { return now }}, ERPData())
	if err != nil {
		t.Fatal(err)
	}
	before := e.Record("unit", "1000-0001-01-0002")
	for _, c := range DemoChanges() {
		if err := c.Apply(e); err != nil {
			t.Fatal(err)
		}
	}
	got := e.Record("owner", "1000-80002")
	if got["email"] != "lukas.weiss@example.org" || got["modified_at"] != "2025-03-14T23:30:00+01:00" {
		t.Errorf("changed owner: email %v, modified_at %v", got["email"], got["modified_at"])
	}
	if diff := cmp.Diff(before, e.Record("unit", "1000-0001-01-0002")); diff != "" {
		t.Errorf("an unchanged unit changed (-before +after):\n%s", diff)
	}
	if n := len(e.Records("lease")); n != 60 {
		t.Errorf("%d leases after the changes, want 60", n)
	}
	if err := e.Update("owner", "1000-99999", func(map[string]any) {}); !errors.Is(err, ErrNoRecord) {
		t.Errorf("update of an unknown owner: %v, want ErrNoRecord", err)
	}
}

func TestStartFailsOutsideTheCheckout(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "instances"), 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := Options{Dir: dir}.Start(t.Context())
	if err == nil || !strings.Contains(err.Error(), "erp.json") {
		t.Errorf("Start in a folder without the example: %v; want an error naming erp.json", err)
	}
}
