package transforms

import (
	_ "embed"
	"errors"
	"net/mail"
	"strings"
	"sync"
	"unicode"

	"github.com/flosch/pongo2/v6"
	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

//go:embed data/countries.csv
var countriesCSV string

func contactFilters() []filterDef {
	return []filterDef{
		{FilterInfo{Name: "email", Category: "contacts",
			Description: "Trims an e-mail address, writes its domain in lower case and checks it: a bare address (no display name) whose domain has a dot. Anything else is an error; empty stays empty.",
			Example:     `{{ " Anna.Meyer@Example.DE "|email }}`, Result: "Anna.Meyer@example.de"}, filterEmail},
		{FilterInfo{Name: "phone", Category: "contacts", Argument: "region for national numbers, ISO 3166-1 alpha-2 (optional)",
			Description: "Writes a phone number in E.164 (+49301234567), read and checked with libphonenumber's numbering plans. Spaces, dashes, slashes, dots, brackets and a \"(0)\" after the country code are dropped; 00 and + start international numbers; a national number needs the region argument (any region libphonenumber knows) and is written as dialled in that region (030 ... in DE). Letters, extensions and numbers the region's numbering plan does not allow are errors; empty stays empty.",
			Example:     `{{ "030 / 123 456-7"|phone:"DE" }}`, Result: "+49301234567"}, filterPhone},
		{FilterInfo{Name: "country", Category: "contacts",
			Description: "Writes the ISO 3166-1 alpha-2 code of a country given by alpha-2 or alpha-3 code or by its German or English name (Deutschland, Österreich, Schweiz, Niederlande, Germany, AUT), ignoring case, accents and punctuation. Unknown names are an error; empty stays empty.",
			Example:     `{{ "Österreich"|country }}`, Result: "AT"}, filterCountry},
	}
}

func filterEmail(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	return normalizeEmail(text(v))
}

// normalizeEmail checks a bare address and lower-cases its domain; the
// local part keeps its case, which may matter to the receiving server.
func normalizeEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Name != "" || addr.Address != s {
		return "", errors.New("not an e-mail address (write a bare address such as name@example.de)")
	}
	at := strings.LastIndexByte(s, '@')
	domain := strings.ToLower(s[at+1:])
	if !strings.Contains(domain, ".") || strings.HasSuffix(domain, ".") || strings.HasPrefix(domain, ".") {
		return "", errors.New("the domain of the e-mail address has no dot")
	}
	return s[:at+1] + domain, nil
}

func filterCountry(in, _ *pongo2.Value) (any, error) {
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	if code, ok := countries()[countryKey(text(v))]; ok {
		return code, nil
	}
	return nil, errors.New("not a country: give an ISO 3166-1 code or the German or English name")
}

// countries maps every normalised code and name to the alpha-2 code.
var countries = sync.OnceValue(func() map[string]string {
	index := make(map[string]string)
	for _, line := range strings.Split(countriesCSV, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, ";")
		names := append([]string{f[0], f[1], f[2], f[3]}, strings.Split(f[4], "|")...)
		for _, n := range names {
			if n != "" {
				index[countryKey(n)] = f[0]
			}
		}
	}
	return index
})

// countryKey normalises a country name or code: German letters spelled
// out, accents dropped, lower case, punctuation as single spaces.
func countryKey(s string) string {
	s = foldASCII(slugFold.Replace(strings.TrimSpace(s)))
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteRune(r)
			space = false
			continue
		}
		space = r != '\''
	}
	return b.String()
}

// foldASCII drops accents (é → e, å → a).
func foldASCII(s string) string {
	t := transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
	out, _, err := transform.String(t, s)
	if err != nil {
		return s
	}
	return out
}
