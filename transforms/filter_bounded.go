package transforms

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"
	"github.com/shopspring/decimal"
)

// boundedFilters replace pongo2's filters that build text or lists from
// a number in their argument: they refuse a size beyond what a filter may
// build before building anything, and a format that cannot work is an
// error instead of Go's %!(...) markers in the data.
func boundedFilters() []filterDef {
	return []filterDef{
		{FilterInfo{Name: "ljust", Category: "strings", Argument: "width in characters",
			Description: "Pads the text with spaces on the right to the width; longer text stays as it is. The width is at most 16777216.",
			Example:     `{{ "ab"|ljust:4|replace:" =>." }}`, Result: "ab.."}, filterLjust},
		{FilterInfo{Name: "rjust", Category: "strings", Argument: "width in characters",
			Description: "Pads the text with spaces on the left to the width; longer text stays as it is. The width is at most 16777216.",
			Example:     `{{ "7"|rjust:3|replace:" =>0" }}`, Result: "007"}, filterRjust},
		{FilterInfo{Name: "center", Category: "strings", Argument: "width in characters",
			Description: "Centres the text in spaces to the width, the odd space on the left; longer text stays as it is. The width is at most 16777216.",
			Example:     `{{ "ab"|center:5|replace:" =>*" }}`, Result: "**ab*"}, filterCenter},
		{FilterInfo{Name: "make_list", Category: "strings",
			Description: "Makes a list of the characters of the text; text of more than 1048576 characters is an error.",
			Example:     `{{ "abc"|make_list|join:"," }}`, Result: "a,b,c"}, filterMakeList},
		{FilterInfo{Name: "stringformat", Category: "strings", Argument: `Go format with one verb: %s, %q, %v, %d, %x, %X, %o or %b`,
			Description: "Formats the value with a Go format holding exactly one verb, such as \"%05d\" or \"ID-%s\"; %d, %x, %X, %o and %b need a whole number. A format that does not fit the value is an error, never text. Width and precision are at most 16777216.",
			Example:     `{{ "42"|stringformat:"%05d" }}`, Result: "00042"}, filterStringformat},
	}
}

// widthArg returns a padding width, refusing one beyond what a filter
// may build.
func widthArg(arg *pongo2.Value, hint string) (int, error) {
	n, err := intArg(arg, 0, int(^uint(0)>>1), hint)
	if err != nil {
		return 0, err
	}
	if n > maxFilterText {
		return 0, &ArgumentError{Argument: text(arg.Interface()), Err: widthLimit()}
	}
	return n, nil
}

func widthLimit() *LimitError {
	return &LimitError{Limit: "width", Max: fmt.Sprintf("%d characters", maxFilterText),
		Hint: "a filter builds no longer text; use a smaller width"}
}

// padding returns the text of in and the number of spaces that pad it to
// the width given by arg.
func padding(in, arg *pongo2.Value, hint string) (string, int, error) {
	width, err := widthArg(arg, hint)
	if err != nil {
		return "", 0, err
	}
	s := text(in.Interface())
	return s, max(width-utf8.RuneCountInString(s), 0), nil
}

func filterLjust(in, arg *pongo2.Value) (any, error) {
	s, pad, err := padding(in, arg, "the width in characters, as in ljust:10")
	if err != nil {
		return nil, err
	}
	return pad3(0, s, pad), nil
}

// pad3 returns s with left spaces before and right spaces after it, built
// in one allocation.
func pad3(left int, s string, right int) string {
	var b strings.Builder
	b.Grow(left + len(s) + right)
	for range left {
		b.WriteByte(' ')
	}
	b.WriteString(s)
	for range right {
		b.WriteByte(' ')
	}
	return b.String()
}

func filterRjust(in, arg *pongo2.Value) (any, error) {
	s, pad, err := padding(in, arg, "the width in characters, as in rjust:10")
	if err != nil {
		return nil, err
	}
	return pad3(pad, s, 0), nil
}

func filterCenter(in, arg *pongo2.Value) (any, error) {
	s, pad, err := padding(in, arg, "the width in characters, as in center:10")
	if err != nil {
		return nil, err
	}
	right := pad / 2
	return pad3(pad-right, s, right), nil
}

func filterMakeList(in, _ *pongo2.Value) (any, error) {
	s := text(in.Interface())
	n := utf8.RuneCountInString(s)
	if n > maxFilterItems {
		return nil, listLimit()
	}
	out := make([]string, 0, n)
	for _, r := range s {
		out = append(out, string(r))
	}
	return out, nil
}

func listLimit() *LimitError {
	return &LimitError{Limit: "list", Max: fmt.Sprintf("%d items", maxFilterItems),
		Hint: "a filter builds no longer list"}
}

// format is a stringformat argument: text around one verb.
type format struct {
	prefix, spec, suffix string
	verb                 byte
}

const formatHint = `a Go format with one verb, as in stringformat:"%05d" or stringformat:"ID-%s"`

func filterStringformat(in, arg *pongo2.Value) (any, error) {
	s, err := stringArg(arg, true, formatHint)
	if err != nil {
		return nil, err
	}
	f, err := formats.get(s, parseFormat)
	if err != nil {
		return nil, &ArgumentError{Argument: s, Err: fmt.Errorf("%w; write %s", err, formatHint)}
	}
	v, err := formatOperand(in.Interface(), f.verb)
	if err != nil {
		return nil, err
	}
	return f.prefix + fmt.Sprintf(f.spec, v) + f.suffix, nil
}

var formats argCache[format]

// parseFormat splits a format at its one verb and checks the verb's
// flags, width and precision. %% stands for a percent sign.
func parseFormat(s string) (format, error) {
	var f format
	var lit strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '%' {
			lit.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '%' {
			lit.WriteByte('%')
			i++
			continue
		}
		if f.spec != "" {
			return f, fmt.Errorf("more than one verb")
		}
		n, err := verbLength(s[i:])
		if err != nil {
			return f, err
		}
		f.prefix, f.spec, f.verb = lit.String(), s[i:i+n], s[i+n-1]
		lit.Reset()
		i += n - 1
	}
	if f.spec == "" {
		return f, fmt.Errorf("no verb")
	}
	f.suffix = lit.String()
	return f, nil
}

// verbLength returns the length of the verb s starts with ("%-08.2d").
func verbLength(s string) (int, error) {
	i := 1
	for i < len(s) && strings.IndexByte("+-# 0", s[i]) >= 0 {
		i++
	}
	for _, part := range []string{"width", "precision"} {
		if part == "precision" {
			if i >= len(s) || s[i] != '.' {
				break
			}
			i++
		}
		start := i
		for i < len(s) && isDigit(s[i]) {
			i++
		}
		if n, err := strconv.Atoi(s[start:i]); i > start && (err != nil || n > maxFilterText) {
			return 0, fmt.Errorf("the %s %s is more than %d: %w", part, s[start:i], maxFilterText, widthLimit())
		}
	}
	if i >= len(s) || strings.IndexByte("sqvdxXob", s[i]) < 0 {
		return 0, fmt.Errorf("the verb %q is not one of %%s, %%q, %%v, %%d, %%x, %%X, %%o, %%b", s[:min(i+1, len(s))])
	}
	return i + 1, nil
}

// formatOperand returns the value as the verb needs it: text for %s, %q
// and %v, a whole number for the others.
func formatOperand(v any, verb byte) (any, error) {
	if strings.IndexByte("sqv", verb) >= 0 {
		return text(v), nil
	}
	switch n := v.(type) {
	case int:
		return n, nil
	case int64:
		return n, nil
	case json.Number:
		v = string(n)
	}
	d, err := decimal.NewFromString(strings.TrimSpace(text(v)))
	if err != nil || !d.IsInteger() || !d.BigInt().IsInt64() {
		return nil, fmt.Errorf("%%%c needs a whole number", verb)
	}
	return d.IntPart(), nil
}
