package specs

import "fmt"

// ReadError is returned by Load and LoadModel for a file that cannot be
// read or parsed at all. It matches ErrUnreadable with errors.Is.
type ReadError struct {
	File string
	// Line and Column are 1-based; zero when unknown (a missing file).
	Line, Column int
	Err          error
}

// Error formats e as "file:line:col: problem".
func (e *ReadError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %v", e.File, e.Err)
	}
	return fmt.Sprintf("%s:%d:%d: %v", e.File, e.Line, e.Column, e.Err)
}

// Unwrap returns ErrUnreadable and the underlying error.
func (e *ReadError) Unwrap() []error { return []error{ErrUnreadable, e.Err} }

// Finding returns e as a parse-error finding, for tools that report
// unreadable files next to findings.
func (e *ReadError) Finding() Finding {
	return Finding{
		Code: CodeParseError, Severity: SeverityError, File: e.File,
		Line: e.Line, Column: e.Column, Message: e.Err.Error(),
		Hint: "fix the JSON or YAML syntax; nothing else can be checked until the file parses",
	}
}
