package transforms

import (
	"fmt"
	"regexp"
	"unicode/utf8"

	"github.com/flosch/pongo2/v6"
)

func checkFilters() []filterDef {
	return []filterDef{
		{FilterInfo{
			Name: "required", Category: "checks",
			Description: "Fails the record with \"required value is empty\" when the value is missing, null, blank text or an empty list; passes it on unchanged otherwise.",
			Example:     `{{ "Meyer"|required }}`, Result: "Meyer",
		}, filterRequired},
		{FilterInfo{
			Name: "maxlength", Category: "checks", Argument: "characters",
			Description: "Fails when the text is longer than the given number of characters (unlike truncate, which cuts).",
			Example:     `{{ "10115"|maxlength:5 }}`, Result: "10115",
		}, filterMaxLength},
		{FilterInfo{
			Name: "pattern", Category: "checks", Argument: "Go regular expression",
			Description: "Fails when the text does not match the expression; anchor it with ^ and $ to match the whole text. Empty stays empty.",
			Example:     `{{ "10115"|pattern:"^[0-9]{5}$" }}`, Result: "10115",
		}, filterPattern},
	}
}

func filterRequired(in, _ *pongo2.Value) (any, error) {
	if isEmpty(in.Interface()) {
		return nil, ErrRequired
	}
	return in, nil
}

func filterMaxLength(in, arg *pongo2.Value) (any, error) {
	n, err := intArg(arg, 0, 1<<20, "the largest number of characters, as in maxlength:50")
	if err != nil {
		return nil, err
	}
	s := text(in.Interface())
	if l := utf8.RuneCountInString(s); l > n {
		return nil, fmt.Errorf("%d characters, at most %d allowed", l, n)
	}
	return in, nil
}

var regexpCache argCache[*regexp.Regexp]

// compileRegexp compiles a Go regular expression once.
func compileRegexp(s string) (*regexp.Regexp, error) {
	return regexpCache.get(s, regexp.Compile)
}

func filterPattern(in, arg *pongo2.Value) (any, error) {
	s, err := stringArg(arg, true, `a regular expression such as "^[0-9]{5}$"`)
	if err != nil {
		return nil, err
	}
	re, err := compileRegexp(s)
	if err != nil {
		return nil, argError(arg, "not a Go regular expression: %v", err)
	}
	v := in.Interface()
	if isEmpty(v) {
		return in, nil
	}
	if !re.MatchString(text(v)) {
		return nil, fmt.Errorf("does not match %s", s)
	}
	return in, nil
}
