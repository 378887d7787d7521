package specs

import (
	"maps"
	"slices"
	"strconv"

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

// check compiles src, found at pointer p. Empty templates are not checked.
func (t *templateCheck) check(src, p string) {
	if src == "" {
		return
	}
	if _, err := t.env.Compile(src); err != nil {
		t.r.errorHint(CodeTemplateError, p, "see the template syntax and the filter list in the spec language docs", "template does not compile: %v", err)
	}
}

// checkMap compiles every value of m.
func (t *templateCheck) checkMap(m map[string]string, p string) {
	for _, k := range slices.Sorted(maps.Keys(m)) {
		t.check(m[k], join(p, k))
	}
}

// checkMapping compiles every string of a mapping tree.
func (t *templateCheck) checkMapping(v any, p string) {
	switch v := v.(type) {
	case string:
		t.check(v, p)
	case Mapping:
		t.checkMapping(map[string]any(v), p)
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(v)) {
			t.checkMapping(v[k], join(p, k))
		}
	case []any:
		for i, item := range v {
			t.checkMapping(item, join(p, strconv.Itoa(i)))
		}
	}
}
