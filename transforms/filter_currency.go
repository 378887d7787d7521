package transforms

import (
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/flosch/pongo2/v6"
)

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
			Name: "currency_symbol", Category: "currencies",
			Description: "Writes the usual symbol of an ISO 4217 code (EUR → €, USD → $, GBP → £); codes without a symbol of their own (CHF) are written as the code. An unknown code is an error.",
			Example:     `{{ "EUR"|currency_symbol }}`, Result: "€",
		}, filterCurrencySymbol},
		{FilterInfo{
			Name: "currency_code", Category: "currencies",
			Description: "Writes the ISO 4217 code for a symbol or code (€ → EUR, $ → USD, £ → GBP, Fr. → CHF). Symbols shared by several currencies (kr) are an error, as is anything unknown.",
			Example:     `{{ "€"|currency_code }}`, Result: "EUR",
		}, filterCurrencyCode},
	}
}

// currencySymbols maps codes to their usual symbol. Codes missing here are
// written as the code itself.
var currencySymbols = map[string]string{
	"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "CNY": "¥", "INR": "₹",
	"RUB": "₽", "TRY": "₺", "KRW": "₩", "ILS": "₪", "UAH": "₴", "PLN": "zł",
	"CZK": "Kč", "HUF": "Ft", "THB": "฿", "VND": "₫", "NGN": "₦", "PHP": "₱",
	"KZT": "₸", "GEL": "₾", "AZN": "₼", "CRC": "₡", "PYG": "₲", "LAK": "₭",
	"MNT": "₮", "GHS": "₵", "BRL": "R$", "AUD": "A$", "CAD": "C$", "NZD": "NZ$",
	"HKD": "HK$", "SGD": "S$", "MXN": "Mex$", "ZAR": "R", "SEK": "kr",
	"NOK": "kr", "DKK": "kr", "ISK": "kr",
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

func filterCurrencySymbol(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	code, err := currencyCode(text(v))
	if err != nil {
		return nil, err
	}
	if sym, ok := currencySymbols[code]; ok {
		return sym, nil
	}
	return code, nil
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
