package engine_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/golden"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// planCase is a file under testdata/plan: the home records a first push
// synced, the home records when the plan is made, and the grants.
type planCase struct {
	// Synced are the home records, by entity, of a push before the plan.
	// Empty means no push: the partner and the state are empty.
	Synced map[string][]map[string]any `json:"synced"`
	// Home are the home records, by entity, the plan reads.
	Home map[string][]map[string]any `json:"home"`
	// Permissions are the instance's grants. Nil grants every push action.
	Permissions instance.Permissions `json:"permissions"`
	// AllowDeletes plans with the delete guard overridden.
	AllowDeletes bool `json:"allowDeletes"`
}

// TestPlanGolden plans a full push for each case under testdata/plan and
// compares the plan's table with details, records sorted, with the case's
// .golden file (go test ./engine -run TestPlanGolden -update rewrites
// them).
func TestPlanGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob(filepath.Join("testdata", "plan", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no plan cases: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".json"), func(t *testing.T) {
			got := planOf(t, readPlanCase(t, file))
			golden.Check(t, strings.TrimSuffix(file, ".json")+".golden", got)
		})
	}
}

// readPlanCase decodes a case, numbers as json.Number, as a home system's
// records arrive.
func readPlanCase(t *testing.T, file string) planCase {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var c planCase
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return c
}

// planOf pushes the case's synced records, then plans a full push of its
// home records to the same partner and state, and renders the plan.
func planOf(t *testing.T, c planCase) []byte {
	srv := redistest.New(t)
	eng, err := engine.New(engine.Config{Redis: srv.Client, Keys: keys.New(srv.Prefix), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	partner := serveMock(t, "partner_upsert.json", nil)
	ctx := context.Background()
	if len(c.Synced) > 0 {
		sum, err := eng.Run(ctx, openPlanInstance(t, c, serveMock(t, "home.json", c.Synced), partner), engine.RunOptions{Direction: instance.Push})
		if err != nil || sum.Status() != engine.StatusClean {
			t.Fatalf("the push of the synced records: %v, %v", err, sum.Status())
		}
	}
	l := openPlanInstance(t, c, serveMock(t, "home.json", c.Home), partner)
	plan, err := eng.Plan(ctx, l, engine.RunOptions{Direction: instance.Push, Full: true, DeleteOverride: c.AllowDeletes})
	if err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(plan.Records, func(a, b engine.PlannedRecord) int {
		return cmp.Or(cmp.Compare(a.Entity, b.Entity), cmp.Compare(a.Key, b.Key))
	})
	var buf bytes.Buffer
	plan.Table(&buf, true)
	return buf.Bytes()
}

// serveMock serves a mock of a document of testdata/run holding records.
func serveMock(t *testing.T, name string, records map[string][]map[string]any) string {
	t.Helper()
	s, fs, err := specs.Load(runDocument(name), specs.LoadOptions{})
	if err != nil || fs.HasErrors() {
		t.Fatalf("%s: %v %v", name, err, fs)
	}
	m, err := mock.New(s, mock.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, entity := range slices.Sorted(maps.Keys(records)) {
		if err := m.Seed(entity, records[entity]); err != nil {
			t.Fatal(err)
		}
	}
	hs := httptest.NewServer(m)
	t.Cleanup(hs.Close)
	return hs.URL
}

// openPlanInstance opens the case's instance between a home and a
// partner; every one a case opens has the same id, and so the same state.
func openPlanInstance(t *testing.T, c planCase, home, partner string) *instance.Loaded {
	t.Helper()
	grants := c.Permissions
	if grants == nil {
		grants = instance.Permissions{instance.Push: {}}
		for _, e := range []string{"building", "unit", "contact", "tenant"} {
			grants[instance.Push][e] = []instance.Action{instance.Create, instance.Update, instance.Delete}
		}
	}
	inst := &instance.Instance{
		ID: "plan", Organisation: "acme", Source: "specsync-test",
		Home:        instance.System{Spec: runDocument("home.json"), BaseURL: home},
		Partner:     instance.System{Spec: runDocument("partner_upsert.json"), BaseURL: partner},
		Model:       runDocument("model.json"),
		Permissions: grants,
	}
	l, fs, err := engine.Open(inst, specs.LoadOptions{})
	if err != nil {
		t.Fatalf("%v\n%v", err, fs)
	}
	return l
}

// runDocument is the path of a document of testdata/run.
func runDocument(name string) string { return filepath.Join("testdata", "run", name) }
