package scaffold

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/internal/names"

	"github.com/specsync/specsync/specs"
)

// generator holds the state of one Generate call.
type generator struct {
	doc   *openapi3.T
	opts  Options
	notes []Note
	// opIDs are the operationIds the overlay gives operations the
	// document leaves without one, by path and lower-case method.
	opIDs map[string]map[string]map[string]string
	taken map[string]bool
}

func newGenerator(doc *openapi3.T, opts Options) *generator {
	g := &generator{doc: doc, opts: opts, opIDs: map[string]map[string]map[string]string{}, taken: map[string]bool{}}
	if doc == nil || doc.Paths == nil {
		return g
	}
	for _, item := range doc.Paths.Map() {
		for _, o := range item.Operations() {
			g.taken[o.OperationID] = true
		}
	}
	return g
}

// run builds the overlay.
func (g *generator) run(docPath string) ([]byte, []Note, error) {
	if g.doc == nil || g.doc.Paths == nil {
		return nil, nil, fmt.Errorf("the document has no paths")
	}
	if _, ok := g.doc.Extensions["x-sync"]; ok {
		return nil, nil, fmt.Errorf("the document has an x-sync of its own, which an overlay's x-sync would be merged into; init writes overlays for vendor documents without one")
	}
	cols, skipped := findCollections(g.doc)
	g.notes = append(g.notes, skipped...)
	cols, err := g.chosen(cols)
	if err != nil {
		return nil, nil, err
	}
	if err := g.checkModelEntities(cols); err != nil {
		return nil, nil, err
	}
	sync := &specs.Sync{System: g.system(), Entities: map[string]*specs.Entity{}}
	var used []*openapi3.Operation
	for _, c := range cols {
		sync.Entities[c.name] = g.entity(c)
		used = append(used, c.operations()...)
	}
	g.addAuth(sync, used)
	hoistPaging(sync)
	out := &overlay{Extends: docPath, Sync: sync}
	for path, methods := range g.opIDs {
		for method, members := range methods {
			out.set(jsonptr.Join("/paths", path, method, "operationId"), members["operationId"], nil)
		}
	}
	if g.opts.OverlayPath != "" {
		if err := g.check(out, cols); err != nil {
			return nil, nil, err
		}
	}
	data, err := encode(out)
	return data, g.notes, err
}

// chosen keeps the collections opts.Entities names (all when empty).
func (g *generator) chosen(cols []*collection) ([]*collection, error) {
	var names []string
	for _, c := range cols {
		names = append(names, c.name+" ("+c.path+")")
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("no collection found: no GET operation without path parameters answers with an array of objects (directly or in a member such as data or items)")
	}
	if len(g.opts.Entities) == 0 {
		return cols, nil
	}
	var out []*collection
	for _, want := range g.opts.Entities {
		i := slices.IndexFunc(cols, func(c *collection) bool { return c.name == want || c.path == want })
		if i < 0 {
			return nil, fmt.Errorf("no collection %q; the document's collections are: %s", want, strings.Join(names, ", "))
		}
		if !slices.Contains(out, cols[i]) {
			out = append(out, cols[i])
		}
	}
	return out, nil
}

// checkModelEntities refuses a ModelEntities entry naming no chosen
// collection or no model entity.
func (g *generator) checkModelEntities(cols []*collection) error {
	if len(g.opts.ModelEntities) > 0 && g.opts.Model == nil {
		return fmt.Errorf("choosing model entities needs a model")
	}
	for _, name := range slices.Sorted(maps.Keys(g.opts.ModelEntities)) {
		if !slices.ContainsFunc(cols, func(c *collection) bool { return c.name == name }) {
			return fmt.Errorf("no collection %q to give a model entity; the collections are named: %s", name, strings.Join(collectionNames(cols), ", "))
		}
		if model := g.opts.ModelEntities[name]; g.opts.Model.Entities[model] == nil {
			return fmt.Errorf("the model has no entity %q; it has: %s", model, strings.Join(slices.Sorted(maps.Keys(g.opts.Model.Entities)), ", "))
		}
	}
	return nil
}

// collectionNames lists the entity names of cols.
func collectionNames(cols []*collection) []string {
	var out []string
	for _, c := range cols {
		out = append(out, c.name)
	}
	return out
}

// system names the system after the document's title.
func (g *generator) system() string {
	if g.opts.System != "" {
		return g.opts.System
	}
	if g.doc.Info != nil {
		if ws := names.Words(g.doc.Info.Title); len(ws) > 0 {
			return strings.Join(ws, "-")
		}
	}
	return "vendor"
}

// note records a decision; todo records a gap, also returned for the
// overlay's todo list.
func (g *generator) note(entity, format string, args ...any) {
	g.notes = append(g.notes, Note{Entity: entity, Kind: NoteFound, Text: fmt.Sprintf(format, args...)})
}

func (g *generator) todo(list *[]string, entity, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	g.notes = append(g.notes, Note{Entity: entity, Kind: NoteTodo, Text: text})
	*list = append(*list, text)
}

// addAuth sets the auth method from the security schemes.
func (g *generator) addAuth(sync *specs.Sync, used []*openapi3.Operation) {
	choice := detectAuth(g.doc, used)
	sync.Auth = choice.auth
	if choice.found != "" {
		g.note("", "%s", choice.found)
	}
	if choice.todo != "" {
		g.todo(&sync.Todo, "", "%s", choice.todo)
	}
}

// hoistPaging moves the entities' pagination to the x-sync default when
// every entity pages alike.
func hoistPaging(sync *specs.Sync) {
	var first []byte
	for _, e := range sync.Entities {
		if e.Pagination == nil || e.List == nil {
			return
		}
		data, _ := json.Marshal(e.Pagination)
		if first != nil && !bytes.Equal(first, data) {
			return
		}
		first = data
	}
	for _, e := range sync.Entities {
		sync.Pagination, e.Pagination = e.Pagination, nil
	}
}

// encode writes v as indented JSON without HTML escapes, ending in a
// newline.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// operations lists the collection's operations.
func (c *collection) operations() []*openapi3.Operation {
	var out []*openapi3.Operation
	for _, o := range []*op{c.list, c.get, c.create, c.update, c.delete} {
		if o != nil {
			out = append(out, o.op)
		}
	}
	return out
}
