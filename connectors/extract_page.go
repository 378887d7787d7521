package connectors

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// span is the place of a value in a response body, in bytes.
type span struct{ start, end int }

// pageLayout is where a list response keeps its records: the span of each
// record, and the arrays holding them (cut from the envelope). A list
// response is read in two steps: one pass over the body checks it is JSON
// and notes the layout without decoding the records, then the records are
// decoded a part at a time as the listing hands them over, so that memory
// follows the records in flight rather than the whole decoded page.
type pageLayout struct {
	records []span
	cuts    []span
	// err is why the records path does not fit the body (a missing key, a
	// value that is not an object), as records reports it.
	err error
}

// scanPage notes the layout of the records at p in body, by the rules of
// records: a step that is not a number meets an array and applies to
// each element, null gives no records, a missing key is an error. Only
// an error of syntax is returned; a records path that does not fit is the
// layout's err.
func scanPage(p jsonvalue.Path, body string) (*pageLayout, error) {
	l := &pageLayout{}
	if strings.TrimSpace(body) == "" {
		return l, nil
	}
	w := &pageWalk{p: p, r: jsonvalue.NewReader(body), l: l}
	if err := w.collect(0, false); err != nil {
		return nil, err
	}
	if err := w.r.End(); err != nil {
		return nil, err
	}
	return l, nil
}

// pageWalk is one scanPage.
type pageWalk struct {
	p jsonvalue.Path
	r *jsonvalue.Reader
	l *pageLayout
}

// collect notes the records at p[i:] in the value at the reader; inCut is
// true inside an array already cut.
func (w *pageWalk) collect(i int, inCut bool) error {
	v, ok := w.r.Peek()
	if !ok {
		return w.r.Skip() // the syntax error
	}
	if i == len(w.p) {
		return w.objects(v, inCut)
	}
	step := w.p[i]
	switch v.(type) {
	case []any:
		if !isIndex(step) {
			return w.cut(inCut, func() error {
				return w.r.Elements(func(int) error { return w.collect(i, true) })
			})
		}
		index, _ := strconv.Atoi(step)
		found := false
		err := w.r.Elements(func(k int) error {
			if k != index {
				return w.r.Skip()
			}
			found = true
			return w.collect(i+1, inCut)
		})
		if err == nil && !found {
			w.missing(i)
		}
		return err
	case map[string]any:
		found := false
		var mark pageLayout
		err := w.r.Members(func(key string) error {
			if key != step {
				return w.r.Skip()
			}
			// A repeated member counts with its last value, as in Decode.
			if found {
				w.l.records, w.l.cuts, w.l.err = w.l.records[:len(mark.records)], w.l.cuts[:len(mark.cuts)], mark.err
			}
			found, mark = true, *w.l
			return w.collect(i+1, inCut)
		})
		if err == nil && !found {
			w.missing(i)
		}
		return err
	case nil:
		return w.r.Skip() // null on the way: no records
	}
	w.missing(i)
	return w.r.Skip()
}

// objects notes the records of the value at the end of the path: an
// array of objects, one object (a projected element), or null.
func (w *pageWalk) objects(v any, inCut bool) error {
	switch v.(type) {
	case nil:
		return w.r.Skip()
	case map[string]any:
		return w.record()
	case []any:
		return w.cut(inCut, func() error {
			return w.r.Elements(func(k int) error {
				if el, _ := w.r.Peek(); !isObject(el) {
					w.fail(fmt.Errorf("element %d at %q is %s, not an object", k, w.p.String(), jsonvalue.Kind(el)))
					return w.r.Skip()
				}
				return w.record()
			})
		})
	}
	w.fail(fmt.Errorf("the value at %q is %s, not an array of objects", w.p.String(), jsonvalue.Kind(v)))
	return w.r.Skip()
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

// record notes the object at the reader as a record.
func (w *pageWalk) record() error {
	start := w.r.Offset()
	if err := w.r.Skip(); err != nil {
		return err
	}
	w.l.records = append(w.l.records, span{start, w.r.Offset()})
	return nil
}

// cut reads the array at the reader with read and, unless it lies in an
// array already cut, notes it as cut from the envelope.
func (w *pageWalk) cut(inCut bool, read func() error) error {
	start := w.r.Offset()
	if err := read(); err != nil {
		return err
	}
	if !inCut {
		w.l.cuts = append(w.l.cuts, span{start, w.r.Offset()})
	}
	return nil
}

// missing notes that step i of the path is not in the value at p[:i].
func (w *pageWalk) missing(i int) {
	w.fail(fmt.Errorf("the response has no %q at %q", w.p[i], w.p[:i].String()))
}

// fail keeps the first misfit of the path, as records stops at it.
func (w *pageWalk) fail(err error) {
	if w.l.err == nil {
		w.l.err = err
	}
}

// envelope is body without the arrays holding the records, each left as
// an empty array: what is left for paging, stop rules and GraphQL errors.
func (l *pageLayout) envelope(body string) string {
	var b strings.Builder
	at := 0
	for _, c := range l.cuts {
		b.WriteString(body[at:c.start])
		b.WriteString("[]")
		at = c.end
	}
	b.WriteString(body[at:])
	return b.String()
}

// decodeRecords decodes the records of spans from body. Each record is
// decoded from a copy of its own bytes, so that it keeps no more than
// itself alive, never the body.
func decodeRecords(body string, spans []span) ([]map[string]any, map[int][]jsonvalue.Flaw, error) {
	if len(spans) == 0 {
		return nil, nil, nil
	}
	out := make([]map[string]any, 0, len(spans))
	var flawed map[int][]jsonvalue.Flaw
	for i, s := range spans {
		v, flaws, err := jsonvalue.DecodeStringChecked(strings.Clone(body[s.start:s.end]))
		obj, ok := v.(map[string]any)
		if err != nil || !ok { // scanPage checked the body: not expected
			return nil, nil, fmt.Errorf("the record at byte %d cannot be decoded: %v", s.start, err)
		}
		if len(flaws) > 0 {
			if flawed == nil {
				flawed = map[int][]jsonvalue.Flaw{}
			}
			flawed[i] = flaws
		}
		out = append(out, obj)
	}
	return out, flawed, nil
}

// listResponse is a list response read in two steps (see pageLayout).
type listResponse struct {
	header   http.Header
	body     string
	layout   *pageLayout
	envelope any
	check    *pageCheck // nil: the records are not validated one by one
	next     int        // the first record not yet handed over
	done     bool       // the listing ends with this page
}

// sendList validates and sends a list request, notes the layout of the
// records in the response and decodes the rest of it (the envelope),
// validates the envelope and checks a GraphQL error array. The records
// are decoded later, a part at a time (decodeRecords).
func (c *Client) sendList(ctx context.Context, op *operation, r *request, enc *encoded) (*listResponse, error) {
	if err := c.valid.request(ctx, op, r, enc); err != nil {
		return nil, err
	}
	enc.text = true
	resp, err := c.exchange(ctx, op, enc, nil)
	if err != nil {
		return nil, err
	}
	layout, serr := scanPage(op.records, resp.text)
	var envelope string
	if serr == nil {
		envelope = layout.envelope(resp.text)
	}
	check, err := c.valid.page(ctx, op, r, enc, resp, layout, envelope)
	if err != nil {
		return nil, err
	}
	if serr != nil {
		return nil, fmt.Errorf("%s: the response is not JSON: %w", op.name, serr)
	}
	out := &listResponse{header: resp.header, body: resp.text, layout: layout, check: check}
	if strings.TrimSpace(envelope) != "" {
		if out.envelope, err = jsonvalue.DecodeString(envelope); err != nil {
			return nil, fmt.Errorf("%s: the response is not JSON: %w", op.name, err) // scanPage checked it: not expected
		}
	}
	if op.graphql != nil {
		if err := graphqlErrors(op.name, c.gqlErrors, out.envelope); err != nil {
			return nil, err
		}
	}
	return out, nil
}
