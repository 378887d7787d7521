package connectors

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// Write is one record to write.
type Write struct {
	// Key is the record's home key. It fills the template variable "key"
	// (unless Vars has one), the lookup that makes a failed create safe to
	// repeat, and the idempotency key.
	Key string
	// Body is the request body produced by the entity's write mapping; for
	// GraphQL it becomes the operation's variable. Nil sends no body.
	Body map[string]any
	// Vars are the template variables of the operation's parameters and
	// GraphQL variables (the record, ids of related records).
	Vars transforms.Vars
	// Hash identifies the payload (the hash the engine stores); with Key it
	// makes the idempotency key. Empty means the hash of the encoded body.
	Hash string
	// OnlyID says the caller needs no more of the answer than Result.ID:
	// the answer is still checked to be JSON, but the object written is
	// not decoded, and Result.Object stays nil. It saves time on large
	// pushes. GraphQL answers are always decoded, for their errors.
	OnlyID bool
}

// Result is what a write returned.
type Result struct {
	// ID is the system's id of the record: the value at the operation's
	// result path when that is a scalar, or the entity's id field of the
	// object there. Empty when the response carries none.
	ID string
	// Object is the written object, when the result path points at one.
	Object map[string]any
	// Value is the value at the result path (the whole body when the path
	// is empty); nil for an empty response.
	Value any
	// Existing is set when a create failed in a way that may have been
	// applied and the lookup then found the record: the record exists, and
	// Object is the lookup's.
	Existing bool
	// Gone is set when a delete found the record already gone (404, 410).
	Gone bool
	// Status is the HTTP status of the answer to the write, or of the
	// 404 or 410 of a record already gone; zero when no answer settled it
	// (a lost create that a lookup found).
	Status int
}

// vars returns the template variables with "key" set.
func (w Write) vars() transforms.Vars {
	if _, ok := w.Vars["key"]; ok || w.Key == "" {
		return w.Vars
	}
	v := make(transforms.Vars, len(w.Vars)+1)
	for k, x := range w.Vars {
		v[k] = x
	}
	v["key"] = w.Key
	return v
}

// Create creates a record. A create is repeated after a failure that may
// have been applied (a timeout, a 5xx) only when that is safe: the
// operation sends an idempotency key, or the entity has a lookup that
// finds no record with w.Key (when it finds one, Result.Existing is set).
// Otherwise the error wraps ErrMaybeWritten.
func (c *Client) Create(ctx context.Context, name string, w Write) (*Result, error) {
	e, op, err := c.writeOp(name, "create", func(e *entity) *operation { return e.create })
	if err != nil {
		return nil, c.seal(err)
	}
	var found map[string]any
	var guard retryGuard
	if e.lookup != nil && w.Key != "" {
		guard = func(ctx context.Context) (bool, error) {
			obj, err := c.lookup(ctx, e, w.Key, w.Vars)
			switch {
			case errors.Is(err, ErrNotFound):
				return true, nil
			case err != nil:
				return false, err
			}
			found = obj
			return false, nil
		}
	}
	res, err := c.write(ctx, e, op, w, guard)
	if errors.Is(err, errStopRetry) && found != nil {
		return e.objectResult(found, true), nil
	}
	return res, c.seal(err)
}

// Update updates a record; Vars usually carry the system's id.
func (c *Client) Update(ctx context.Context, name string, w Write) (*Result, error) {
	return c.idempotentWrite(ctx, name, "update", w, func(e *entity) *operation { return e.update })
}

// Upsert creates or updates the record with w.Key.
func (c *Client) Upsert(ctx context.Context, name string, w Write) (*Result, error) {
	return c.idempotentWrite(ctx, name, "upsert", w, func(e *entity) *operation { return e.upsert })
}

// Delete deletes (or detaches, by the spec's mode) a record. A record
// already gone (404, 410) is no error: Result.Gone is set.
func (c *Client) Delete(ctx context.Context, name string, w Write) (*Result, error) {
	return gone(c.idempotentWrite(ctx, name, "delete", w, func(e *entity) *operation { return e.delete }))
}

// Erase removes the record w names for good with the entity's erase
// operation, for erasing a person's data. A record already gone (404)
// counts as removed, with Result.Gone set.
func (c *Client) Erase(ctx context.Context, name string, w Write) (*Result, error) {
	return gone(c.idempotentWrite(ctx, name, "erase", w, func(e *entity) *operation { return e.erase }))
}

// gone turns the not-found error of a removal into its result: the
// record is gone either way.
func gone(res *Result, err error) (*Result, error) {
	if !errors.Is(err, ErrNotFound) {
		return res, err
	}
	out := &Result{Gone: true}
	var he *HTTPError
	if errors.As(err, &he) {
		out.Status = he.Status
	}
	return out, nil
}

func (c *Client) idempotentWrite(ctx context.Context, name, action string, w Write, pick func(*entity) *operation) (*Result, error) {
	e, op, err := c.writeOp(name, action, pick)
	if err != nil {
		return nil, c.seal(err)
	}
	res, err := c.write(ctx, e, op, w, nil)
	return res, c.seal(err)
}

func (c *Client) writeOp(name, action string, pick func(*entity) *operation) (*entity, *operation, error) {
	e, err := c.entity(name)
	if err != nil {
		return nil, nil, err
	}
	op, err := e.operation(action, pick(e))
	return e, op, err
}

// write sends one write and reads its result.
func (c *Client) write(ctx context.Context, e *entity, op *operation, w Write, guard retryGuard) (*Result, error) {
	r, err := newRequest(op, c.out, w.vars())
	if err != nil {
		return nil, err
	}
	if err := r.setBody(w.Body); err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	enc, err := r.encode()
	if err != nil {
		return nil, err
	}
	defer enc.release()
	if h := op.spec.IdempotencyKey; h != "" {
		enc.header.Set(h, idempotencyKey(c.system, e.name, w, enc.bodyBytes()))
	}
	if w.OnlyID && op.graphql == nil {
		return c.writeForID(ctx, e, op, w, r, enc, guard)
	}
	a, err := c.send(ctx, op, r, enc, guard)
	if err != nil {
		return nil, err
	}
	if err := c.checkText(ctx, op, w.Key, a.flaws); err != nil {
		return nil, err
	}
	res := e.result(ctx, c, op, a.body)
	res.Status = a.status
	return res, nil
}

// writeForID sends a write and takes only the id out of its answer.
func (c *Client) writeForID(ctx context.Context, e *entity, op *operation, w Write, r *request, enc *encoded, guard retryGuard) (*Result, error) {
	resp, err := c.checkedExchange(ctx, op, r, enc, guard)
	if err != nil {
		return nil, err
	}
	defer resp.release()
	res, flaw, err := c.idOf(ctx, e, op, resp)
	if err != nil {
		return nil, err
	}
	if err := c.checkText(ctx, op, w.Key, flaw); err != nil {
		return nil, err
	}
	res.Status = resp.status
	return res, nil
}

// idOf takes the id out of a write's answer; flaws are those of the id,
// at the pointer of the id in the answer.
func (c *Client) idOf(ctx context.Context, e *entity, op *operation, resp *response) (*Result, []jsonvalue.Flaw, error) {
	body := bytes.TrimSpace(resp.body())
	if len(body) == 0 {
		return e.result(ctx, c, op, nil), nil, nil
	}
	if len(op.result) == 0 && body[0] == '{' {
		// The answer is the object: one pass takes its id out.
		raw, found, err := jsonvalue.FindRaw(body, e.id)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: the response is not JSON: %w", op.name, err)
		}
		res, flaws := idResult(raw, found, e.id)
		return res, flaws, nil
	}
	raw, found, err := jsonvalue.FindRaw(body, op.result)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: the response is not JSON: %w", op.name, err)
	}
	if !found {
		return c.noResult(ctx, op), nil, nil
	}
	if raw[0] != '{' {
		v, flaws, _ := jsonvalue.DecodeChecked(raw) // FindRaw checked it
		return scalarResult(v), at(op.result, flaws), nil
	}
	raw, found, _ = jsonvalue.FindRaw(raw, e.id)
	res, flaws := idResult(raw, found, e.id)
	return res, at(op.result, flaws), nil
}

// idResult is the result of the id found (or not) at path p in a written
// object, with the flaws of its text.
func idResult(raw []byte, found bool, p jsonvalue.Path) (*Result, []jsonvalue.Flaw) {
	if !found {
		return &Result{}, nil
	}
	if n := len(raw); n >= 2 && raw[0] == '"' && bytes.IndexByte(raw, '\\') < 0 && utf8.Valid(raw) && bytes.IndexByte(raw, 0) < 0 {
		return &Result{ID: string(raw[1 : n-1])}, nil // a string as it is, no escapes to undo
	}
	v, flaws, _ := jsonvalue.DecodeChecked(raw) // FindRaw checked it
	id, _ := jsonvalue.Text(v)
	return &Result{ID: id}, at(p, flaws)
}

// at puts the pointer of path p in front of the flaws' pointers.
func at(p jsonvalue.Path, flaws []jsonvalue.Flaw) []jsonvalue.Flaw {
	if len(flaws) == 0 {
		return nil
	}
	var prefix strings.Builder
	for _, step := range p {
		prefix.WriteString("/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(step))
	}
	out := make([]jsonvalue.Flaw, len(flaws))
	for i, f := range flaws {
		out[i] = jsonvalue.Flaw{Pointer: prefix.String() + f.Pointer, Kind: f.Kind}
	}
	return out
}

// setBody puts the mapped body into the request: the GraphQL variable, or
// the JSON body.
func (r *request) setBody(body map[string]any) error {
	if body == nil {
		return nil
	}
	if r.op.graphql != nil {
		return r.op.graphql.setInput(r.vars, body)
	}
	r.body = body
	return nil
}

// idempotencyKey derives a stable key from the record and its payload, so
// that a repeated create carries the same key and a changed payload a new
// one.
func idempotencyKey(system, entity string, w Write, body []byte) string {
	h := sha256.New()
	for _, s := range []string{system, entity, w.Key} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	if w.Hash != "" {
		h.Write([]byte(w.Hash))
	} else {
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// result reads a write's result at the operation's result path. A missing
// result is logged, not returned as an error: the write itself succeeded.
func (e *entity) result(ctx context.Context, c *Client, op *operation, body any) *Result {
	v, ok := op.result.Lookup(body)
	if !ok {
		return c.noResult(ctx, op)
	}
	if obj, isObj := v.(map[string]any); isObj {
		return e.objectResult(obj, false)
	}
	return scalarResult(v)
}

// noResult is the result of a write whose answer has nothing at the result
// path. It is logged, not returned as an error: the write itself
// succeeded.
func (c *Client) noResult(ctx context.Context, op *operation) *Result {
	c.log.WarnContext(ctx, "the write response has no result at the result path", "operation", op.name, "path", op.result.String())
	return &Result{}
}

// scalarResult is the result of a write whose result path holds the id
// itself, not an object.
func scalarResult(v any) *Result {
	id, _ := jsonvalue.Text(v)
	return &Result{ID: id, Value: v}
}

func (e *entity) objectResult(obj map[string]any, existing bool) *Result {
	res := &Result{Object: obj, Value: obj, Existing: existing}
	if v, ok := e.id.Lookup(obj); ok {
		res.ID, _ = jsonvalue.Text(v)
	}
	return res
}
