package engine

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/transforms"
)

// step is where an item stands in a run.
type step int

const (
	stepPending  step = iota // being prepared
	stepSkip                 // nothing to do
	stepAdopt                // nothing to send; the state learns the hash
	stepDenied               // the action is not granted
	stepConflict             // a change on the side that does not own the entity
	stepWrite                // to be written
	stepWritten              // the target confirmed
	stepFailed               // failed; goes to the ledger
)

// item is one record on its way through a run.
type item struct {
	obj      map[string]any // the source system's API object
	key      string         // home key
	srcID    string         // the partner's id, on pull
	rec      map[string]any // model record
	inc      map[string]map[string]any
	incKeys  map[string]string
	ids      map[string]any
	payload  map[string]any
	vars     transforms.Vars // of the write mapping and requests (itemVars)
	hash     string
	known    store.Known
	intent   string       // payload hash of an unconfirmed create
	prints   []fieldPrint // fingerprints of payload
	input    string       // hash of this write's inputs
	recalled bool         // the inputs are those of the last write
	step     step
	action   instance.Action
	note     string // why it is skipped
	fail     *store.Reason
	retry    bool // a transient failure: tried again later in the run
	status   int  // of the answer that settled the write, or of the failure
	took     time.Duration
	res      *connectors.Result
	id       string // the target's id after the write
	echo     string // the other direction's payload hash of what was written
	gone     bool   // a delete found the record already gone
}

// failf fails the item with a reason.
func (it *item) failf(code, format string, args ...any) {
	it.fail = &store.Reason{Code: code, Message: fmt.Sprintf(format, args...)}
	it.step = stepFailed
}

// failErr fails the item with an error, noting an HTTP status.
func (it *item) failErr(code string, err error) {
	var he *connectors.HTTPError
	if errors.As(err, &he) {
		it.status = he.Status
	}
	it.fail = &store.Reason{Code: code, Message: err.Error()}
	it.step = stepFailed
}

// skip leaves the item alone.
func (it *item) skip(note string) {
	it.step, it.action, it.note = stepSkip, instance.Skip, note
}

// failCode is the reason code of a failed write.
func failCode(err error) string {
	var (
		he  *connectors.HTTPError
		ge  *connectors.GraphQLError
		ve  *connectors.ValidationError
		re  *transforms.RecordError
		pae *connectors.PagingError
	)
	switch {
	case errors.Is(err, connectors.ErrMaybeWritten):
		return "maybe-written"
	case errors.As(err, &he):
		return fmt.Sprintf("http-%d", he.Status)
	case errors.As(err, &ge):
		return "graphql"
	case errors.As(err, &ve):
		return CodeValidation
	case errors.As(err, &re):
		return CodeMapping
	case errors.As(err, &pae):
		return "paging"
	}
	if connectors.Classify(err) == connectors.RetryNow {
		return "transient"
	}
	return "error"
}

// failMapping fails the item with a mapping error whose values of
// personal fields (by top-level field name) are masked.
func (it *item) failMapping(err error, personal map[string]bool, format string, args ...any) {
	it.failErr(CodeMapping, fmt.Errorf("%s: %s", fmt.Sprintf(format, args...), maskedMessage(err, personal)))
}

// maskedMessage is the text of a mapping error with the values of
// personal fields masked.
func maskedMessage(err error, personal map[string]bool) string {
	var re *transforms.RecordError
	if !errors.As(err, &re) {
		return err.Error()
	}
	masked := &transforms.RecordError{Fields: make([]transforms.FieldError, len(re.Fields))}
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
