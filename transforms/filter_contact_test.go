package transforms

import (
	"strings"
	"testing"
)

func TestContactFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v}} }
	runRenderCases(t, []renderCase{
		{name: "email", src: `{{ r.v|email }}`, vars: r(" Max.Muster@Beispiel.DE "), want: "Max.Muster@beispiel.de"},
		{name: "email plus", src: `{{ r.v|email }}`, vars: r("a+tag@sub.example.com"), want: "a+tag@sub.example.com"},
		{name: "email empty", src: `[{{ r.v|email }}]`, vars: r(""), want: "[]"},
		{name: "email no at", src: `{{ r.v|email }}`, vars: r("max.beispiel.de"), fail: "email"},
		{name: "email display name", src: `{{ r.v|email }}`, vars: r("Max <max@beispiel.de>"), fail: "email"},
		{name: "email no dot", src: `{{ r.v|email }}`, vars: r("max@localhost"), fail: "email"},
		{name: "email two", src: `{{ r.v|email }}`, vars: r("a@b.de, c@d.de"), fail: "email"},
		{name: "phone national", src: `{{ r.v|phone:"DE" }}`, vars: r("030 1234567"), want: "+49301234567"},
		{name: "phone zero in brackets", src: `{{ r.v|phone:"DE" }}`, vars: r("+49 (0)30 123"), want: "+4930123"},
		{name: "phone 00", src: `{{ r.v|phone:"DE" }}`, vars: r("0049 30 1234567"), want: "+49301234567"},
		{name: "phone trunk kept", src: `{{ r.v|phone }}`, vars: r("+49 030 1234567"), want: "+49301234567"},
		{name: "phone punctuation", src: `{{ r.v|phone:"de" }}`, vars: r("(0171) 123-45/67"), want: "+491711234567"},
		{name: "phone austria", src: `{{ r.v|phone:"AT" }}`, vars: r("01 5134567"), want: "+4315134567"},
		{name: "phone italy keeps zero", src: `{{ r.v|phone:"IT" }}`, vars: r("06 1234 5678"), want: "+390612345678"},
		{name: "phone us", src: `{{ r.v|phone:"US" }}`, vars: r("(212) 555-0123"), want: "+12125550123"},
		{name: "phone us trunk", src: `{{ r.v|phone:"US" }}`, vars: r("1 212 555 0123"), want: "+12125550123"},
		{name: "phone empty", src: `[{{ r.v|phone:"DE" }}]`, vars: r(" "), want: "[]"},
		{name: "phone letters", src: `{{ r.v|phone:"DE" }}`, vars: r("030 CALL ME"), fail: "phone"},
		{name: "phone extension", src: `{{ r.v|phone:"DE" }}`, vars: r("030 123456 ext 7"), fail: "phone"},
		{name: "phone too short", src: `{{ r.v|phone:"DE" }}`, vars: r("0301"), fail: "phone"},
		{name: "phone too long", src: `{{ r.v|phone:"DE" }}`, vars: r("+49 30 1234567890123"), fail: "phone"},
		{name: "phone no trunk", src: `{{ r.v|phone:"DE" }}`, vars: r("1234567"), fail: "phone"},
		{name: "phone national without region", src: `{{ r.v|phone }}`, vars: r("030 1234567"), fail: "phone"},
		{name: "country german", src: `{{ r.v|country }}`, vars: r("Deutschland"), want: "DE"},
		{name: "country umlaut", src: `{{ r.v|country }}`, vars: r("ÖSTERREICH"), want: "AT"},
		{name: "country spelled out", src: `{{ r.v|country }}`, vars: r("Oesterreich"), want: "AT"},
		{name: "country swiss", src: `{{ r.v|country }}`, vars: r("Schweiz"), want: "CH"},
		{name: "country dutch", src: `{{ r.v|country }}`, vars: r("niederlande"), want: "NL"},
		{name: "country english", src: `{{ r.v|country }}`, vars: r("United Kingdom"), want: "GB"},
		{name: "country accents", src: `{{ r.v|country }}`, vars: r("Cote d'Ivoire"), want: "CI"},
		{name: "country punctuation", src: `{{ r.v|country }}`, vars: r("St Kitts und Nevis"), want: "KN"},
		{name: "country alpha2", src: `{{ r.v|country }}`, vars: r("fr"), want: "FR"},
		{name: "country alpha3", src: `{{ r.v|country }}`, vars: r("AUT"), want: "AT"},
		{name: "country empty", src: `[{{ r.v|country }}]`, vars: r(nil), want: "[]"},
		{name: "country unknown", src: `{{ r.v|country }}`, vars: r("Atlantis"), fail: "country"},
		{name: "country unassigned code", src: `{{ r.v|country }}`, vars: r("XX"), fail: "country"},
		{name: "phone any region", src: `{{ r.v|phone:"JP" }}`, vars: r("03-1234-5678"), want: "+81312345678"},
		{name: "phone 00 without region", src: `{{ r.v|phone }}`, vars: r("0044 20 7946 0958"), want: "+442079460958"},
		{name: "phone not in plan", src: `{{ r.v|phone:"DE" }}`, vars: r("0301"), fail: "phone"},
		{name: "phone keypad letters", src: `{{ r.v|phone:"US" }}`, vars: r("1-800-FLOWERS"), fail: "phone"},
		{name: "phone bad region", src: `{{ r.v|phone:r.v }}`, vars: r("Mars"), fail: "phone"},
	})
}

func TestCountryList(t *testing.T) {
	t.Parallel()
	byCode := make(map[string]bool)
	seen := make(map[string]string)
	for _, line := range strings.Split(countriesCSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ";")
		if len(f) != 5 || len(f[0]) != 2 || len(f[1]) != 3 || f[2] == "" || f[3] == "" {
			t.Fatalf("malformed line %q", line)
		}
		byCode[f[0]] = true
		for _, name := range append(f[:4:4], strings.Split(f[4], "|")...) {
			if name == "" {
				continue
			}
			k := countryKey(name)
			if prev, dup := seen[k]; dup && prev != f[0] {
				t.Errorf("name %q means both %s and %s", name, prev, f[0])
			}
			seen[k] = f[0]
		}
	}
	if len(byCode) != 249 {
		t.Errorf("%d countries, ISO 3166-1 has 249", len(byCode))
	}
}

// TestPhoneErrorsSayWhy pins what the phone filter tells the author of
// a mapping, and that a region without a numbering plan is refused when
// the template compiles.
func TestPhoneErrorsSayWhy(t *testing.T) {
	t.Parallel()
	for in, want := range map[[2]string]string{
		{"0301", "DE"}:          "does not fit the numbering plan of DE",
		{"1-800-FLOWERS", "US"}: `'F' is not allowed`,
		{"030 1234567", "ZZ"}:   "a national number needs a region",
	} {
		_, err := normalizePhone(in[0], in[1])
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("normalizePhone(%q, %s) = %v, want an error with %q", in[0], in[1], err, want)
		}
	}
	if _, err := NewEnv().Compile(`{{ "030 1234567"|phone:"XX" }}`); err == nil || !strings.Contains(err.Error(), "numbering plan") {
		t.Errorf("phone:\"XX\" compiled: %v", err)
	}
}
