package instance

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/internal/golden"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/specs"
)

func TestDecodeInstanceGolden(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/instances/*.*")
	if err != nil {
		t.Fatal(err)
	}
	for _, file := range files {
		if strings.HasSuffix(file, ".golden") {
			continue
		}
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			_, found, err := DecodeInstance(filepath.ToSlash(file), data)
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, file+".golden", findingsJSON(t, found))
		})
	}
}

func validInstance() *Instance {
	guard := 0.05
	return &Instance{
		ID:           "erp-everreal",
		Organisation: "acme",
		Home: System{
			Spec:        "../specs/erp.json",
			Credentials: map[string]specs.Credential{"api_key": {Env: "ERP_API_KEY"}},
		},
		Partner: System{
			Spec: "../specs/everreal.json",
			Credentials: map[string]specs.Credential{
				"client_id":     {Env: "EVERREAL_CLIENT_ID"},
				"client_secret": {File: "secrets/everreal_client_secret"},
			},
			ServerVariables: map[string]string{"subdomain": "acme"},
			BaseURL:         "https://acme.everreal.co/api",
		},
		Model:  "../model.json",
		Source: "acme-erp",
		Permissions: Permissions{
			Push: {"tenant": {Create, Update, Delete}, "unit": {Create, Update}},
			Pull: {"tenant": {Update}},
		},
		Schedule: Schedule{Cron: "30 22 * * 1-5", Timezone: "Europe/Vienna"},
		Enabled:  true,
		Options: Options{
			DeleteGuard: &guard, FullReadEvery: specs.Duration(168 * time.Hour), Concurrency: 8,
			Validation: ValidationStrict, InvalidText: InvalidTextReplace, AuditMaxLen: 5000, AuditMaxAge: specs.Duration(720 * time.Hour),
		},
		SourceOfTruth: map[string]specs.Side{"tenant": specs.SidePartner},
	}
}

func TestDecodeInstanceJSONAndYAMLAgree(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"testdata/instances/valid.json", "testdata/instances/valid.yaml"} {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		got, found, err := DecodeInstance(file, data)
		if err != nil {
			t.Fatal(err)
		}
		if len(found) != 0 {
			t.Errorf("%s: findings %v; want none", file, found)
		}
		if d := cmp.Diff(validInstance(), got); d != "" {
			t.Errorf("%s decoded (-want +got):\n%s", file, d)
		}
	}
}

func TestDecodeInstanceNeverRepeatsALiteralSecret(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/instances/wrong_types.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, found, err := DecodeInstance("wrong_types.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	var sawSecret bool
	for _, f := range found {
		sawSecret = sawSecret || f.Code == specs.CodeLiteralSecret
		if strings.Contains(f.String(), "sup3r-s3cret-value") {
			t.Errorf("finding repeats the secret: %s", f)
		}
	}
	if !sawSecret {
		t.Errorf("no %s finding in %v", specs.CodeLiteralSecret, codes(found))
	}
}

func TestDecodeInstanceUnreadable(t *testing.T) {
	t.Parallel()
	for name, data := range map[string]string{
		"broken.json": `{"id": "x",`,
		"list.yaml":   "- a\n- b\n",
		"tabs.yaml":   "id: x\n\tmodel: y\n",
	} {
		inst, found, err := DecodeInstance(name, []byte(data))
		var re *specs.ReadError
		if !errors.As(err, &re) || !errors.Is(err, specs.ErrUnreadable) || re.File != name {
			t.Errorf("%s: error %v; want a *specs.ReadError for the file matching ErrUnreadable", name, err)
		}
		if inst != nil || found != nil {
			t.Errorf("%s: got instance %v and findings %v with the error", name, inst, found)
		}
	}
}

func TestReadInstanceResolvesPathsAgainstItsFolder(t *testing.T) {
	t.Parallel()
	inst, found, err := ReadInstance("testdata/instances/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	if found.HasErrors() {
		t.Fatalf("findings: %v", found)
	}
	dir, err := filepath.Abs("testdata/instances")
	if err != nil {
		t.Fatal(err)
	}
	got := []string{inst.Home.Spec, inst.Partner.Spec, inst.Model, inst.Partner.Credentials["client_secret"].File, inst.Partner.Credentials["client_id"].Env}
	want := []string{
		filepath.Join(dir, "../specs/erp.json"), filepath.Join(dir, "../specs/everreal.json"), filepath.Join(dir, "../model.json"),
		filepath.Join(dir, "secrets/everreal_client_secret"), "EVERREAL_CLIENT_ID",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("resolved paths (-want +got):\n%s", d)
	}
	if _, _, err := ReadInstance("testdata/instances/absent.json"); !errors.Is(err, specs.ErrUnreadable) {
		t.Errorf("missing file: error %v; want ErrUnreadable", err)
	}
}

func TestOptionDefaults(t *testing.T) {
	t.Parallel()
	var o Options
	var s Schedule
	got := []any{o.DeleteShare(), o.FullReadInterval(), o.Workers(), o.ValidationLevel(), o.AuditLen(), o.AuditAge(), s.CronOrDefault(), s.TimezoneOrDefault()}
	want := []any{0.10, 24 * time.Hour, 4, "warn", int64(100_000), 90 * 24 * time.Hour, "0 23 * * *", "Europe/Berlin"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("defaults (-want +got):\n%s", d)
	}
	zero := 0.0
	if got := (Options{DeleteGuard: &zero}).DeleteShare(); got != 0 {
		t.Errorf("explicit delete guard 0 gives %v; want 0", got)
	}
	loc, err := s.Location()
	if err != nil || loc.String() != "Europe/Berlin" {
		t.Errorf("default location %v, %v; want Europe/Berlin", loc, err)
	}
}

func TestValidateInstanceBuiltInGo(t *testing.T) {
	t.Parallel()
	if found := ValidateInstance(validInstance()); len(found) != 0 {
		t.Errorf("valid instance: %v", found)
	}
	inst := validInstance()
	inst.Options.FullReadEvery = specs.Duration(-time.Hour)
	inst.Permissions[Push]["unit"] = []Action{Skip}
	want := []string{"invalid-value /permissions/push/unit/0", "invalid-value /options/fullReadEvery"}
	if d := cmp.Diff(want, codes(ValidateInstance(inst))); d != "" {
		t.Errorf("findings (-want +got):\n%s", d)
	}
	if d := cmp.Diff([]string{"missing-key "}, codes(ValidateInstance(nil))); d != "" {
		t.Errorf("nil instance (-want +got):\n%s", d)
	}
}

func TestDecodeInstanceRefusesAnUnknownSideAtTheEdge(t *testing.T) {
	t.Parallel()
	data := []byte("id: x\nsourceOfTruth:\n  tenant: partner\n  unit: partnr\n")
	inst, found, err := DecodeInstance("sides.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]specs.Side{"tenant": specs.SidePartner}
	if d := cmp.Diff(want, inst.SourceOfTruth); d != "" {
		t.Errorf("decoded sides (-want +got):\n%s", d)
	}
	i := slices.IndexFunc(found, func(f specs.Finding) bool { return f.Pointer == "/sourceOfTruth/unit" })
	if i < 0 {
		t.Fatalf("no finding at /sourceOfTruth/unit in %v", codes(found))
	}
	f := found[i]
	if f.Code != specs.CodeInvalidValue || f.Line != 4 || f.Message != `unknown side "partnr"` || !strings.Contains(f.Hint, `did you mean "partner"`) {
		t.Errorf("finding %+v; want an invalid-value at line 4 with a did-you-mean hint", f)
	}
	if n := strings.Count(strings.Join(codes(found), " "), "/sourceOfTruth/unit"); n != 1 {
		t.Errorf("%d findings at /sourceOfTruth/unit; want 1", n)
	}
}

func TestDecodeInstanceReadsFieldOwners(t *testing.T) {
	t.Parallel()
	data := []byte("id: x\nfieldSourceOfTruth:\n  contact:\n    email: partner\n    phone: partnr\n")
	inst, found, err := DecodeInstance("fields.yaml", data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]specs.Side{"contact": {"email": specs.SidePartner}}
	if d := cmp.Diff(want, inst.FieldSourceOfTruth); d != "" {
		t.Errorf("decoded field owners (-want +got):\n%s", d)
	}
	i := slices.IndexFunc(found, func(f specs.Finding) bool { return f.Pointer == "/fieldSourceOfTruth/contact/phone" })
	if i < 0 || found[i].Code != specs.CodeInvalidValue || found[i].Line != 5 {
		t.Fatalf("findings %v; want an invalid-value at /fieldSourceOfTruth/contact/phone, line 5", codes(found))
	}
	inst.FieldSourceOfTruth["contact"]["phone"] = "partnr"
	if fs := ValidateInstance(inst); !slices.ContainsFunc(fs, func(f specs.Finding) bool { return f.Pointer == "/fieldSourceOfTruth/contact/phone" }) {
		t.Errorf("validating an instance built in Go: %v; want the unknown side refused", codes(fs))
	}
}
