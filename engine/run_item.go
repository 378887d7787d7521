package engine

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/specsync/specsync/connectors"
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
	hash     string
	known    Known
	intent   string       // payload hash of an unconfirmed create
	memo     memo         // what the last write left
	prints   []fieldPrint // fingerprints of payload
	input    string       // hash of this write's inputs
	recalled bool         // the inputs are those of the last write
	step     step
	action   Action
	note     string // why it is skipped
	fail     *Reason
	retry    bool // a transient failure: tried again later in the run
	status   int
	took     time.Duration
	res      *connectors.Result
	id       string // the target's id after the write
	echo     string // the other direction's payload hash of what was written
	gone     bool   // a delete found the record already gone
}

// failf fails the item with a reason.
func (it *item) failf(code, format string, args ...any) {
	it.fail = &Reason{Code: code, Message: fmt.Sprintf(format, args...)}
	it.step = stepFailed
}

// failErr fails the item with an error, noting an HTTP status.
func (it *item) failErr(code string, err error) {
	var he *connectors.HTTPError
	if errors.As(err, &he) {
		it.status = he.Status
	}
	it.fail = &Reason{Code: code, Message: err.Error()}
	it.step = stepFailed
}

// skip leaves the item alone.
func (it *item) skip(note string) {
	it.step, it.action, it.note = stepSkip, Skip, note
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

// statusText names an HTTP status for messages.
func statusText(code int) string {
	if code == 0 {
		return "no answer"
	}
	return fmt.Sprintf("%d %s", code, http.StatusText(code))
}
