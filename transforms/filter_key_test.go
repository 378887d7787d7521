package transforms

import "testing"

func TestKeyFilters(t *testing.T) {
	t.Parallel()
	vars := Vars{"u": map[string]any{"client": "1001", "eu": 17, "no": "3", "dash": "a-b", "empty": "", "parts": []any{"x", "y"}}}
	runRenderCases(t, []renderCase{
		{name: "two parts", src: `{{ u.client|append:u.eu|key:"-" }}`, vars: vars, want: "1001-17"},
		{name: "three parts", src: `{{ u.client|append:u.eu|append:u.no|key:"/" }}`, vars: vars, want: "1001/17/3"},
		{name: "list input", src: `{{ u.parts|key:"." }}`, vars: vars, want: "x.y"},
		{name: "append to list", src: `{{ u.parts|append:u.no|key:"|" }}`, vars: vars, want: "x|y|3"},
		{name: "one part", src: `{{ u.client|key:"_" }}`, vars: vars, want: "1001"},
		{name: "separator in part", src: `{{ u.dash|append:u.no|key:"_" }}`, vars: vars, want: "a-b_3"},
		{name: "part holds separator", src: `{{ u.dash|append:u.no|key:"-" }}`, vars: vars, fail: "key"},
		{name: "empty part", src: `{{ u.client|append:u.empty|key:"-" }}`, vars: vars, fail: "key"},
		{name: "missing part", src: `{{ u.client|append:u.missing|key:"-" }}`, vars: vars, fail: "key"},
		{name: "missing first", src: `{{ u.missing|key:"-" }}`, vars: vars, fail: "key"},
	})
}

func TestKeyArgumentErrors(t *testing.T) {
	t.Parallel()
	env := NewEnv()
	for _, src := range []string{`{{ r|key:"+" }}`, `{{ r|key:"--" }}`, `{{ r|key }}`} {
		if _, err := env.Compile(src); err == nil {
			t.Errorf("Compile(%s) accepted a bad separator", src)
		}
	}
}
