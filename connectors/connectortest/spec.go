package connectortest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/specs"
)

// Spec builds a spec from an OpenAPI document with an `x-sync` extension:
// the document is loaded and validated with kin-openapi, x-sync decoded
// with encoding/json. It does none of the semantic checks of specs.Load,
// which keeps tests of connectors independent of them.
func Spec(doc []byte) (*specs.Spec, error) {
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("loading the document: %w", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI: %w", err)
	}
	var ext struct {
		Sync *specs.Sync `json:"x-sync"`
	}
	if err := json.Unmarshal(doc, &ext); err != nil {
		return nil, fmt.Errorf("decoding x-sync: %w", err)
	}
	if ext.Sync == nil {
		return nil, fmt.Errorf("the document has no x-sync")
	}
	return &specs.Spec{Doc: d, Sync: ext.Sync}, nil
}

// WithSync builds a spec from an OpenAPI document (without x-sync) and a
// Sync value.
func WithSync(doc []byte, sync *specs.Sync) (*specs.Spec, error) {
	d, err := openapi3.NewLoader().LoadFromData(doc)
	if err != nil {
		return nil, fmt.Errorf("loading the document: %w", err)
	}
	if err := d.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI: %w", err)
	}
	return &specs.Spec{Doc: d, Sync: sync}, nil
}
