package transforms

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/flosch/pongo2/v6"
	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// currenciesCSV is the list of active ISO 4217 codes. It stays here
// rather than coming from golang.org/x/text/currency: that package's
// CLDR tables still hold withdrawn codes (HRK, SLL) and historic ones
// (DEM) and lack current ones (VED, SLE, ZWG, XCG), so they cannot say
// what is active. Symbols do come from it (currencySymbol).
//
//go:embed data/currencies.csv
var currenciesCSV string

func currencyFilters() []filterDef {
	return []filterDef{
		{FilterInfo{
			Name: "iso4217", Category: "currencies",
			Description: "Checks that the value is an active ISO 4217 currency code (any case) and writes it in capitals; anything else is an error. Empty stays empty.",
			Example:     `{{ " eur "|iso4217 }}`, Result: "EUR",
		}, filterISO4217},
		{FilterInfo{
			Name: "currency_symbol", Category: "currencies", Argument: "locale, BCP 47 (optional, default en)",
			Description: "Writes the symbol of an ISO 4217 code as the locale writes it, from the CLDR data of golang.org/x/text (EUR → €, USD → $, GBP → £, AUD → A$); where the locale has no symbol of its own the code is written (CHF; PLN in en, zł with currency_symbol:\"pl\"). An unknown code is an error.",
			Example:     `{{ "EUR"|currency_symbol }}`, Result: "€",
		}, filterCurrencySymbol},
		{FilterInfo{
			Name: "currency_code", Category: "currencies",
			Description: "Writes the ISO 4217 code for a symbol or code (€ → EUR, $ → USD, £ → GBP, Fr. → CHF). Symbols shared by several currencies (kr) are an error, as is anything unknown.",
			Example:     `{{ "€"|currency_code }}`, Result: "EUR",
		}, filterCurrencyCode},
	}
}

// currencyBySymbol maps symbols (and common written forms) to a code.
// Symbols several currencies share are mapped only where one reading is
// by far the usual one ($ → USD, ¥ → JPY); the others are refused.
var currencyBySymbol = map[string]string{
	"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "¥": "JPY", "₹": "INR",
	"₽": "RUB", "₺": "TRY", "₩": "KRW", "₪": "ILS", "₴": "UAH", "ZŁ": "PLN",
	"KČ": "CZK", "FT": "HUF", "฿": "THB", "₫": "VND", "₦": "NGN", "₱": "PHP",
	"₸": "KZT", "₾": "GEL", "₼": "AZN", "₡": "CRC", "₲": "PYG", "₭": "LAK",
	"₮": "MNT", "₵": "GHS", "R$": "BRL", "A$": "AUD", "AU$": "AUD", "C$": "CAD",
	"CA$": "CAD", "NZ$": "NZD", "HK$": "HKD", "S$": "SGD", "MEX$": "MXN",
	"FR.": "CHF", "SFR.": "CHF", "EURO": "EUR", "EUROS": "EUR",
}

// ambiguousSymbols are refused by currency_code.
var ambiguousSymbols = map[string]string{
	"KR": "SEK, NOK, DKK or ISK", "KR.": "SEK, NOK, DKK or ISK", "R": "ZAR or others",
}

var currencies = sync.OnceValue(func() map[string]string {
	codes := make(map[string]string)
	for _, line := range strings.Split(currenciesCSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		code, name, _ := strings.Cut(line, ";")
		codes[code] = name
	}
	return codes
})

// currencyCode checks that s is an active ISO 4217 code and returns it in
// capitals.
func currencyCode(s string) (string, error) {
	code := strings.ToUpper(strings.TrimSpace(s))
	if _, ok := currencies()[code]; !ok {
		return "", errors.New("not an active ISO 4217 currency code")
	}
	return code, nil
}

func filterISO4217(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	return currencyCode(text(v))
}

func filterCurrencySymbol(in, arg *pongo2.Value) (any, error) {
	locale, err := stringArg(arg, false, "")
	if err != nil {
		return nil, err
	}
	tag := language.English
	if locale != "" {
		if tag, err = language.Parse(locale); err != nil {
			return nil, argError(arg, "not a BCP 47 locale such as \"de\" or \"en-GB\"")
		}
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	code, err := currencyCode(text(v))
	if err != nil {
		return nil, err
	}
	return currencySymbol(code, tag), nil
}

// currencySymbol writes the symbol of an active ISO 4217 code in the
// language of tag; a code the CLDR data does not know yet is written as
// it is.
func currencySymbol(code string, tag language.Tag) string {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return code
	}
	return message.NewPrinter(tag).Sprint(currency.Symbol(unit))
}

func filterCurrencyCode(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	s := strings.ToUpper(strings.TrimSpace(text(v)))
	if code, ok := currencyBySymbol[s]; ok {
		return code, nil
	}
	if which, ok := ambiguousSymbols[s]; ok {
		return nil, fmt.Errorf("the symbol is used by %s; write the ISO 4217 code", which)
	}
	if code, err := currencyCode(s); err == nil {
		return code, nil
	}
	return nil, errors.New("neither a known currency symbol nor an ISO 4217 code")
}
