package transforms

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/flosch/pongo2/v6"
	"github.com/shopspring/decimal"
)

func decimalFilters() []filterDef {
	return []filterDef{
		{FilterInfo{
			Name: "decimal", Category: "numbers", Argument: "decimal places (optional, 0 to 18)",
			Description: "Reads a number (see \"Reading numbers\" below) and writes it with a dot and the given number of places, rounding half away from zero: 1234.56. Without places the number is written as it is. Empty stays empty.",
			Example:     `{{ "1.234,5"|decimal:2 }}`, Result: "1234.50",
		}, filterDecimal},
		{FilterInfo{
			Name: "decimal_de", Category: "numbers", Argument: "decimal places (optional, 0 to 18)",
			Description: "Like decimal, but writes German display format: dots group thousands, a comma separates the places.",
			Example:     `{{ "1234567.891"|decimal_de:2 }}`, Result: "1.234.567,89",
		}, filterDecimalDE},
		{FilterInfo{
			Name: "parse_decimal", Category: "numbers", Argument: `decimal separator, "." or ","`,
			Description: "Reads a number whose decimal separator is known, for text the automatic reading finds ambiguous (1.234). The other separator may group thousands.",
			Example:     `{{ "1.234"|parse_decimal:"."|decimal:3 }}`, Result: "1.234",
		}, filterParseDecimal},
		{FilterInfo{
			Name: "add", Category: "numbers", Argument: "number",
			Description: "Adds exactly, in decimal. An empty operand is left out; when both are empty the result is empty.",
			Example:     `{{ "850,00"|add:"120.50"|add:"95"|decimal:2 }}`, Result: "1065.50",
		}, filterAdd},
		{FilterInfo{
			Name: "sub", Category: "numbers", Argument: "number",
			Description: "Subtracts exactly, in decimal. An empty operand is left out (empty minus x is -x); when both are empty the result is empty.",
			Example:     `{{ "1065.50"|sub:"95"|decimal:2 }}`, Result: "970.50",
		}, filterSub},
	}
}

// parseNumber reads a decimal from a template value. ok is false for an
// empty value.
func parseNumber(v any) (d decimal.Decimal, ok bool, err error) {
	if isEmpty(v) {
		return decimal.Decimal{}, false, nil
	}
	switch v := v.(type) {
	case decimal.Decimal:
		return v, true, nil
	case fixed:
		return v.d, true, nil
	case json.Number:
		d, err := decimal.NewFromString(string(v))
		if err != nil {
			return d, false, errors.New("not a number")
		}
		return d, true, nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return decimal.Decimal{}, false, errors.New("not a finite number")
		}
		d, err := decimal.NewFromString(strconv.FormatFloat(v, 'f', -1, 64))
		return d, err == nil, err
	case int, int64, int32, int16, int8, uint, uint64, uint32, uint16, uint8, float32:
		d, err := decimal.NewFromString(text(v))
		return d, err == nil, err
	case string:
		d, err := parseDecimal(v)
		return d, err == nil, err
	}
	return decimal.Decimal{}, false, fmt.Errorf("a %T is not a number", v)
}

// Reading rules of parseDecimal, written down once for the docs.
const decimalRules = `Text is read as a decimal number with these rules:

- A sign (+, - or −) may lead; spaces around are ignored.
- When both "." and "," appear, the last one is the decimal separator and the other groups thousands: "1.234,56" and "1,234.56" are both 1234.56.
- A separator that appears more than once groups thousands: "1.234.567" is 1234567.
- A single "." or "," is the decimal separator ("1234,56", "0.5"), except when it has one to three digits before it (not starting with 0) and exactly three after it and nothing else: "1.234" and "12,345" could be either reading and are refused. Use parse_decimal to say which separator is decimal.
- Spaces and apostrophes may group thousands too ("1 234,56", "1'234.56").
- Groups after the first have exactly three digits; anything else is refused.
- JSON numbers are never ambiguous: 1.234 from JSON is one point two three four.`

// parseDecimal reads a number written with German or English separators
// (see decimalRules). Ambiguous text is an error rather than a guess.
func parseDecimal(s string) (decimal.Decimal, error) {
	neg, body, err := splitSign(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if strings.ContainsAny(body, "eE") && !strings.ContainsAny(body, ", '") {
		return fromCanonical(neg, body)
	}
	sep, err := decimalSeparator(body)
	if err != nil {
		return decimal.Decimal{}, err
	}
	return parseWithSeparator(neg, body, sep)
}

// splitSign trims s and takes off a leading sign.
func splitSign(s string) (neg bool, body string, err error) {
	s = strings.TrimSpace(s)
	switch {
	case strings.HasPrefix(s, "-"), strings.HasPrefix(s, "+"):
		neg, s = s[0] == '-', s[1:]
	case strings.HasPrefix(s, "−"):
		neg, s = true, strings.TrimPrefix(s, "−")
	}
	if s == "" {
		return false, "", errors.New("not a number")
	}
	return neg, s, nil
}

// decimalSeparator decides which of "." and "," is the decimal separator
// in body; 0 means none.
func decimalSeparator(body string) (rune, error) {
	dots, commas := strings.Count(body, "."), strings.Count(body, ",")
	switch {
	case dots > 0 && commas > 0:
		if strings.LastIndex(body, ".") > strings.LastIndex(body, ",") {
			return '.', nil
		}
		return ',', nil
	case dots > 1:
		return 0, nil
	case commas > 1:
		return 0, nil
	case dots == 0 && commas == 0:
		return 0, nil
	}
	sep := '.'
	if commas == 1 {
		sep = ','
	}
	before, after, _ := strings.Cut(body, string(sep))
	if len(after) == 3 && len(before) >= 1 && len(before) <= 3 && before[0] != '0' && allDigits(before) && allDigits(after) {
		return 0, fmt.Errorf("ambiguous: %q could separate thousands or decimals; say which with parse_decimal:\".\" or parse_decimal:\",\"", sep)
	}
	return sep, nil
}

// parseWithSeparator reads body with sep as decimal separator (0: none);
// every other separator must group thousands in threes.
func parseWithSeparator(neg bool, body string, sep rune) (decimal.Decimal, error) {
	whole, frac := body, ""
	if sep != 0 {
		i := strings.LastIndex(body, string(sep))
		whole, frac = body[:i], body[i+1:]
		if frac == "" || !allDigits(frac) {
			return decimal.Decimal{}, errors.New("not a number: digits must follow the decimal separator")
		}
	}
	digits := "0"
	if whole != "" || sep == 0 {
		var err error
		if digits, err = ungroup(whole); err != nil {
			return decimal.Decimal{}, err
		}
	}
	if frac != "" {
		digits += "." + frac
	}
	return fromCanonical(neg, digits)
}

// ungroup removes thousands separators from the whole part, checking that
// one kind of separator is used and that it groups digits in threes.
func ungroup(whole string) (string, error) {
	if allDigits(whole) {
		return whole, nil
	}
	groupSep := rune(0)
	var groups []string
	start := 0
	for i, r := range whole {
		if r >= '0' && r <= '9' {
			continue
		}
		if !isGroupSeparator(r) || groupSep != 0 && r != groupSep {
			return "", fmt.Errorf("not a number: unexpected %q", r)
		}
		groupSep = r
		groups = append(groups, whole[start:i])
		start = i + len(string(r))
	}
	groups = append(groups, whole[start:])
	return joinGroups(groups)
}

func joinGroups(groups []string) (string, error) {
	if len(groups[0]) < 1 || len(groups[0]) > 3 || !allDigits(groups[0]) {
		return "", errors.New("not a number: thousands must be grouped in threes")
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return "", errors.New("not a number: thousands must be grouped in threes")
		}
	}
	return strings.Join(groups, ""), nil
}

func isGroupSeparator(r rune) bool {
	switch r {
	case '.', ',', ' ', '\'', '\u00a0', '\u202f', '’':
		return true
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

func fromCanonical(neg bool, s string) (decimal.Decimal, error) {
	if !isPlainNumber(s) {
		return decimal.Decimal{}, errors.New("not a number")
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, errors.New("not a number")
	}
	if neg {
		d = d.Neg()
	}
	return d, nil
}

// isPlainNumber accepts digits with at most one dot and an optional
// exponent, nothing else (no sign: it was taken off before).
func isPlainNumber(s string) bool {
	mant, exp, hasExp := s, "", false
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant, exp, hasExp = s[:i], s[i+1:], true
	}
	whole, frac, hasDot := strings.Cut(mant, ".")
	if whole == "" && frac == "" || whole != "" && !allDigits(whole) || hasDot && !allDigits(frac) {
		return false
	}
	if hasExp {
		exp = strings.TrimPrefix(strings.TrimPrefix(exp, "+"), "-")
		return allDigits(exp) && len(exp) <= 4
	}
	return true
}

// parseDecimalWith reads s whose decimal separator is sep.
func parseDecimalWith(s string, sep rune) (decimal.Decimal, error) {
	neg, body, err := splitSign(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if strings.Count(body, string(sep)) > 1 {
		return decimal.Decimal{}, fmt.Errorf("not a number: more than one %q", sep)
	}
	if !strings.ContainsRune(body, sep) {
		sep = 0
	}
	return parseWithSeparator(neg, body, sep)
}

// formatGerman writes d with places decimals, dots grouping thousands and
// a decimal comma.
func formatGerman(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(c)
	}
	if frac != "" {
		b.WriteByte(',')
		b.WriteString(frac)
	}
	return b.String()
}

// placesArg reads the optional places argument; -1 means none given.
func placesArg(arg *pongo2.Value) (int32, error) {
	if arg.IsNil() {
		return -1, nil
	}
	n, err := intArg(arg, 0, 18, "the number of decimal places, as in decimal:2")
	return int32(n), err
}

func filterDecimal(in, arg *pongo2.Value) (any, error) {
	places, err := placesArg(arg)
	if err != nil {
		return nil, err
	}
	d, ok, err := parseNumber(in.Interface())
	if !ok {
		return nil, err
	}
	if places < 0 {
		return d, nil
	}
	return fixed{d, places}, nil
}

// fixed is a decimal written with a fixed number of places ("850.50"). It
// stays a number for number fields and keeps its places as text, so that
// "1.234" from decimal:3 is never read as one thousand two hundred and
// thirty-four.
type fixed struct {
	d      decimal.Decimal
	places int32
}

func (f fixed) String() string {
	if s, ok := f.smallString(); ok {
		return s
	}
	return f.d.StringFixed(f.places)
}

// maxSmallDigits is the most digits smallString works with: 10^18 fits
// in an int64.
const maxSmallDigits = 18

// smallString writes f as StringFixed does (rounding half away from
// zero), in int64 arithmetic instead of big.Int; ok is false when the
// coefficient or the result has more than 18 digits.
func (f fixed) smallString() (string, bool) {
	if f.places > maxSmallDigits || f.d.NumDigits() > maxSmallDigits {
		return "", false
	}
	c, exp, places := f.d.CoefficientInt64(), int(f.d.Exponent()), int(f.places)
	switch {
	case -exp > places: // digits to drop
		drop := -exp - places
		if drop > maxSmallDigits {
			c = 0 // less than half of the last place kept
			break
		}
		pow := pow10(drop)
		q, r := c/pow, c%pow
		if r < 0 {
			r = -r
		}
		if r >= pow-r { // the dropped part is half a unit or more
			if c < 0 {
				q--
			} else {
				q++
			}
		}
		c = q
	case -exp < places: // zeros to add
		pad := places + exp
		if pad > maxSmallDigits {
			return "", false
		}
		pow := pow10(pad)
		if c > math.MaxInt64/pow || c < -math.MaxInt64/pow {
			return "", false
		}
		c *= pow
	}
	return scaledText(c, places), true
}

// pow10 is 10^n for n from 0 to 18.
func pow10(n int) int64 {
	p := int64(1)
	for range n {
		p *= 10
	}
	return p
}

// scaledText writes c / 10^places with exactly places decimals.
func scaledText(c int64, places int) string {
	u := uint64(c)
	if c < 0 {
		u = -u
	}
	var digitRoom, textRoom [48]byte
	digits := strconv.AppendUint(digitRoom[:0], u, 10)
	out := textRoom[:0]
	if c < 0 {
		out = append(out, '-')
	}
	if len(digits) <= places { // below one: a zero, the point, leading zeros
		out = append(out, "0."...)
		for range places - len(digits) {
			out = append(out, '0')
		}
		return string(append(out, digits...))
	}
	point := len(digits) - places
	out = append(out, digits[:point]...)
	if places > 0 {
		out = append(append(out, '.'), digits[point:]...)
	}
	return string(out)
}

func filterDecimalDE(in, arg *pongo2.Value) (any, error) {
	places, err := placesArg(arg)
	if err != nil {
		return nil, err
	}
	d, ok, err := parseNumber(in.Interface())
	if !ok {
		return nil, err
	}
	if places < 0 {
		places = max(-d.Exponent(), 0)
	}
	return formatGerman(d, places), nil
}

func filterParseDecimal(in, arg *pongo2.Value) (any, error) {
	s, err := stringArg(arg, true, `the decimal separator, "." or ","`)
	if err != nil {
		return nil, err
	}
	if s != "." && s != "," {
		return nil, argError(arg, `the decimal separator must be "." or ","`)
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	if str, isText := v.(string); isText {
		return parseDecimalWith(str, rune(s[0]))
	}
	d, _, err := parseNumber(v)
	return d, err
}

func filterAdd(in, arg *pongo2.Value) (any, error) {
	return arithmetic(in, arg, decimal.Decimal.Add)
}

func filterSub(in, arg *pongo2.Value) (any, error) {
	return arithmetic(in, arg, decimal.Decimal.Sub)
}

// arithmetic applies op to two decimals, leaving out empty operands.
func arithmetic(in, arg *pongo2.Value, op func(a, b decimal.Decimal) decimal.Decimal) (any, error) {
	a, okA, err := parseNumber(in.Interface())
	if err != nil {
		return nil, err
	}
	b, okB, err := parseNumber(arg.Interface())
	if err != nil {
		return nil, fmt.Errorf("operand %q: %w", clip(text(arg.Interface())), err)
	}
	if !okA && !okB {
		return nil, nil
	}
	return op(a, b), nil
}
