package specs

import "fmt"

// Severity of a finding.
type Severity string

const (
	// SeverityError makes a spec unusable: nothing is synchronised with it.
	SeverityError Severity = "error"
	// SeverityWarning points at something probably wrong that still works.
	SeverityWarning Severity = "warning"
)

// Finding is one problem found in a spec or model. Codes are a stable
// contract (tests and tools match on them); messages may change.
type Finding struct {
	Code     string   `json:"code"`
	Severity Severity `json:"severity"`
	// File is the file the finding is in.
	File string `json:"file"`
	// Pointer is the RFC 6901 JSON pointer of the offending value.
	Pointer string `json:"pointer"`
	// Line and Column are 1-based; zero when unknown.
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
	Message string `json:"message"`
	// Hint says what to do about it.
	Hint string `json:"hint,omitempty"`
}

// String formats f as "file:line:col: error[code] message (pointer)" and
// the hint on a second line. The position is left out when unknown, the
// pointer when the finding is about the whole document.
func (f Finding) String() string {
	where := f.File
	if f.Line > 0 {
		where = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Column)
	}
	s := fmt.Sprintf("%s: %s[%s] %s", where, f.Severity, f.Code, f.Message)
	if f.Pointer != "" {
		s += " (" + f.Pointer + ")"
	}
	if f.Hint != "" {
		s += "\n    hint: " + f.Hint
	}
	return s
}

// Unused reports whether f is about a part of the vendor's OpenAPI
// document the x-sync does not use (openapi-unused-invalid): text output
// may leave such findings out.
func (f Finding) Unused() bool { return f.Code == CodeOpenAPIUnusedInvalid }

// Findings is a list of findings in file order.
type Findings []Finding

// HasErrors reports whether any finding is an error.
func (fs Findings) HasErrors() bool {
	for _, f := range fs {
		if f.Severity == SeverityError {
			return true
		}
	}
	return false
}
