package specs

import (
	"errors"
	"fmt"
	"io/fs"
)

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
		Line: e.Line, Column: e.Column, Message: e.Err.Error(), Hint: e.hint(),
	}
}

// hint says what to do: fix the path or permissions of a file that cannot
// be opened, else the syntax.
func (e *ReadError) hint() string {
	var pe *fs.PathError
	switch {
	case errors.Is(e.Err, fs.ErrNotExist):
		return "check the path: there is no such file"
	case errors.As(e.Err, &pe):
		return "check that the file exists and can be read"
	}
	return "fix the JSON or YAML syntax; nothing else can be checked until the file parses"
}
