package transforms

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"sync"

	"github.com/flosch/pongo2/v6"
)

// FilterInfo describes one filter of the library. The docs table, lint
// messages and editor help are generated from it; its Example is rendered
// by a test and must give Result, so the docs cannot drift from the code.
type FilterInfo struct {
	// Name is what templates write after "|".
	Name string
	// Category groups filters in the docs ("dates", "numbers").
	Category string
	// Argument describes the argument after ":", or is empty when the
	// filter takes none.
	Argument string
	// Description says what the filter does, including its failures.
	Description string
	// Example is a complete template using the filter.
	Example string
	// Result is what Example renders.
	Result string
}

// filterFunc is a filter as the library writes it: it returns the output
// value, or an error that the adapter turns into a *FilterError.
type filterFunc func(in, arg *pongo2.Value) (any, error)

// filterDef is a filter with its description.
type filterDef struct {
	info FilterInfo
	fn   filterFunc
}

// replacedBuiltins are pongo2's built-in filters the library replaces in
// pongo2's process-wide registry.
var replacedBuiltins = map[string]bool{
	"add": true, "date": true, "default": true, "join": true,
	"lower": true, "split": true, "title": true, "upper": true,
	"ljust": true, "rjust": true, "center": true, "make_list": true, "stringformat": true,
}

// filterDefs lists the library. Every category file contributes its part.
func filterDefs() []filterDef {
	var defs []filterDef
	for _, part := range [][]filterDef{
		dateFilters(), decimalFilters(), currencyFilters(), valueFilters(),
		checkFilters(), stringFilters(), contactFilters(), keyFilters(), convertFilters(),
		boundedFilters(),
	} {
		defs = append(defs, part...)
	}
	return defs
}

// Filters describes every filter of the library, sorted by name.
func Filters() []FilterInfo {
	defs := filterDefs()
	infos := make([]FilterInfo, len(defs))
	for i, d := range defs {
		infos[i] = d.info
	}
	sort.Slice(infos, func(i, j int) bool { return infos[i].Name < infos[j].Name })
	return infos
}

// registerOnce guards the registration of the library in pongo2's
// process-wide filter and tag registries, the one piece of package state
// pongo2 forces on us.
var registerOnce sync.Once

// registerFilters puts the library into pongo2's registry, replacing
// pongo2's filters of the same name, and adds the capture tag.
func registerFilters() {
	registerOnce.Do(func() {
		for name, fn := range libraryFilters() {
			install(name, fn)
		}
		if err := pongo2.RegisterTag(captureTag, parseCapture); err != nil {
			panic("transforms: registering tag " + captureTag + ": " + err.Error())
		}
		for name, parse := range map[string]pongo2.TagParser{"for": parseFor, "set": parseSet} {
			if err := pongo2.ReplaceTag(name, parse); err != nil {
				panic("transforms: replacing tag " + name + ": " + err.Error())
			}
		}
	})
}

func install(name string, fn pongo2.FilterFunction) {
	var err error
	if pongo2.FilterExists(name) {
		err = pongo2.ReplaceFilter(name, fn)
	} else {
		err = pongo2.RegisterFilter(name, fn)
	}
	if err != nil {
		// Both calls fail only when the existence check above is wrong.
		panic("transforms: registering filter " + name + ": " + err.Error())
	}
}

// adapt wraps a filterFunc as a pongo2 filter whose failures carry a
// *FilterError.
func adapt(name string, fn filterFunc) pongo2.FilterFunction {
	return func(in, arg *pongo2.Value) (*pongo2.Value, *pongo2.Error) {
		if in == nil {
			in = pongo2.AsValue(nil)
		}
		if arg == nil {
			arg = pongo2.AsValue(nil)
		}
		out, err := fn(in, arg)
		if err == nil {
			err = checkBuilt(out)
		}
		if err != nil {
			fe := &FilterError{Filter: name, Value: clip(text(in.Interface())), Err: err}
			var ae *ArgumentError
			if errors.As(err, &ae) {
				ae.Filter = name
			}
			return nil, &pongo2.Error{Sender: "filter:" + name, OrigError: fe}
		}
		if v, ok := out.(*pongo2.Value); ok {
			return v, nil
		}
		return pongo2.AsValue(out), nil
	}
}

// checkBuilt refuses a filter's result that is longer than a filter may
// build, so that a chain of filters that each grow their input stops
// there.
func checkBuilt(out any) error {
	switch v := out.(type) {
	case string:
		if len(v) > maxFilterText {
			return textLimit()
		}
	case []any:
		if len(v) > maxFilterItems {
			return listLimit()
		}
	case []string:
		if len(v) > maxFilterItems {
			return listLimit()
		}
	}
	return nil
}

// argError reports an unusable argument.
func argError(arg *pongo2.Value, format string, a ...any) error {
	return &ArgumentError{Argument: text(arg.Interface()), Err: fmt.Errorf(format, a...)}
}

// missingArg reports an argument that is required but was not given.
func missingArg(hint string) error {
	return &ArgumentError{Err: fmt.Errorf("an argument is required: %s", hint), missing: true}
}

// stringArg returns the argument as text; required says whether it must be
// given.
func stringArg(arg *pongo2.Value, required bool, hint string) (string, error) {
	if arg.IsNil() {
		if required {
			return "", missingArg(hint)
		}
		return "", nil
	}
	return text(arg.Interface()), nil
}

// intArg returns the argument as a whole number between lo and hi.
func intArg(arg *pongo2.Value, lo, hi int, hint string) (int, error) {
	if arg.IsNil() {
		return 0, missingArg(hint)
	}
	n, isInt := arg.Interface().(int)
	var err error
	if !isInt {
		n, err = strconv.Atoi(text(arg.Interface()))
	}
	if err != nil || n < lo || n > hi {
		return 0, argError(arg, "must be a whole number from %d to %d: %s", lo, hi, hint)
	}
	return n, nil
}
