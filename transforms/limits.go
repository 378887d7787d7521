package transforms

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/flosch/pongo2/v6"
)

// Limits bound one render: of a template, or of a mapping for one record
// (all its templates together). The zero value of a field means its
// default (DefaultLimits); values above MaxLimits are lowered to them.
type Limits struct {
	// Time is the longest a render may take. Zero means 1s.
	Time time.Duration
	// Output is the most text a render may produce, in bytes: the text
	// of a text template, the text form of an expression's value (a
	// list counts its items). Zero means 16 MiB.
	Output int
	// Iterations is the most loop iterations a render may run, over all
	// its loops, nested ones counted each time. Zero means 100,000.
	Iterations int
}

// DefaultLimits are the limits of a spec that sets none.
var DefaultLimits = Limits{Time: time.Second, Output: 16 << 20, Iterations: 100_000}

// MaxLimits are the hard maxima a spec may raise its limits to.
var MaxLimits = Limits{Time: 30 * time.Second, Output: 64 << 20, Iterations: 10_000_000}

// maxFilterText is the longest text, and maxFilterItems the longest list,
// a filter builds. Filters are process-wide functions that do not see the
// limits of the render they run in, so they stop at the hard maximum and
// the render's own output budget applies to the result.
const (
	maxFilterText  = 16 << 20
	maxFilterItems = 1 << 20
)

// withDefaults returns l with zero fields set to their defaults and
// fields above the maxima lowered to them.
func (l Limits) withDefaults() Limits {
	fill := func(v, def, hi int64) int64 {
		switch {
		case v <= 0:
			return def
		case v > hi:
			return hi
		}
		return v
	}
	return Limits{
		Time:       time.Duration(fill(int64(l.Time), int64(DefaultLimits.Time), int64(MaxLimits.Time))),
		Output:     int(fill(int64(l.Output), int64(DefaultLimits.Output), int64(MaxLimits.Output))),
		Iterations: int(fill(int64(l.Iterations), int64(DefaultLimits.Iterations), int64(MaxLimits.Iterations))),
	}
}

// ErrLimit is wrapped by every error of a render that went over one of its
// limits, and by the error of a filter argument asking for more than a
// filter may build.
var ErrLimit = errors.New("template limit exceeded")

// LimitError reports a render that went over one of its limits.
type LimitError struct {
	// Limit names the limit: "time", "output", "iterations" or "width".
	Limit string
	// Max is the limit as text ("1s", "1048576 bytes").
	Max string
	// Hint says how to stay within it.
	Hint string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("template exceeds its %s limit of %s: %s", e.Limit, e.Max, e.Hint)
}

// Is makes errors.Is(err, ErrLimit) hold.
func (e *LimitError) Is(target error) bool { return target == ErrLimit }

const raiseHint = "make the template do less, or raise x-sync limits.%s (at most %s)"

func timeLimit(l Limits) *LimitError {
	return &LimitError{Limit: "time", Max: l.Time.String(), Hint: fmt.Sprintf(raiseHint, "templateTime", MaxLimits.Time)}
}

func outputLimit(l Limits) *LimitError {
	return &LimitError{Limit: "output", Max: fmt.Sprintf("%d bytes", l.Output),
		Hint: fmt.Sprintf(raiseHint, "templateOutput", fmt.Sprintf("%d", MaxLimits.Output))}
}

func iterationLimit(l Limits) *LimitError {
	return &LimitError{Limit: "iterations", Max: fmt.Sprintf("%d loop iterations", l.Iterations),
		Hint: fmt.Sprintf(raiseHint, "loopIterations", fmt.Sprintf("%d", MaxLimits.Iterations))}
}

// budget is what is left of the limits of one render. A render runs on
// one goroutine; a budget is not safe for concurrent use.
type budget struct {
	limits     Limits
	deadline   time.Time
	iterations int
	charges    int // values charged without pongo2 (chargeTime)
	written    int
	// forwarding is set while a loop's writer hands on text it counted.
	forwarding bool
	// err is the first limit exceeded; once set, the render stops.
	err *LimitError
}

// budgetVar is the context variable holding the budget of a render.
const budgetVar = reservedPrefix + "_budget"

func newBudget(l Limits) *budget {
	l = l.withDefaults()
	return &budget{limits: l, deadline: time.Now().Add(l.Time)}
}

// fail records the first limit exceeded and returns it.
func (b *budget) fail(e *LimitError) error {
	if b.err == nil {
		b.err = e
	}
	return b.err
}

// exceeded returns the limit exceeded so far, or nil.
func (b *budget) exceeded() error {
	if b.err != nil {
		return b.err
	}
	return nil
}

// iterate counts one loop iteration and checks the clock on the first
// and every 32nd.
func (b *budget) iterate() error {
	if b.err != nil {
		return b.err
	}
	if b.iterations++; b.iterations > b.limits.Iterations {
		return b.fail(iterationLimit(b.limits))
	}
	if b.iterations%32 != 1 {
		return nil
	}
	return b.checkTime()
}

// chargeTime checks the clock on the first value charged and every 16th:
// each such value comes from a bounded chain of filters, so only many of
// them add up to a render that takes long, and reading the clock for
// each would cost more than the most common of them.
func (b *budget) chargeTime() error {
	if b.charges++; b.charges%16 != 1 {
		return b.exceeded()
	}
	return b.checkTime()
}

func (b *budget) checkTime() error {
	if b.err != nil {
		return b.err
	}
	if time.Now().After(b.deadline) {
		return b.fail(timeLimit(b.limits))
	}
	return nil
}

// write counts n bytes of output.
func (b *budget) write(n int) error {
	if b.err != nil {
		return b.err
	}
	if b.written += n; b.written > b.limits.Output {
		return b.fail(outputLimit(b.limits))
	}
	return nil
}

// checkValue counts the size of a value an expression produced.
func (b *budget) checkValue(v any) error {
	if b.err != nil {
		return b.err
	}
	n := size(v, b.limits.Output-b.written)
	if n < 0 {
		return b.fail(outputLimit(b.limits))
	}
	return b.write(n)
}

// size returns the size of v's text form, roughly (a list counts a
// separator per item, an object its keys), or -1 as soon as it is larger
// than room.
func size(v any, room int) int {
	n := 0
	switch v := v.(type) {
	case *pongo2.Value:
		return size(v.Interface(), room)
	case string:
		n = len(v)
	case []string:
		for _, e := range v {
			if n += len(e) + 1; n > room {
				return -1
			}
		}
	case []any:
		for _, e := range v {
			k := size(e, room-n-1)
			if n += k + 1; k < 0 || n > room {
				return -1
			}
		}
	case map[string]any:
		for key, e := range v {
			k := size(e, room-n-len(key)-2)
			if n += k + len(key) + 2; k < 0 || n > room {
				return -1
			}
		}
	case nil:
	default:
		n = len(text(v))
	}
	if n > room {
		return -1
	}
	return n
}

// budgetOf returns the budget of the render ctx belongs to, or nil when
// the template was not rendered by this package.
func budgetOf(ctx *pongo2.ExecutionContext) *budget {
	b, _ := ctx.Public[budgetVar].(*budget)
	return b
}

// boundedWriter collects the text of a render within its output budget.
// pongo2 ignores write errors, so what goes over is dropped and the budget
// remembers the failure; loops and the end of the render check it.
type boundedWriter struct {
	b   *budget
	out *strings.Builder
	// next receives what is written when out is nil: the writer of a tag
	// that collects the text of its body (filter, spaceless).
	next pongo2.TemplateWriter
}

func (w *boundedWriter) WriteString(s string) (int, error) {
	if err := w.charge(len(s)); err != nil {
		return 0, err
	}
	if w.out != nil {
		return w.out.WriteString(s)
	}
	w.b.forwarding = true
	defer func() { w.b.forwarding = false }()
	return w.next.WriteString(s)
}

func (w *boundedWriter) Write(p []byte) (int, error) {
	if err := w.charge(len(p)); err != nil {
		return 0, err
	}
	if w.out != nil {
		return w.out.Write(p)
	}
	w.b.forwarding = true
	defer func() { w.b.forwarding = false }()
	return w.next.Write(p)
}

// charge counts n bytes, unless a loop's writer counted them already on
// their way here.
func (w *boundedWriter) charge(n int) error {
	if w.b.forwarding {
		return w.b.exceeded()
	}
	return w.b.write(n)
}

// IsLimit reports whether err, or the error a template error of pongo2
// carries, is a render that went over one of its limits.
func IsLimit(err error) bool {
	for err != nil {
		if errors.Is(err, ErrLimit) {
			return true
		}
		var pe *pongo2.Error
		if !errors.As(err, &pe) || pe.OrigError == nil {
			return false
		}
		err = pe.OrigError
	}
	return false
}
