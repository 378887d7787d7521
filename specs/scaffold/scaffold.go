package scaffold

import (
	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

// Options tune Generate. The zero value writes every candidate entity,
// without mappings.
type Options struct {
	// Model, when set, names the model entities and their fields: each
	// vendor entity is given the model entity whose name fits it best, and
	// read and write mappings for the fields matched by name. Nil writes
	// entities and operations only, with the mappings left as todo notes.
	Model *specs.Model
	// Entities limits the overlay to these collections, each named as the
	// overlay would name it ("pet") or by its collection path ("/pets").
	// Empty means every candidate. A name that matches no candidate is an
	// error listing the candidates.
	Entities []string
	// ModelEntities chooses the model entity of collections, by the
	// entity name the overlay gives them ("resident": "tenant"), where the
	// names differ. Collections it leaves out get the model entity named
	// like them, else the one sharing most field names (with a todo).
	// Needs Model; a model entity the model lacks is an error.
	ModelEntities map[string]string
	// System is the overlay's system name. Empty derives it from the
	// document's info.title.
	System string
	// OverlayPath is where the overlay will be written. When set, Generate
	// loads the overlay as if it were there (so that its extends
	// resolves) and, for each error of the vendor's document that reaches
	// the overlay's entities, adds a correction to the overlay where one is
	// safe (with a todo note naming it) or leaves the entity out (with a
	// note); the vendor's file is never changed. Empty skips the check.
	OverlayPath string
	// Load are the options the check loads the overlay with.
	Load specs.LoadOptions
}

// Note is something Generate decided or could not decide, for the user to
// read beside the overlay (the command prints them). Notes of the kind
// NoteTodo are also written into the overlay as todo notes.
type Note struct {
	// Entity is the entity the note is about; empty for the whole overlay.
	Entity string
	// Kind says whether the note reports a guess or a gap.
	Kind NoteKind
	// Text says what was found or what to do.
	Text string
}

// NoteKind is the kind of a Note.
type NoteKind string

// The kinds of notes.
const (
	// NoteFound reports a decision taken from the document.
	NoteFound NoteKind = "found"
	// NoteTodo reports something left for the integrator.
	NoteTodo NoteKind = "todo"
)

// Generate writes the simple-form overlay for doc, a vendor's document as
// specs.Load built it (Swagger 2.0 converted). docPath is the value of the
// overlay's "extends": the document's path relative to where the overlay
// will be written. It returns the overlay as indented JSON ending in a
// newline, and the notes in the order they were made.
//
// The error is non-nil when doc has an x-sync already or no candidate
// entity, when
// opts.Entities names one that is not a candidate, or when
// opts.ModelEntities names a collection or model entity that does not
// exist.
func Generate(doc *openapi3.T, docPath string, opts Options) ([]byte, []Note, error) {
	g := newGenerator(doc, opts)
	return g.run(docPath)
}
