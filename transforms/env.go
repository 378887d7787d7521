package transforms

import (
	"errors"
	"io"
	"sync"

	"github.com/flosch/pongo2/v6"
)

// bannedTags are pongo2 tags a template may not use. include, import, ssi
// and extends read other templates or files; block only matters with
// extends; macro allows unbounded recursion (which would crash the
// process) and is what import brings in; lorem produces unbounded text;
// now makes output depend on the clock, which breaks payload hashes.
var bannedTags = []string{"include", "import", "ssi", "extends", "block", "macro", "lorem", "now"}

// bannedFilters are pongo2 filters a template may not use: random makes
// output non-deterministic; float and floatformat compute with binary
// floating point, and money is never float.
var bannedFilters = []string{"random", "float", "floatformat"}

// errNoFiles is what the sandbox loader answers to every file request.
var errNoFiles = errors.New("templates cannot read files")

// refusingLoader is the sandbox's only template loader: it refuses every
// file, so no tag that slips through can read one.
type refusingLoader struct{}

func (refusingLoader) Abs(base, name string) string { return name }

func (refusingLoader) Get(path string) (io.Reader, error) { return nil, errNoFiles }

// Env is a sandboxed template environment with the filter library: its
// templates cannot read files or other templates, autoescaping is off
// (templates produce data, not HTML), and the tags and filters listed in
// docs/filters.md are unavailable. An Env is safe for concurrent use.
//
// pongo2 keeps filters in one registry per process. The first NewEnv
// registers this package's filters there, replacing pongo2's own filters
// of the same name (date, default, add, lower, upper, title, join,
// split); other users of pongo2 in the same process see the replacements.
type Env struct {
	// mu serialises compiles: pongo2 marks its template set on every
	// compile without locking. Envs made by WithLimits share it.
	mu  *sync.Mutex
	set *pongo2.TemplateSet
	// limits bound every render of the templates and mappings compiled
	// here.
	limits Limits
}

// NewEnv returns a sandboxed environment.
func NewEnv() *Env {
	registerFilters()
	set := pongo2.NewSet("specsync", refusingLoader{})
	for _, name := range bannedTags {
		mustBan(set.BanTag(name))
	}
	for _, name := range bannedFilters {
		mustBan(set.BanFilter(name))
	}
	return &Env{mu: new(sync.Mutex), set: set, limits: DefaultLimits}
}

// WithLimits returns an Env sharing e's sandbox whose templates and
// mappings render within l. Zero fields of l take the defaults
// (DefaultLimits) and fields above MaxLimits are lowered to them.
func (e *Env) WithLimits(l Limits) *Env {
	return &Env{mu: e.mu, set: e.set, limits: l.withDefaults()}
}

// Limits returns the limits of e's renders.
func (e *Env) Limits() Limits { return e.limits }

// fromString compiles src in the sandbox.
func (e *Env) fromString(src string) (*pongo2.Template, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set.FromString(src)
}

// mustBan stops on a failed ban. Bans fail only when the pinned pongo2
// version no longer knows a name listed above, which a test catches; going
// on with a weaker sandbox than documented is not an option.
func mustBan(err error) {
	if err != nil {
		panic("transforms: sandbox setup: " + err.Error())
	}
}
