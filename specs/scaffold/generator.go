package scaffold

import (
	"errors"

	"github.com/getkin/kin-openapi/openapi3"
)

// generator holds the state of one Generate call.
type generator struct {
	doc  *openapi3.T
	opts Options
}

func newGenerator(doc *openapi3.T, opts Options) *generator {
	return &generator{doc: doc, opts: opts}
}

func (g *generator) run(docPath string) ([]byte, []Note, error) {
	return nil, nil, errors.New("not implemented yet")
}
