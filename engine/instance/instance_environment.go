package instance

import (
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// Environment reports, as warnings, the environment variables that the
// credentials of the instance and of its loaded specs reference and that
// are not set, or are empty, in this process: each named, with the
// pointer of the instance credential or the spec that references it. The
// process that runs the instance (serve, sync) may have them where the
// one applying it does not, so they are not errors; a run without them
// stops at its start. lookupEnv reads the environment; nil means
// os.LookupEnv.
func (l *Loaded) Environment(lookupEnv func(name string) (string, bool)) specs.Findings {
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	unset := func(name string) bool {
		v, ok := lookupEnv(name)
		return !ok || v == ""
	}
	v := &checker{}
	v.variables(l.Instance.Home, l.Home, "/home", unset)
	v.variables(l.Instance.Partner, l.Partner, "/partner", unset)
	return v.list
}

// unsetHint says what to do about an unset variable.
const unsetHint = "set it in the environment of every process that runs the instance (serve, sync), or reference a file instead"

// variables warns of the unset variables that one side's credentials and
// spec reference.
func (v *checker) variables(sys System, spec *specs.Spec, p string, unset func(string) bool) {
	for _, name := range slices.Sorted(maps.Keys(sys.Credentials)) {
		if env := sys.Credentials[name].Env; env != "" && unset(env) {
			v.warnf(specs.CodeUnsetVariable, jsonptr.Join(p, "credentials", name, "env"), unsetHint,
				"environment variable %q of credential %q is not set", env, name)
		}
	}
	if spec == nil || spec.Sync == nil {
		return
	}
	var seen []string
	for _, ref := range specs.References(spec.Sync) {
		if ref.Env != "" && !slices.Contains(seen, ref.Env) && unset(ref.Env) {
			seen = append(seen, ref.Env)
			v.warnf(specs.CodeUnsetVariable, p+"/spec", unsetHint,
				"spec %s refers to environment variable %q, which is not set", filepath.Base(spec.Path), ref.Env)
		}
	}
}
