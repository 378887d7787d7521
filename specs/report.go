package specs

import (
	"cmp"
	"fmt"
	"slices"
)

// report collects the findings of one file, located through its source map.
type report struct {
	file     string
	source   *SourceMap
	findings Findings
}

// add records a finding at pointer.
func (r *report) add(sev Severity, code, pointer, msg, hint string) {
	f := Finding{Code: code, Severity: sev, File: r.file, Pointer: pointer, Message: msg, Hint: hint}
	r.source.Place(&f)
	r.findings = append(r.findings, f)
}

// errorf records an error finding without a hint.
func (r *report) errorf(code, pointer, format string, args ...any) {
	r.add(SeverityError, code, pointer, fmt.Sprintf(format, args...), "")
}

// errorHint records an error finding with a hint.
func (r *report) errorHint(code, pointer, hint, format string, args ...any) {
	r.add(SeverityError, code, pointer, fmt.Sprintf(format, args...), hint)
}

// warnHint records a warning with a hint.
func (r *report) warnHint(code, pointer, hint, format string, args ...any) {
	r.add(SeverityWarning, code, pointer, fmt.Sprintf(format, args...), hint)
}

// has reports whether a finding was recorded at pointer.
func (r *report) has(pointer string) bool {
	pointer = r.source.where(pointer).Pointer
	return slices.ContainsFunc(r.findings, func(f Finding) bool { return f.Pointer == pointer })
}

// sorted returns the findings in file order (line, then column, then the
// order they were found in), with exact duplicates removed.
func (r *report) sorted() Findings {
	return sortFindings(r.findings)
}

// sortFindings orders fs by file, line and column, keeping the order of
// equal positions, and drops exact duplicates.
func sortFindings(fs Findings) Findings {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
	return slices.Compact(fs)
}
