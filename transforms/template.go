package transforms

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/flosch/pongo2/v6"
)

// Names starting with reservedPrefix are used by the rewritten forms of
// templates; user templates may not mention them.
const (
	reservedPrefix = "__specsync"
	sinkVar        = "__specsync_sink"
	captureTag     = "__specsync_capture"
	captureOpen    = "{% " + captureTag + " "
	captureClose   = " %}"
	autoescapeOpen = "{% autoescape off %}"
	autoescapeEnd  = "{% endautoescape %}"
)

// Template is a compiled template. A template that is exactly one
// expression ("{{ lease.cold_rent|decimal:2 }}") evaluates to the
// expression's value, which keeps its type (a list from split stays a
// list); any other template evaluates to the text it renders. A Template is
// immutable and safe for concurrent use.
type Template struct {
	src string
	// chain is set when the template is a variable path with filters
	// whose arguments are literals or paths ("{{ lease.rent|decimal:2 }}"),
	// evaluated without pongo2's interpreter.
	chain *chain
	// exec evaluates an expression template and hands its value to the
	// sink in variable sinkVar, through the capture tag.
	exec *pongo2.Template
	// text renders any other template, with autoescaping off.
	text *pongo2.Template
	// shift is the number of columns the rewritten form adds on line 1.
	shift int
	// limits bound each render.
	limits Limits
}

// sink receives the values of expression templates.
type sink struct{ vals []any }

// Compile compiles src. Its error is a *TemplateError saying where in the
// template (line and column) and what is wrong.
func (e *Env) Compile(src string) (*Template, error) {
	if i := strings.Index(src, reservedPrefix); i >= 0 {
		line, col := position(src, i)
		return nil, &TemplateError{Line: line, Column: col, Err: fmt.Errorf("names starting with %q are reserved", reservedPrefix)}
	}
	if _, err := e.fromString(src); err != nil {
		return nil, templateError(err, 0)
	}
	t := &Template{src: src, limits: e.limits}
	if err := t.prepare(e); err != nil {
		return nil, err
	}
	if err := t.dryRun(); err != nil {
		return nil, err
	}
	return t, nil
}

// prepare compiles the form of t that runs.
func (t *Template) prepare(e *Env) error {
	if expr, ok := singleExpression(t.src); ok {
		exec, err := e.fromString(captureOpen + expr + captureClose)
		if err == nil {
			t.exec, t.chain = exec, parseChain(t.src)
			t.shift = len(captureOpen) - len("{{")
			return nil
		}
	}
	text, err := e.fromString(autoescapeOpen + t.src + autoescapeEnd)
	if err != nil {
		return templateError(err, len(autoescapeOpen))
	}
	t.text, t.shift = text, len(autoescapeOpen)
	return nil
}

// dryRun renders t without variables to find literal filter arguments
// that can never work (a malformed value map, an unknown zone). Filters
// check their argument before their value, so a chain on a missing value
// still reports them, up to the first filter that refuses the missing
// value. A missing argument is only reported where the template shows
// that none is given: without variables, an argument taken from one is
// missing too.
func (t *Template) dryRun() error {
	if err := t.chain.checkArguments(); err != nil {
		return err
	}
	_, err := t.value(nil)
	var te *TemplateError
	if errors.Is(err, ErrLimit) && errors.As(err, &te) {
		return te
	}
	var ae *ArgumentError
	if !errors.As(err, &ae) || ae.missing {
		return nil
	}
	var fe *FilterError
	errors.As(err, &fe)
	return &TemplateError{Line: fe.Line, Column: fe.Column, Err: err}
}

// Source returns the template as written.
func (t *Template) Source() string { return t.src }

// Render evaluates t and returns its canonical text: numbers in plain
// decimal notation, booleans as true/false, instants as RFC 3339, dates as
// YYYY-MM-DD, lists and objects as JSON. Its error is a *FilterError when
// a filter failed on a value, otherwise a *TemplateError.
func (t *Template) Render(vars Vars) (s string, err error) {
	defer recoverError(&err)
	v, err := t.value(vars)
	if err != nil {
		return "", err
	}
	return text(v), nil
}

// value evaluates t: the expression's value for an expression template,
// the rendered text otherwise.
func (t *Template) value(vars Vars) (v any, err error) {
	if err := checkVars(vars); err != nil {
		return nil, err
	}
	return t.eval(vars, newBudget(t.limits))
}

// eval is value for variables already checked, within budget b.
func (t *Template) eval(vars Vars, b *budget) (v any, err error) {
	defer recoverError(&err)
	if t.chain != nil {
		if v, ok, err := t.chain.eval(vars); ok {
			if err == nil {
				err = charge(b, v)
			}
			return v, err
		}
	}
	if t.exec != nil {
		return t.capture(vars, b)
	}
	var out strings.Builder
	err = t.text.ExecuteWriterUnbuffered(renderContext(vars, nil, b), &boundedWriter{b: b, out: &out})
	if err != nil {
		return nil, templateError(err, t.shift)
	}
	if err := b.exceeded(); err != nil {
		return nil, &TemplateError{Err: err}
	}
	return out.String(), nil
}

// charge counts the value of an expression evaluated without pongo2
// against b.
func charge(b *budget, v any) error {
	err := b.checkValue(v)
	if err == nil {
		err = b.chargeTime()
	}
	if err != nil {
		return &TemplateError{Err: err}
	}
	return nil
}

// capture runs the expression form and returns the value it captured.
func (t *Template) capture(vars Vars, b *budget) (any, error) {
	s := &sink{vals: make([]any, 0, 1)}
	if err := t.exec.ExecuteWriterUnbuffered(renderContext(vars, s, b), io.Discard); err != nil {
		return nil, templateError(err, t.shift)
	}
	if len(s.vals) != 1 {
		return nil, &TemplateError{Err: fmt.Errorf("expression produced %d values instead of one", len(s.vals))}
	}
	return s.vals[0], nil
}

// renderContext returns the pongo2 context of vars plus the budget and,
// for the expression form, the sink.
func renderContext(vars Vars, s *sink, b *budget) pongo2.Context {
	ctx := make(pongo2.Context, len(vars)+2)
	for k, v := range vars {
		ctx[k] = v
	}
	if s != nil {
		ctx[sinkVar] = s
	}
	ctx[budgetVar] = b
	return ctx
}

// captureNode is the capture tag: it evaluates an expression and appends
// the value to the sink. Only the rewritten forms of templates use it.
type captureNode struct {
	expr pongo2.IEvaluator
}

func (n *captureNode) Execute(ctx *pongo2.ExecutionContext, _ pongo2.TemplateWriter) *pongo2.Error {
	v, err := n.expr.Evaluate(ctx)
	if err != nil {
		return err
	}
	s, ok := ctx.Public[sinkVar].(*sink)
	if !ok {
		return ctx.Error("internal tag used outside its template form", nil)
	}
	if b := budgetOf(ctx); b != nil {
		if err := b.checkValue(v); err != nil {
			return ctx.OrigError(err, nil)
		}
	}
	s.vals = append(s.vals, v.Interface())
	return nil
}

func parseCapture(_ *pongo2.Parser, _ *pongo2.Token, args *pongo2.Parser) (pongo2.INodeTag, *pongo2.Error) {
	expr, err := args.ParseExpression()
	if err != nil {
		return nil, err
	}
	if args.Remaining() > 0 {
		return nil, args.Error("one expression expected", nil)
	}
	return &captureNode{expr: expr}, nil
}

// singleExpression returns the expression of a template that is exactly
// "{{ expression }}", with nothing around it.
func singleExpression(src string) (string, bool) {
	if len(src) < 4 || !strings.HasPrefix(src, "{{") || !strings.HasSuffix(src, "}}") {
		return "", false
	}
	inner := src[2 : len(src)-2]
	for _, delim := range []string{"{{", "}}", "{%", "%}", "{#", "#}", "\n"} {
		if strings.Contains(inner, delim) {
			return "", false
		}
	}
	return inner, strings.TrimSpace(inner) != ""
}

// checkVars refuses variable names pongo2 cannot address. pongo2's own
// check would quote the value in its message.
func checkVars(vars Vars) error {
	for k := range vars {
		if !isIdentifier(k) {
			return &TemplateError{Err: fmt.Errorf("variable name %q is not an identifier (letters, digits and _ only)", k)}
		}
	}
	return nil
}

func isIdentifier(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isIdentByte(s[i], true) {
			return false
		}
	}
	return true
}

// templateError turns a pongo2 error into a *FilterError or
// *TemplateError, moving line 1 columns back by shift (the length of what
// a rewritten form added in front of the template).
func templateError(err error, shift int) error {
	var pe *pongo2.Error
	if !errors.As(err, &pe) {
		return &TemplateError{Err: err}
	}
	line, col := pe.Line, pe.Column
	if line == 1 {
		col = max(col-shift, 1)
	}
	if fe, ok := pe.OrigError.(*FilterError); ok {
		fe.Line, fe.Column = line, col
		return fe
	}
	te := &TemplateError{Line: line, Column: col, Err: pe.OrigError}
	if pe.Token != nil {
		te.Near = pe.Token.Val
	}
	if te.Err == nil {
		te.Err = errors.New("template error")
	}
	return te
}

// recoverError turns a panic inside pongo2 into an error.
func recoverError(err *error) {
	if r := recover(); r != nil {
		*err = &TemplateError{Err: fmt.Errorf("template failed: %v", r)}
	}
}

// position returns the 1-based line and column of byte offset i in s.
func position(s string, i int) (line, col int) {
	line = 1 + strings.Count(s[:i], "\n")
	return line, i - strings.LastIndex(s[:i], "\n")
}
