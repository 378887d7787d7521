package connectors

import (
	"bytes"
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// pageCheck validates the records of a list response one part at a time,
// against the item schema of the array holding them; the rest of the
// response (status, header, the envelope) is validated once, with the
// records left out.
type pageCheck struct {
	v    *validator
	op   *operation
	in   *openapi3filter.ResponseValidationInput
	item *openapi3.Schema
	opts []openapi3.SchemaValidationOption
}

// page validates a list response read in two steps. When the records lie
// in arrays cut from the envelope and the response schema names their
// item schema, the envelope is validated now and the records later, part
// by part, with the returned check; otherwise the whole body is
// validated now, as any response is, and the check is nil.
func (v *validator) page(ctx context.Context, op *operation, r *request, enc *encoded, resp *response, layout *pageLayout, envelope string) (*pageCheck, error) {
	if v.mode == ValidationOff {
		return nil, nil
	}
	var item *openapi3.Schema
	if layout != nil && len(layout.cuts) > 0 {
		item = itemSchema(op, resp, op.records)
	}
	body := resp.text
	if item != nil {
		body = envelope
	}
	whole := &response{status: resp.status, header: resp.header, url: resp.url, buf: bytes.NewBufferString(body)}
	if err := v.response(ctx, op, r, enc, whole); err != nil || item == nil {
		return nil, err
	}
	c := &pageCheck{v: v, op: op, item: item, in: &openapi3filter.ResponseValidationInput{
		RequestValidationInput: v.requestInput(op, r, enc), Status: resp.status, Header: resp.header, Options: v.opts,
	}}
	if v.opts.MultiError {
		c.opts = append(c.opts, openapi3.MultiErrors())
	}
	if op.route.Spec != nil && op.route.Spec.IsOpenAPI31OrLater() {
		c.opts = append(c.opts, openapi3.EnableJSONSchema2020())
	}
	c.opts = append(c.opts, openapi3.VisitAsResponse())
	return c, nil
}

// records validates records, the first of which is record number first
// of the page (from 0). A mismatch is reported once for the part, with
// the number of records that do not match.
func (c *pageCheck) records(ctx context.Context, first int, records []map[string]any) error {
	if c == nil {
		return nil
	}
	var (
		firstErr error
		at, bad  int
	)
	for i, rec := range records {
		if err := c.item.VisitJSON(rec, c.opts...); err != nil {
			if bad == 0 {
				firstErr, at = err, first+i
			}
			bad++
			if c.v.mode == ValidationStrict {
				break
			}
		}
	}
	if bad == 0 {
		return nil
	}
	reason := fmt.Sprintf("record %d of the page doesn't match the item schema", at)
	if bad > 1 {
		reason += fmt.Sprintf(" (and %d more of records %d to %d)", bad-1, first, first+len(records)-1)
	}
	return c.v.report(ctx, c.op, "response", &openapi3filter.ResponseError{Input: c.in, Reason: reason, Err: firstErr})
}

// itemSchema is the schema of the records at p in the response's schema,
// found the way the records are: through object properties, and through
// array items where a step that is not a number meets an array. Nil when
// the schema does not say (no such property, a composition such as allOf
// or oneOf on the way), or when an array on the way needs items (minItems)
// and so would refuse the envelope without them.
func itemSchema(op *operation, resp *response, p jsonvalue.Path) *openapi3.Schema {
	if op.route == nil || op.route.Operation == nil || op.route.Operation.Responses == nil {
		return nil
	}
	ref := op.route.Operation.Responses.Status(resp.status)
	if ref == nil {
		ref = op.route.Operation.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get(resp.header.Get("Content-Type"))
	if mt == nil || mt.Schema == nil {
		return nil
	}
	s, projected := mt.Schema.Value, false
	for i := 0; s != nil; {
		if s.Items != nil {
			if s.MinItems > 0 || i < len(p) && isIndex(p[i]) {
				return nil // the envelope would lack items, or keeps an element
			}
			s, projected = s.Items.Value, true
			if i == len(p) {
				return s
			}
			continue
		}
		if i == len(p) {
			if projected {
				return s // a projected element
			}
			return nil // the records are not in an array
		}
		prop := s.Properties[p[i]]
		if prop == nil {
			return nil
		}
		s, i = prop.Value, i+1
	}
	return nil
}
