package standins

import (
	"math/big"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestERPDataIsDeterministic(t *testing.T) {
	t.Parallel()
	if diff := cmp.Diff(ERPData(), ERPData()); diff != "" {
		t.Fatalf("two calls differ (-first +second):\n%s", diff)
	}
}

func TestERPDataCounts(t *testing.T) {
	t.Parallel()
	data := ERPData()
	want := map[string]int{"economic_unit": 2, "building": 5, "unit": 60, "lease": 60, "tenant": 60, "owner": 9, "owner_contract": 25}
	got := map[string]int{}
	for k, v := range data {
		got[k] = len(v)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records per entity (-want +got):\n%s", diff)
	}
}

// TestERPDataKeys checks the composite ERP numbers and that every
// reference points at an existing record.
func TestERPDataKeys(t *testing.T) {
	t.Parallel()
	data := ERPData()
	patterns := map[string]*regexp.Regexp{
		"economic_unit": regexp.MustCompile(`^1000-[0-9]{4}$`),
		"building":      regexp.MustCompile(`^1000-[0-9]{4}-[0-9]{2}$`),
		"unit":          regexp.MustCompile(`^1000-[0-9]{4}-[0-9]{2}-[0-9]{4}$`),
		"lease":         regexp.MustCompile(`^1000-[0-9]{4}-[0-9]{2}-[0-9]{4}-[0-9]{2}$`),
		"tenant":        regexp.MustCompile(`^1000-7[0-9]{4}$`),
		"owner":         regexp.MustCompile(`^1000-8[0-9]{4}$`),
	}
	ids := map[string]map[string]bool{}
	for entity, recs := range data {
		ids[entity] = map[string]bool{}
		for _, r := range recs {
			id := r["id"].(string)
			if p := patterns[entity]; p != nil && !p.MatchString(id) {
				t.Errorf("%s %q does not match %s", entity, id, p)
			}
			if ids[entity][id] {
				t.Errorf("%s %q twice", entity, id)
			}
			ids[entity][id] = true
		}
	}
	refs := []struct{ entity, field, target string }{
		{"building", "economic_unit_id", "economic_unit"}, {"unit", "building_id", "building"},
		{"lease", "unit_id", "unit"}, {"lease", "tenant_id", "tenant"}, {"economic_unit", "owner_id", "owner"},
		{"owner_contract", "owner_id", "owner"}, {"owner_contract", "unit_id", "unit"},
	}
	for _, ref := range refs {
		for _, r := range data[ref.entity] {
			if v, ok := r[ref.field].(string); ok && !ids[ref.target][v] {
				t.Errorf("%s %s: %s %q does not exist", ref.entity, r["id"], ref.field, v)
			}
		}
	}
}

// TestERPDataSpecialRecords finds exactly one vacant unit, one ended
// lease and exactly two broken records: the tenant without last name
// and the lease with an impossible date.
func TestERPDataSpecialRecords(t *testing.T) {
	t.Parallel()
	data := ERPData()
	leased := map[string]int{}
	var ended, badDates, noLastName []string
	for _, l := range data["lease"] {
		leased[l["unit_id"].(string)]++
		if end, ok := l["end"].(string); ok && end < time.Now().Format("2006-01-02") {
			ended = append(ended, l["id"].(string))
		}
		for _, f := range []string{"start", "end"} {
			if s, ok := l[f].(string); ok && !validDate(s) {
				badDates = append(badDates, l["id"].(string)+" "+f+"="+s)
			}
		}
	}
	for _, p := range append(data["tenant"], data["owner"]...) {
		if p["last_name"] == "" || p["last_name"] == nil {
			noLastName = append(noLastName, p["id"].(string))
		}
	}
	var vacant []string
	for _, u := range data["unit"] {
		if leased[u["id"].(string)] == 0 {
			vacant = append(vacant, u["id"].(string))
		}
		if occ := u["occupied"].(bool); occ != (leased[u["id"].(string)] > 0) {
			t.Errorf("unit %s: occupied is %v with %d leases", u["id"], occ, leased[u["id"].(string)])
		}
	}
	got := [][]string{vacant, ended, badDates, noLastName}
	want := [][]string{{VacantUnitID}, {EndedLeaseID}, {BadLeaseID + " start=" + BadLeaseStart}, {BadTenantID}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("vacant units, ended leases, bad dates, people without last name (-want +got):\n%s", diff)
	}
}

func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// TestERPDataValues checks decimals, instants, German names and IBANs.
func TestERPDataValues(t *testing.T) {
	t.Parallel()
	data := ERPData()
	money := regexp.MustCompile(`^[0-9]+\.[0-9]{2}$`)
	for _, l := range data["lease"] {
		for _, f := range []string{"cold_rent", "service_charges", "heating_costs", "deposit"} {
			if v, ok := l[f]; ok && !money.MatchString(v.(string)) {
				t.Errorf("lease %s %s = %#v; want decimal text with two places", l["id"], f, v)
			}
		}
	}
	text := map[string]bool{}
	for entity, recs := range data {
		for _, r := range recs {
			if _, err := time.Parse(time.RFC3339, r["modified_at"].(string)); err != nil {
				t.Errorf("%s %s: modified_at: %v", entity, r["id"], err)
			}
			for _, f := range []string{"first_name", "last_name", "street", "city"} {
				if s, ok := r[f].(string); ok {
					text[s] = true
				}
			}
			if iban, ok := r["iban"].(string); ok && !ibanValid(iban) {
				t.Errorf("%s %s: IBAN %s has wrong check digits", entity, r["id"], iban)
			}
		}
	}
	for _, s := range []string{"Jürgen", "Weiß", "Königsallee", "Müllerstraße", "Berlin", "Köln", "München"} {
		if !text[s] {
			t.Errorf("no record has %q", s)
		}
	}
}

// ibanValid checks an IBAN's check digits (ISO 13616, mod 97 = 1).
func ibanValid(iban string) bool {
	s := iban[4:] + iban[:4]
	var digits strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' {
			digits.WriteString(big.NewInt(int64(r - 'A' + 10)).String())
		} else {
			digits.WriteRune(r)
		}
	}
	n, ok := new(big.Int).SetString(digits.String(), 10)
	return ok && new(big.Int).Mod(n, big.NewInt(97)).Int64() == 1
}
