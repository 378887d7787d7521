package engine

import (
	"errors"
	"fmt"
	"strings"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/transforms"
)

// failure is why a record stopped short, as the stage that stopped it
// says: its code and message, and the HTTP status of the answer that
// caused it (zero for none).
type failure struct {
	code    FailureCode
	message string
	status  int
}

// reasonf is a failure with a reason.
func reasonf(code FailureCode, format string, args ...any) *failure {
	return &failure{code: code, message: fmt.Sprintf(format, args...)}
}

// errReason is the failure of an error, noting an HTTP status.
func errReason(code FailureCode, err error) *failure {
	fl := &failure{code: code, message: err.Error()}
	var he *connectors.HTTPError
	if errors.As(err, &he) {
		fl.status = he.Status
	}
	return fl
}

// mappingReason is the failure of a mapping error whose values of
// personal fields (by top-level field name) are masked.
func mappingReason(err error, personal map[string]bool, format string, args ...any) *failure {
	return errReason(templateCode(err, CodeMapping), fmt.Errorf("%s: %s", fmt.Sprintf(format, args...), maskedMessage(err, personal)))
}

// templateCode is the code of a template's error: template-limit when
// the template went over a limit of its render, else code.
func templateCode(err error, code FailureCode) FailureCode {
	if errors.Is(err, transforms.ErrLimit) {
		return CodeTemplateLimit
	}
	return code
}

// reason is the failure as the ledger stores it, its code as text.
func (fl *failure) reason() store.Reason {
	return store.Reason{Code: string(fl.code), Message: fl.message}
}

// text is the failure as an audit entry or a plan shows it.
func (fl *failure) text() string { return string(fl.code) + ": " + fl.message }

// failCode is the reason code of a failed write.
func failCode(err error) FailureCode {
	var (
		he  *connectors.HTTPError
		ge  *connectors.GraphQLError
		ve  *connectors.ValidationError
		re  *transforms.RecordError
		pae *connectors.PagingError
		te  *connectors.TextError
	)
	switch {
	case errors.As(err, &te):
		return CodeInvalidText
	case errors.Is(err, connectors.ErrMaybeWritten):
		return CodeMaybeWritten
	case errors.As(err, &he):
		return HTTPFailure(he.Status)
	case errors.As(err, &ge):
		return CodeGraphQL
	case errors.As(err, &ve):
		return CodeValidation
	case errors.Is(err, transforms.ErrLimit):
		return CodeTemplateLimit
	case errors.As(err, &re):
		return CodeMapping
	case errors.As(err, &pae):
		return CodePaging
	}
	if connectors.Classify(err) == connectors.RetryNow {
		return CodeTransient
	}
	return CodeError
}

// maskedMessage is the text of a mapping error with the values of
// personal fields masked.
func maskedMessage(err error, personal map[string]bool) string {
	var re *transforms.RecordError
	if !errors.As(err, &re) {
		return err.Error()
	}
	masked := &transforms.RecordError{Fields: make([]transforms.FieldError, len(re.Fields)), Branch: re.Branch}
	for i, fe := range re.Fields {
		if personal[topField(fe.Field)] {
			fe = maskField(fe)
		}
		masked.Fields[i] = fe
	}
	return strings.Replace(err.Error(), re.Error(), masked.Error(), 1)
}

// maskField masks the values a field error quotes.
func maskField(fe transforms.FieldError) transforms.FieldError {
	if fe.Value != "" {
		fe.Value = store.MaskString(fe.Value)
	}
	var fl *transforms.FilterError
	if errors.As(fe.Err, &fl) {
		c := *fl
		c.Value = store.MaskString(c.Value)
		fe.Err = &c
	}
	return fe
}

// topField is the first token of a JSON pointer ("/contact/email" gives
// "contact").
func topField(pointer string) string {
	first, _, _ := strings.Cut(strings.TrimPrefix(pointer, "/"), "/")
	return first
}
