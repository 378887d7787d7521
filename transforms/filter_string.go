package transforms

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"github.com/flosch/pongo2/v6"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

func stringFilters() []filterDef {
	return []filterDef{
		{FilterInfo{Name: "trim", Category: "strings",
			Description: "Removes white space at both ends.",
			Example:     `{{ "  Meyer "|trim }}`, Result: "Meyer"}, filterTrim},
		{FilterInfo{Name: "truncate", Category: "strings", Argument: "characters",
			Description: "Cuts the text to at most the given number of characters (not bytes), without adding an ellipsis.",
			Example:     `{{ "Müllerstraße"|truncate:6 }}`, Result: "Müller"}, filterTruncate},
		{FilterInfo{Name: "lower", Category: "strings",
			Description: "Writes the text in lower case (Unicode aware).",
			Example:     `{{ "ÄRGER"|lower }}`, Result: "ärger"}, filterLower},
		{FilterInfo{Name: "upper", Category: "strings",
			Description: "Writes the text in upper case (Unicode aware).",
			Example:     `{{ "straße"|upper }}`, Result: "STRASSE"}, filterUpper},
		{FilterInfo{Name: "title", Category: "strings",
			Description: "Writes every word with a capital first letter and the rest in lower case, with German rules for umlauts and ß.",
			Example:     `{{ "MÜLLER-LÜDENSCHEID"|title }}`, Result: "Müller-Lüdenscheid"}, filterTitle},
		{FilterInfo{Name: "replace", Category: "strings", Argument: `"old=>new"`,
			Description: "Replaces every occurrence of old by new; the argument is split at the first \"=>\". new may be empty.",
			Example:     `{{ "Haupt Str."|replace:"Str.=>Straße" }}`, Result: "Haupt Straße"}, filterReplace},
		{FilterInfo{Name: "regex_replace", Category: "strings", Argument: `"pattern=>replacement"`,
			Description: "Replaces every match of a Go regular expression; the replacement may use $1 or ${name}. The argument is split at the first \"=>\".",
			Example:     `{{ "DE 12 3456"|regex_replace:"[^0-9]=>" }}`, Result: "123456"}, filterRegexReplace},
		{FilterInfo{Name: "split", Category: "strings", Argument: "separator",
			Description: "Splits the text into a list at the separator, trimming every part and leaving out empty parts.",
			Example:     `{{ "a, b,,c"|split:","|join:"|" }}`, Result: "a|b|c"}, filterSplit},
		{FilterInfo{Name: "join", Category: "strings", Argument: "separator",
			Description: "Joins a list into one text with the separator; a single value stays as it is.",
			Example:     `{{ "x y"|split:" "|join:", " }}`, Result: "x, y"}, filterJoin},
		{FilterInfo{Name: "slug", Category: "strings",
			Description: "Writes the text as a lower-case ASCII slug: umlauts become ae, oe, ue, ß becomes ss, accents are dropped, everything else becomes single dashes.",
			Example:     `{{ "Büro & Lager Süd"|slug }}`, Result: "buero-lager-sued"}, filterSlug},
	}
}

func filterTrim(in, _ *pongo2.Value) (any, error) {
	return strings.TrimSpace(text(in.Interface())), nil
}

func filterTruncate(in, arg *pongo2.Value) (any, error) {
	n, err := intArg(arg, 0, 1<<20, "the largest number of characters, as in truncate:20")
	if err != nil {
		return nil, err
	}
	s := text(in.Interface())
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos], nil
		}
		i++
	}
	return s, nil
}

func filterLower(in, _ *pongo2.Value) (any, error) {
	return strings.ToLower(text(in.Interface())), nil
}

func filterUpper(in, _ *pongo2.Value) (any, error) {
	return cases.Upper(language.German).String(text(in.Interface())), nil
}

func filterTitle(in, _ *pongo2.Value) (any, error) {
	return cases.Title(language.German).String(text(in.Interface())), nil
}

// splitArrow splits a "from=>to" argument.
func splitArrow(arg *pongo2.Value, hint string) (from, to string, err error) {
	s, err := stringArg(arg, true, hint)
	if err != nil {
		return "", "", err
	}
	from, to, ok := strings.Cut(s, "=>")
	if !ok || from == "" {
		return "", "", argError(arg, "write it as %s", hint)
	}
	return from, to, nil
}

func filterReplace(in, arg *pongo2.Value) (any, error) {
	from, to, err := splitArrow(arg, `"old=>new"`)
	if err != nil {
		return nil, err
	}
	s := text(in.Interface())
	if n := strings.Count(s, from); len(s)+n*(len(to)-len(from)) > maxFilterText {
		return nil, textLimit()
	}
	return strings.ReplaceAll(s, from, to), nil
}

func filterRegexReplace(in, arg *pongo2.Value) (any, error) {
	pattern, repl, err := splitArrow(arg, `"pattern=>replacement"`)
	if err != nil {
		return nil, err
	}
	re, err := compileRegexp(pattern)
	if err != nil {
		return nil, argError(arg, "not a Go regular expression: %v", err)
	}
	s := text(in.Interface())
	if regexpGrowth(re, s, repl) > maxFilterText {
		return nil, textLimit()
	}
	return re.ReplaceAllString(s, repl), nil
}

// regexpGrowth returns the most bytes replacing every match of re in s
// with repl can give: every $reference in repl expands to at most the
// match. It counts the matches first only when a quick bound is too high.
func regexpGrowth(re *regexp.Regexp, s, repl string) int {
	refs := strings.Count(repl, "$")
	if quick := len(s)*(1+refs) + (len(s)+1)*len(repl); quick <= maxFilterText {
		return quick
	}
	matches, matched := 0, 0
	re.ReplaceAllStringFunc(s, func(m string) string {
		matches++
		matched += len(m)
		return ""
	})
	return len(s) - matched + matches*len(repl) + refs*matched
}

// textLimit is the error of a filter whose result would be longer than
// a filter may build.
func textLimit() *LimitError {
	return &LimitError{Limit: "text", Max: fmt.Sprintf("%d bytes", maxFilterText), Hint: "a filter builds no longer text"}
}

func filterSplit(in, arg *pongo2.Value) (any, error) {
	sep, err := stringArg(arg, true, `the separator, as in split:","`)
	if err != nil {
		return nil, err
	}
	if sep == "" {
		return nil, argError(arg, "the separator must not be empty")
	}
	v := in.Interface()
	if isEmpty(v) {
		return nil, nil
	}
	s := text(v)
	if strings.Count(s, sep) >= maxFilterItems {
		return nil, listLimit()
	}
	var parts []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return parts, nil
}

func filterJoin(in, arg *pongo2.Value) (any, error) {
	sep, err := stringArg(arg, true, `the separator, as in join:", "`)
	if err != nil {
		return nil, err
	}
	list, ok := asList(in.Interface())
	if !ok {
		return text(in.Interface()), nil
	}
	parts := make([]string, len(list))
	for i, e := range list {
		parts[i] = text(e)
	}
	return strings.Join(parts, sep), nil
}

// slugFold spells German letters in ASCII before accents are dropped.
var slugFold = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ß", "ss", "ẞ", "ss")

func filterSlug(in, _ *pongo2.Value) (any, error) {
	s := foldASCII(slugFold.Replace(text(in.Interface())))
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String(), nil
}
