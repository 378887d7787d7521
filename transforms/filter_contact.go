package transforms

import (
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"net/mail"
	"slices"
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
			Description: "Writes a phone number in E.164 (+49301234567). Spaces, dashes, slashes, dots, brackets and a \"(0)\" after the country code are dropped; 00 and + start international numbers; a national number needs the region argument and starts with the region's trunk prefix (0 in DE). Letters, extensions and impossible lengths are errors; empty stays empty.",
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

// phoneRegion is what national numbers of a region need.
type phoneRegion struct {
	code  string // country calling code
	trunk string // national trunk prefix, "" when numbers keep their leading digits
	// trunkOptional is set where national numbers may be written with or
	// without the trunk prefix (North America).
	trunkOptional bool
}

// phoneRegions lists the regions whose national numbers phone reads.
var phoneRegions = map[string]phoneRegion{
	"DE": {"49", "0", false}, "AT": {"43", "0", false}, "CH": {"41", "0", false},
	"LI": {"423", "", false}, "NL": {"31", "0", false}, "BE": {"32", "0", false},
	"LU": {"352", "", false}, "FR": {"33", "0", false}, "IT": {"39", "", false},
	"ES": {"34", "", false}, "PT": {"351", "", false}, "GB": {"44", "0", false},
	"IE": {"353", "0", false}, "DK": {"45", "", false}, "SE": {"46", "0", false},
	"NO": {"47", "", false}, "FI": {"358", "0", false}, "PL": {"48", "", false},
	"CZ": {"420", "", false}, "SK": {"421", "0", false}, "HU": {"36", "06", false},
	"SI": {"386", "0", false}, "HR": {"385", "0", false}, "GR": {"30", "", false},
	"TR": {"90", "0", false}, "US": {"1", "1", true}, "CA": {"1", "1", true},
	"AU": {"61", "0", false},
}

// trunkAfterCode maps calling codes whose numbers are often written with
// the trunk 0 kept after the code (+49 030 ...) to that trunk.
var trunkAfterCode = map[string]bool{
	"49": true, "43": true, "41": true, "31": true, "32": true, "33": true, "44": true,
}

func filterPhone(in, arg *pongo2.Value) (any, error) {
	regionName, err := stringArg(arg, false, "")
	if err != nil {
		return nil, err
	}
	region, ok := phoneRegions[strings.ToUpper(regionName)]
	if regionName != "" && !ok {
		return nil, argError(arg, "phone knows national numbers of %s", strings.Join(slices.Sorted(maps.Keys(phoneRegions)), ", "))
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	return normalizePhone(text(v), region, regionName != "")
}

// normalizePhone writes s in E.164.
func normalizePhone(s string, region phoneRegion, hasRegion bool) (string, error) {
	digits, international, err := phoneDigits(s)
	if err != nil {
		return "", err
	}
	if !international {
		if !hasRegion {
			return "", errors.New(`a national number needs a region, as in phone:"DE"`)
		}
		if digits, err = nationalNumber(digits, region); err != nil {
			return "", err
		}
		digits = region.code + digits
	} else {
		digits = dropTrunkAfterCode(digits)
	}
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
		return "", errors.New("not a phone number: E.164 numbers have 7 to 15 digits after the +")
	}
	return "+" + digits, nil
}

// phoneDigits removes punctuation and tells whether the number is
// international (+ or 00).
func phoneDigits(s string) (digits string, international bool, err error) {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "(0)", "")
	var b strings.Builder
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			international = true
		case strings.ContainsRune(" -/.()\u00a0\u202f", r):
		default:
			return "", false, fmt.Errorf("not a phone number: %q is not allowed", r)
		}
	}
	digits = b.String()
	if !international && strings.HasPrefix(digits, "00") {
		return digits[2:], true, nil
	}
	return digits, international, nil
}

func nationalNumber(digits string, region phoneRegion) (string, error) {
	switch {
	case region.trunk == "":
		return digits, nil
	case strings.HasPrefix(digits, region.trunk):
		return digits[len(region.trunk):], nil
	case region.trunkOptional:
		return digits, nil
	}
	return "", fmt.Errorf("a national number starts with %s; write the area code too, or the number with + and country code", region.trunk)
}

// dropTrunkAfterCode removes a trunk 0 kept after the country code.
func dropTrunkAfterCode(digits string) string {
	for code := range trunkAfterCode {
		if strings.HasPrefix(digits, code+"0") {
			return code + digits[len(code)+1:]
		}
	}
	return digits
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
