package specs

import (
	"errors"
	"maps"
	"slices"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/transforms"
)

// templateCheck compiles templates in the sandboxed environment the
// engine uses and reports those that do not compile.
type templateCheck struct {
	env *transforms.Env
	r   *report
}

// newTemplateCheck returns a checker reporting to r, compiling within
// limits (nil: the defaults).
func newTemplateCheck(r *report, limits *Limits) *templateCheck {
	return &templateCheck{env: transforms.NewEnv().WithLimits(limits.Templates()), r: r}
}

// checkLimits reports limits above the hard maxima.
func checkLimits(l *Limits, r *report) {
	if l == nil {
		return
	}
	maxima := transforms.MaxLimits
	p := "/x-sync/limits"
	if l.TemplateTime.Std() > maxima.Time {
		r.errorHint(CodeInvalidValue, jsonptr.Join(p, "templateTime"), "make the templates do less", "templateTime %s is above the maximum of %s", l.TemplateTime.Std(), maxima.Time)
	}
	if l.TemplateOutput > maxima.Output {
		r.errorHint(CodeInvalidValue, jsonptr.Join(p, "templateOutput"), "make the templates produce less", "templateOutput %d is above the maximum of %d bytes", l.TemplateOutput, maxima.Output)
	}
	if l.LoopIterations > maxima.Iterations {
		r.errorHint(CodeInvalidValue, jsonptr.Join(p, "loopIterations"), "make the loops shorter", "loopIterations %d is above the maximum of %d", l.LoopIterations, maxima.Iterations)
	}
}

// templateHint says where templates are explained.
const templateHint = "see the template syntax and the filter list in the spec language docs"

// check compiles src, found at pointer p. Empty templates are not checked.
func (t *templateCheck) check(src, p string) {
	if src == "" {
		return
	}
	if _, err := t.env.Compile(src); err != nil {
		t.report(p, err)
	}
}

// limitHint says what to do about a template over its limits.
const limitHint = "use smaller widths or shorter loops, or raise x-sync limits (within their maxima)"

// report reports the compile error err of the template at p: a limit
// the template goes over for any record, or a template that does not
// compile.
func (t *templateCheck) report(p string, err error) {
	if transforms.IsLimit(err) {
		t.r.errorHint(CodeTemplateLimit, p, limitHint, "template goes over its limits for any record: %v", err)
		return
	}
	t.r.errorHint(CodeTemplateError, p, templateHint, "template does not compile: %v", err)
}

// checkMap compiles every value of m.
func (t *templateCheck) checkMap(m map[string]string, p string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		t.check(m[k], jsonptr.Join(p, k))
	}
}

// checkMapping compiles a mapping as the engine does, against target (nil
// when unknown), and reports each template that does not compile at its
// place in the mapping (p is the mapping's pointer).
func (t *templateCheck) checkMapping(m Mapping, target *openapi3.Schema, p string) {
	if len(m) == 0 {
		return
	}
	_, err := t.env.CompileMapping(m, target)
	var ce *transforms.CompileError
	switch {
	case errors.As(err, &ce):
		for _, prob := range ce.Problems {
			t.report(p+prob.Field, prob.Err)
		}
	case err != nil:
		t.r.errorHint(CodeTemplateError, p, templateHint, "mapping does not compile: %v", err)
	}
}
