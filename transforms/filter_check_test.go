package transforms

import (
	"errors"
	"testing"
)

func TestCheckFilters(t *testing.T) {
	t.Parallel()
	r := func(v any) Vars { return Vars{"r": map[string]any{"v": v}} }
	runRenderCases(t, []renderCase{
		{name: "required passes", src: `{{ r.v|required }}`, vars: r("x"), want: "x"},
		{name: "required zero", src: `{{ r.v|required }}`, vars: r(0), want: "0"},
		{name: "required empty", src: `{{ r.v|required }}`, vars: r(""), fail: "required"},
		{name: "required blank", src: `{{ r.v|required }}`, vars: r(" \t"), fail: "required"},
		{name: "required nil", src: `{{ r.v|required }}`, vars: r(nil), fail: "required"},
		{name: "required missing", src: `{{ r.missing|required }}`, vars: r(nil), fail: "required"},
		{name: "required empty list", src: `{{ r.v|required }}`, vars: r([]any{}), fail: "required"},
		{name: "maxlength ok", src: `{{ r.v|maxlength:5 }}`, vars: r("Ärger"), want: "Ärger"},
		{name: "maxlength too long", src: `{{ r.v|maxlength:4 }}`, vars: r("Ärger"), fail: "maxlength"},
		{name: "pattern ok", src: `{{ r.v|pattern:"^[0-9]{5}$" }}`, vars: r("01067"), want: "01067"},
		{name: "pattern empty", src: `[{{ r.v|pattern:"^[0-9]{5}$" }}]`, vars: r(""), want: "[]"},
		{name: "pattern fails", src: `{{ r.v|pattern:"^[0-9]{5}$" }}`, vars: r("1067"), fail: "pattern"},
	})
}

func TestRequiredIsErrRequired(t *testing.T) {
	t.Parallel()
	tpl, err := NewEnv().Compile(`{{ r|required }}`)
	if err != nil {
		t.Fatal(err)
	}
	_, err = tpl.Render(nil)
	if !errors.Is(err, ErrRequired) || err.Error() != `filter "required" on "": required value is empty` {
		t.Errorf("Render = %v, want ErrRequired", err)
	}
}

func TestCheckArgumentErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{`{{ r|pattern:"(" }}`, `{{ r|maxlength:"x" }}`, `{{ r|maxlength }}`, `{{ r|truncate:-1 }}`} {
		if _, err := env.Compile(src); err == nil {
			t.Errorf("Compile(%s) accepted a bad argument", src)
		}
	}
}
