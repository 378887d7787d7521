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

// newTemplateCheck returns a checker reporting to r.
func newTemplateCheck(r *report) *templateCheck {
	return &templateCheck{env: transforms.NewEnv(), r: r}
}

// templateHint says where templates are explained.
const templateHint = "see the template syntax and the filter list in the spec language docs"

// check compiles src, found at pointer p. Empty templates are not checked.
func (t *templateCheck) check(src, p string) {
	if src == "" {
		return
	}
	if _, err := t.env.Compile(src); err != nil {
		t.r.errorHint(CodeTemplateError, p, templateHint, "template does not compile: %v", err)
	}
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
			t.r.errorHint(CodeTemplateError, p+prob.Field, templateHint, "template does not compile: %v", prob.Err)
		}
	case err != nil:
		t.r.errorHint(CodeTemplateError, p, templateHint, "mapping does not compile: %v", err)
	}
}
