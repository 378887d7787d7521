package standins

import (
	"fmt"
	"regexp"
	"time"
)

// resolver is the root resolver of the EverReal schema.
type resolver struct{ e *EverReal }

// Input types of the schema; nullable fields are pointers.
type (
	queryInput struct {
		Paging *pagingInput
		Filter *queryFilter
	}
	pagingInput struct {
		Skip, Take *int32
	}
	queryFilter struct {
		UpdatedAfter *string
	}
	metaInput struct {
		Source string
	}
	addressInput struct {
		Street, Number, Zip, City, Country *string
	}
	bankAccountInput struct {
		AccountHolder, IBAN, BIC *string
	}
	customFieldValueInput struct {
		Key   string
		Value *string
	}
)

// Largest and default page size of the list queries.
const (
	maxTake     = 500
	defaultTake = 100
)

// decodeQuery checks paging and filter of a list query.
func decodeQuery(in *queryInput) (listQuery, error) {
	q := listQuery{take: defaultTake}
	if in == nil {
		return q, nil
	}
	if p := in.Paging; p != nil {
		if p.Skip != nil {
			q.skip = int(*p.Skip)
		}
		if p.Take != nil {
			q.take = int(*p.Take)
		}
	}
	if q.skip < 0 || q.take < 1 || q.take > maxTake {
		return q, inputErr("input.paging", "skip must be 0 or more and take between 1 and %d (got skip %d, take %d)", maxTake, q.skip, q.take)
	}
	if f := in.Filter; f != nil && f.UpdatedAfter != nil && *f.UpdatedAfter != "" {
		t, err := time.Parse(time.RFC3339, *f.UpdatedAfter)
		if err != nil {
			return q, inputErr("input.filter.updatedAfter", "%q is not an RFC 3339 instant with zone", *f.UpdatedAfter)
		}
		q.after = t
	}
	return q, nil
}

// inputError is a refused input; GraphQL shows it with the code
// BAD_USER_INPUT and the field.
type inputError struct {
	field, msg string
}

func (e *inputError) Error() string { return e.field + ": " + e.msg }

// Extensions adds the error code and field to the GraphQL error.
func (e *inputError) Extensions() map[string]any {
	return map[string]any{"code": "BAD_USER_INPUT", "field": e.field}
}

func inputErr(field, format string, args ...any) error {
	return &inputError{field: field, msg: fmt.Sprintf(format, args...)}
}

var (
	numeric  = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
	isoDate  = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`)
	germDate = regexp.MustCompile(`^[0-9]{2}\.[0-9]{2}\.[0-9]{4}$`)
)

// checker collects the first problem of an input's values.
type checker struct {
	prefix string
	err    error
}

// number checks numeric text such as "123456.34"; empty passes.
func (c *checker) number(field string, v *string) string {
	s := deref(v)
	if s != "" && !numeric.MatchString(s) && c.err == nil {
		c.err = inputErr(c.prefix+field, "%q is not numeric; write it like \"123456.34\"", s)
	}
	return s
}

// date checks a date as YYYY-MM-DD or DD.MM.YYYY that exists; empty
// passes.
func (c *checker) date(field string, v *string) string {
	s := deref(v)
	if s == "" || c.err != nil {
		return s
	}
	layout := ""
	switch {
	case isoDate.MatchString(s):
		layout = "2006-01-02"
	case germDate.MatchString(s):
		layout = "02.01.2006"
	}
	if _, err := time.Parse(layout, s); layout == "" || err != nil {
		c.err = inputErr(c.prefix+field, "%q is not a date; write YYYY-MM-DD or DD.MM.YYYY", s)
	}
	return s
}

// required checks that a value is not empty.
func (c *checker) required(field, v string) string {
	if v == "" && c.err == nil {
		c.err = inputErr(c.prefix+field, "must not be empty")
	}
	return v
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

func addressOf(in *addressInput) *Address {
	if in == nil {
		return &Address{}
	}
	return &Address{Street: deref(in.Street), Number: deref(in.Number), Zip: deref(in.Zip), City: deref(in.City), Country: deref(in.Country)}
}

// upsert writes rec as the record with EverReal id id or, failing that,
// the owned record with external id ext: an update when there is one, a
// create otherwise. It is called with the lock held.
func upsert[T any, P entrier[T]](e *EverReal, t *table[T], mutation, id, ext string, rec *T) (*T, error) {
	cur := t.find(id, ext)
	if id != "" && cur == nil {
		return nil, inputErr("id", "no record has the EverReal id %q; leave id out to create one", id)
	}
	now := e.opts.Now()
	en := P(rec).entry()
	if cur != nil {
		old := P(cur).entry()
		en.ID, en.CreatedAt = old.ID, old.CreatedAt
		e.stats.Updates++
	} else {
		en.ID, en.CreatedAt = e.newIDLocked(), now.UTC().Format(time.RFC3339)
		e.stats.Creates++
	}
	en.Integration, en.updated, en.UpdatedAt = true, now, now.UTC().Format(time.RFC3339Nano)
	t.put(en.ID, rec, true)
	e.stats.ByMutation[mutation]++
	c := *rec
	return &c, nil
}

// detach ends the integration's ownership of the record with external id
// ext. It is called with the lock held.
func detach[T any, P entrier[T]](e *EverReal, t *table[T], mutation, kind, ext string) *AsyncEventResponse {
	rec := t.byExternal(ext)
	if rec == nil {
		return asyncResponse(404, fmt.Sprintf("no %s of this integration has the external id %q", kind, ext))
	}
	en := P(rec).entry()
	en.Integration, en.updated = false, e.opts.Now()
	en.UpdatedAt = en.updated.UTC().Format(time.RFC3339Nano)
	t.put(en.ID, rec, false)
	e.stats.Detaches++
	e.stats.ByMutation[mutation]++
	return asyncResponse(200, fmt.Sprintf("%s %q detached from the integration; it stays in EverReal and can be edited there", kind, ext))
}

func asyncResponse(code int32, msg string) *AsyncEventResponse {
	return &AsyncEventResponse{StatusCode: &code, Message: &msg}
}

// newIDLocked is newID for callers that hold the lock.
func (e *EverReal) newIDLocked() string {
	var b [16]byte
	for i := range 2 {
		v := e.rng.Uint64()
		for j := range 8 {
			b[i*8+j] = byte(v >> (8 * j))
		}
	}
	return formatUUID(b)
}
