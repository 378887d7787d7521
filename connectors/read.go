package connectors

import (
	"context"
	"fmt"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// Get reads one record. vars fill the operation's parameters ({"id": "42"}).
// The record is the value at the operation's result path (the whole body
// when it is empty). A 404, 410 or null record is an error matching
// ErrNotFound.
func (c *Client) Get(ctx context.Context, name string, vars transforms.Vars) (map[string]any, error) {
	e, op, err := c.writeOp(name, "get", func(e *entity) *operation { return e.get })
	if err != nil {
		return nil, c.seal(err)
	}
	a, err := c.read(ctx, op, vars)
	if err != nil {
		return nil, c.seal(err)
	}
	v, _ := op.result.Lookup(a.body)
	switch x := v.(type) {
	case map[string]any:
		by, _ := flawsOf(a.body, []map[string]any{x}, a.flaws)
		if err := c.checkText(ctx, op, jsonvalue.TextAt(x, e.key.String()), by[0]); err != nil {
			return nil, err
		}
		return x, nil
	case nil:
		return nil, fmt.Errorf("%s: %w", op.name, ErrNotFound)
	}
	return nil, fmt.Errorf("%s: entity %s: the record at %q is %s, not an object", op.name, e.name, op.result.String(), jsonvalue.Kind(v))
}

// Lookup finds the record whose key (the entity's key field) is key, with
// the entity's lookup operation; vars are further template variables, and
// "key" is set to key. The candidates are the records at the operation's
// records path (or result path, or the body): an array, one object or null.
// Candidates whose key field differs are dropped. No match is an error
// matching ErrNotFound; more than one is an error too.
func (c *Client) Lookup(ctx context.Context, entity, key string, vars transforms.Vars) (map[string]any, error) {
	e, err := c.entity(entity)
	if err != nil {
		return nil, c.seal(err)
	}
	obj, err := c.lookup(ctx, e, key, vars)
	return obj, c.seal(err)
}

func (c *Client) lookup(ctx context.Context, e *entity, key string, vars transforms.Vars) (map[string]any, error) {
	op, err := e.operation("lookup", e.lookup)
	if err != nil {
		return nil, err
	}
	a, err := c.read(ctx, op, Write{Key: key, Vars: vars}.vars())
	if err != nil {
		return nil, err
	}
	at := op.records
	if len(at) == 0 {
		at = op.result
	}
	candidates, err := records(at, a.body)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	hit, err := e.match(op, key, candidates)
	if err != nil {
		return nil, err
	}
	by, _ := flawsOf(a.body, []map[string]any{hit}, a.flaws)
	if err := c.checkText(ctx, op, key, by[0]); err != nil {
		return nil, err
	}
	return hit, nil
}

// match keeps the candidates whose key field is key.
func (e *entity) match(op *operation, key string, candidates []map[string]any) (map[string]any, error) {
	var hits []map[string]any
	for _, obj := range candidates {
		v, ok := e.key.Lookup(obj)
		if !ok {
			return nil, fmt.Errorf("%s: a record in the lookup response has no key field %q; check the entity's key", op.name, e.key.String())
		}
		if s, _ := jsonvalue.Text(v); s == key {
			hits = append(hits, obj)
		}
	}
	switch len(hits) {
	case 0:
		return nil, fmt.Errorf("%s: no record with key %q: %w", op.name, key, ErrNotFound)
	case 1:
		return hits[0], nil
	}
	return nil, fmt.Errorf("%s: %d records have key %q; the key must be unique", op.name, len(hits), key)
}

// read sends a request without body and returns the decoded response.
func (c *Client) read(ctx context.Context, op *operation, vars transforms.Vars) (*answer, error) {
	r, err := newRequest(op, c.out, vars)
	if err != nil {
		return nil, err
	}
	enc, err := r.encode()
	if err != nil {
		return nil, err
	}
	defer enc.release()
	return c.send(ctx, op, r, enc, nil)
}
