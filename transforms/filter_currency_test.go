package transforms

import "testing"

func TestCurrencyFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v}} }
	runRenderCases(t, []renderCase{
		{name: "iso upper", src: `{{ r.v|iso4217 }}`, vars: r("chf"), want: "CHF"},
		{name: "iso empty", src: `[{{ r.v|iso4217 }}]`, vars: r(nil), want: "[]"},
		{name: "iso fund code", src: `{{ r.v|iso4217 }}`, vars: r("XAU"), want: "XAU"},
		{name: "iso unknown", src: `{{ r.v|iso4217 }}`, vars: r("EURO"), fail: "iso4217"},
		{name: "iso withdrawn", src: `{{ r.v|iso4217 }}`, vars: r("DEM"), fail: "iso4217"},
		{name: "symbol euro", src: `{{ r.v|currency_symbol }}`, vars: r("eur"), want: "€"},
		{name: "symbol dollar", src: `{{ r.v|currency_symbol }}`, vars: r("USD"), want: "$"},
		{name: "symbol pound", src: `{{ r.v|currency_symbol }}`, vars: r("GBP"), want: "£"},
		{name: "symbol none", src: `{{ r.v|currency_symbol }}`, vars: r("CHF"), want: "CHF"},
		{name: "symbol australian", src: `{{ r.v|currency_symbol }}`, vars: r("AUD"), want: "A$"},
		{name: "symbol locale", src: `{{ r.v|currency_symbol:"pl" }}`, vars: r("PLN"), want: "zł"},
		{name: "symbol locale code", src: `{{ r.v|currency_symbol }}`, vars: r("PLN"), want: "PLN"},
		{name: "symbol newer than cldr", src: `{{ r.v|currency_symbol }}`, vars: r("VED"), want: "VED"},
		{name: "symbol empty", src: `[{{ r.v|currency_symbol }}]`, vars: r(""), want: "[]"},
		{name: "symbol bad locale", src: `{{ r.v|currency_symbol:r.l }}`, vars: Vars{"r": map[string]any{"v": "EUR", "l": "no locale!"}}, fail: "currency_symbol"},
		{name: "symbol unknown", src: `{{ r.v|currency_symbol }}`, vars: r("ABC"), fail: "currency_symbol"},
		{name: "code euro", src: `{{ r.v|currency_code }}`, vars: r(" € "), want: "EUR"},
		{name: "code dollar", src: `{{ r.v|currency_code }}`, vars: r("$"), want: "USD"},
		{name: "code franc", src: `{{ r.v|currency_code }}`, vars: r("Fr."), want: "CHF"},
		{name: "code zloty", src: `{{ r.v|currency_code }}`, vars: r("zł"), want: "PLN"},
		{name: "code passes codes", src: `{{ r.v|currency_code }}`, vars: r("sek"), want: "SEK"},
		{name: "code ambiguous", src: `{{ r.v|currency_code }}`, vars: r("kr"), fail: "currency_code"},
		{name: "code unknown", src: `{{ r.v|currency_code }}`, vars: r("Taler"), fail: "currency_code"},
	})
}

func TestCurrencyList(t *testing.T) {
	t.Parallel()
	codes := currencies()
	if len(codes) < 170 {
		t.Errorf("only %d ISO 4217 codes embedded", len(codes))
	}
	for code := range codes {
		if len(code) != 3 || code != string([]byte{code[0], code[1], code[2]}) || code[0] < 'A' || code[0] > 'Z' {
			t.Errorf("malformed code %q", code)
		}
	}
	for sym, code := range currencyBySymbol {
		if _, ok := codes[code]; !ok {
			t.Errorf("symbol %s maps to unknown code %s", sym, code)
		}
	}
}
