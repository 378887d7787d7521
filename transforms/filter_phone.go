package transforms

import (
	"errors"
	"fmt"
	"strings"

	"github.com/flosch/pongo2/v6"
	"github.com/nyaruka/phonenumbers"
)

// unknownRegion is libphonenumber's region for numbers that must carry
// their country code.
const unknownRegion = "ZZ"

func filterPhone(in, arg *pongo2.Value) (any, error) {
	region, err := phoneRegion(arg)
	if err != nil {
		return nil, err
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	return normalizePhone(text(v), region)
}

// phoneRegion reads the optional region argument; no argument gives
// unknownRegion.
func phoneRegion(arg *pongo2.Value) (string, error) {
	name, err := stringArg(arg, false, "")
	if err != nil || name == "" {
		return unknownRegion, err
	}
	region := strings.ToUpper(strings.TrimSpace(name))
	if phonenumbers.GetCountryCodeForRegion(region) == 0 {
		return "", argError(arg, "phone needs an ISO 3166-1 alpha-2 region that has a numbering plan, as in phone:\"DE\"")
	}
	return region, nil
}

// normalizePhone writes s in E.164. The characters are checked here
// (libphonenumber would read letters as keypad digits and text after
// them as an extension); parsing, trunk prefixes and the numbering
// plan are libphonenumber's.
func normalizePhone(s, region string) (string, error) {
	s, err := phoneText(s)
	if err != nil {
		return "", err
	}
	if region == unknownRegion && !strings.HasPrefix(s, "+") {
		return "", errors.New(`a national number needs a region, as in phone:"DE"; or write it with + and country code`)
	}
	num, err := phonenumbers.Parse(s, region)
	if err != nil {
		return "", fmt.Errorf("not a phone number: %w", err)
	}
	e164 := phonenumbers.Format(num, phonenumbers.E164)
	if len(e164) > 16 || !phonenumbers.IsValidNumber(num) {
		return "", fmt.Errorf("not a phone number: %s does not fit the numbering plan of %s; write the area code too, or the number with + and country code",
			e164, phonenumbers.GetRegionCodeForCountryCode(int(num.GetCountryCode())))
	}
	return e164, nil
}

// phoneText trims s, refuses characters other than digits, a leading +
// and punctuation, and writes a leading 00 as +.
func phoneText(s string) (string, error) {
	s = strings.TrimSpace(s)
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9', r == '+' && i == 0:
		case strings.ContainsRune(" -/.()\u00a0\u202f", r):
		default:
			return "", fmt.Errorf("not a phone number: %q is not allowed (letters and extensions are refused)", r)
		}
	}
	if rest, ok := strings.CutPrefix(s, "00"); ok {
		return "+" + rest, nil
	}
	return s, nil
}
