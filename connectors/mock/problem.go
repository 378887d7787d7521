package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// inputError is a request value the server refuses; it becomes a 400 (a
// GraphQL error with code BAD_USER_INPUT).
type inputError struct {
	in    string // "body", "parameter", "variable"
	field string // parameter or variable name, or JSON pointer in the body
	msg   string
}

func (e *inputError) Error() string {
	if e.field == "" {
		return e.in + ": " + e.msg
	}
	return fmt.Sprintf("%s %q: %s", e.in, e.field, e.msg)
}

// fieldError names one offending request value in a problem answer.
type fieldError struct {
	// In is "body", "query", "path", "header", "cookie" or "variable".
	In string `json:"in"`
	// Name is the parameter or variable.
	Name string `json:"name,omitempty"`
	// Pointer is the RFC 6901 pointer of the value in the body.
	Pointer string `json:"pointer,omitempty"`
	Message string `json:"message"`
}

// problem is an RFC 9457 problem answer.
type problem struct {
	Type   string       `json:"type"`
	Title  string       `json:"title"`
	Status int          `json:"status"`
	Detail string       `json:"detail"`
	Errors []fieldError `json:"errors,omitempty"`
}

// writeProblem writes an application/problem+json answer.
func writeProblem(w http.ResponseWriter, status int, detail string, errs []fieldError) {
	data, _ := json.Marshal(problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Detail: detail, Errors: errs}) // plain strings and ints
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data) // the client may be gone; nothing to do about it
}

// writeJSON writes a JSON answer; a 204 carries no body.
func writeJSON(w http.ResponseWriter, status int, data []byte) {
	if status == http.StatusNoContent {
		w.WriteHeader(status)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, _ = w.Write(data) // the client may be gone; nothing to do about it
}

// writeValue encodes v and writes it.
func writeValue(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		writeProblem(w, http.StatusInternalServerError, "encoding the answer: "+err.Error(), nil)
		return
	}
	writeJSON(w, status, data)
}

// fieldError describes an inputError as a field error.
func (e *inputError) fieldError() fieldError {
	fe := fieldError{In: e.in, Message: e.msg}
	if strings.HasPrefix(e.field, "/") || e.in == "body" {
		fe.Pointer = e.field
	} else {
		fe.Name = e.field
	}
	return fe
}

// validationErrors lists the offending values of a kin-openapi validation
// error. Messages come from the schema's reasons, which never quote the
// value (it may be a secret).
func validationErrors(err error) []fieldError {
	var out []fieldError
	collectErrors(err, fieldError{In: "body"}, &out)
	return out
}

func collectErrors(err error, at fieldError, out *[]fieldError) {
	var re *openapi3filter.RequestError
	var se *openapi3.SchemaError
	var me openapi3.MultiError
	switch {
	case errors.As(err, &me) && isMulti(err):
		for _, e := range me {
			collectErrors(e, at, out)
		}
	case errors.As(err, &re):
		*out = append(*out, requestFieldErrors(re)...)
	case errors.As(err, &se):
		at.Pointer = schemaPointer(se)
		at.Message = schemaReason(se)
		*out = append(*out, at)
	default:
		at.Message = err.Error()
		*out = append(*out, at)
	}
}

// isMulti reports whether err itself is a MultiError (not one wrapped
// deeper, which errors.As would also find).
func isMulti(err error) bool {
	_, ok := err.(openapi3.MultiError)
	return ok
}

// requestFieldErrors describes a parameter or body error.
func requestFieldErrors(re *openapi3filter.RequestError) []fieldError {
	at := fieldError{In: "body"}
	if p := re.Parameter; p != nil {
		at = fieldError{In: p.In, Name: p.Name}
	}
	if re.Err == nil {
		at.Message = re.Reason
		return []fieldError{at}
	}
	var schemaErrs []fieldError
	collectErrors(re.Err, at, &schemaErrs)
	for i := range schemaErrs {
		if schemaErrs[i].Message == "" {
			schemaErrs[i].Message = re.Reason
		}
	}
	return schemaErrs
}

func schemaPointer(se *openapi3.SchemaError) string {
	p := se.JSONPointer()
	if len(p) == 0 {
		return ""
	}
	return "/" + strings.Join(p, "/")
}

func schemaReason(se *openapi3.SchemaError) string {
	if se.Reason != "" {
		return se.Reason
	}
	return fmt.Sprintf("does not satisfy the schema's %q", se.SchemaField)
}
