package connectors

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

// entity is a spec entity with its operations compiled.
type entity struct {
	name     string
	spec     *specs.Entity
	list     *operation
	get      *operation
	lookup   *operation
	create   *operation
	update   *operation
	upsert   *operation
	delete   *operation
	erase    *operation
	paging   *specs.Pagination
	newPager func() (Paginator, error) // the style's New with its config

	incremental *incremental
	key         jsonvalue.Path
	id          jsonvalue.Path
}

// incremental is specs.Incremental with its defaults applied.
type incremental struct {
	param    string
	field    jsonvalue.Path
	format   specs.TimeFormat
	lookback time.Duration
}

const defaultLookback = 5 * time.Minute

func (c *Client) initEntities() error {
	c.entities = map[string]*entity{}
	names := slices.Sorted(maps.Keys(c.spec.Sync.Entities))
	for _, n := range names {
		e, err := c.compileEntity(n, c.spec.Sync.Entities[n])
		if err != nil {
			return fmt.Errorf("entities.%s: %w", n, err)
		}
		c.entities[n] = e
	}
	return nil
}

func (c *Client) compileEntity(name string, s *specs.Entity) (*entity, error) {
	if s == nil {
		return nil, fmt.Errorf("the entity is null")
	}
	e := &entity{name: name, spec: s, key: jsonvalue.ParsePath(s.Key), id: jsonvalue.ParsePath(s.ID)}
	if len(e.id) == 0 {
		e.id = e.key
	}
	ops := []struct {
		action     string
		spec       *specs.Operation
		dst        **operation
		idempotent bool
	}{
		{"list", s.List, &e.list, true}, {"get", s.Get, &e.get, true}, {"lookup", s.Lookup, &e.lookup, true},
		{"create", s.Create, &e.create, false}, {"update", s.Update, &e.update, true},
		{"upsert", s.Upsert, &e.upsert, true}, {"delete", s.Delete, &e.delete, true},
		{"erase", s.Erase, &e.erase, true},
	}
	for _, o := range ops {
		if o.spec == nil {
			continue
		}
		op, err := c.compileOperation(name+"."+o.action, o.spec, o.idempotent)
		if err != nil {
			return nil, err
		}
		*o.dst = op
	}
	if err := c.compilePaging(e); err != nil {
		return nil, err
	}
	e.incremental = compileIncremental(s.Incremental)
	return e, nil
}

// compilePaging picks the entity's pagination (its own, else the spec's)
// and checks it by building one paginator.
func (c *Client) compilePaging(e *entity) error {
	e.paging = e.spec.Pagination
	if e.paging == nil {
		e.paging = c.spec.Sync.Pagination
	}
	if e.paging == nil || e.list == nil {
		return nil
	}
	m, cfg, err := c.cfg.Paginators.choose(e.paging)
	if err != nil {
		return fmt.Errorf("pagination: %w", err)
	}
	if _, err := m.New(cfg); err != nil {
		return fmt.Errorf("pagination.%s: %w", m.Name, err)
	}
	e.newPager = func() (Paginator, error) { return m.New(cfg) }
	return nil
}

func compileIncremental(s *specs.Incremental) *incremental {
	if s == nil {
		return nil
	}
	inc := &incremental{param: s.Param, field: jsonvalue.ParsePath(s.Field), format: s.Format, lookback: s.Lookback.Std()}
	if inc.lookback == 0 {
		inc.lookback = defaultLookback
	}
	return inc
}

// entity returns the named entity, or an error listing the known ones.
func (c *Client) entity(name string) (*entity, error) {
	e, ok := c.entities[name]
	if !ok {
		return nil, fmt.Errorf("the spec %s has no entity %q; it has %v", c.label(), name, c.Entities())
	}
	return e, nil
}

// operation returns one of e's operations, or an error saying the spec
// does not define it.
func (e *entity) operation(action string, op *operation) (*operation, error) {
	if op == nil {
		return nil, fmt.Errorf("entity %s has no %s operation in the spec", e.name, action)
	}
	return op, nil
}
