package specs

import (
	"encoding/json"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonptr"
)

// PluginCheck is what a plug-in config's Check reports through: findings
// at its own keys, located in the spec's file. For a paging style it
// stands for one entity's list operation; a style used by several
// entities is checked once per entity.
type PluginCheck struct {
	c       *specCheck
	pointer string
	list    *Operation    // the paged list operation; nil for auth
	ref     *OperationRef // the list's operation in the document
}

// Operation checks that an operation with operationId id exists; key is
// the config key holding it.
func (k *PluginCheck) Operation(key, id string) {
	k.c.resolveOperation(id, jsonptr.Join(k.pointer, key))
}

// ListParam checks a request parameter that a paging style fills, held by
// key: a parameter of the list operation or, when the list is a GraphQL
// query, a dotted variable path the query declares. The parameter counts
// as filled: validation asks no template for it. Empty names and checks
// outside a paged list are skipped.
func (k *PluginCheck) ListParam(key, name string) {
	if name != "" && k.ref != nil {
		k.c.listParams[k.list] = append(k.c.listParams[k.list], name)
		k.c.checkListParam(k.list, k.ref, name, jsonptr.Join(k.pointer, key))
	}
}

// ResponsePath checks a dotted path into the list response, held by key.
func (k *PluginCheck) ResponsePath(key, path string) {
	if k.ref != nil {
		k.c.checkResponsePath(responseSchema(k.ref.Operation), path, jsonptr.Join(k.pointer, key), k.ref)
	}
}

// Errorf reports an error finding at key with a hint.
func (k *PluginCheck) Errorf(key, code, hint, format string, args ...any) {
	k.c.r.errorHint(code, jsonptr.Join(k.pointer, key), hint, format, args...)
}

// decodePlugin looks up the plug-in typ of kind written at p and strictly
// decodes its config there, once per pointer. Without a registry, or for
// an unknown type (reported with the closest names), ok is false.
func (c *specCheck) decodePlugin(kind PluginKind, typ string, config json.RawMessage, p string) (cfg any, ok bool) {
	if cfg, done := c.plugins[p]; done {
		return cfg, cfg != nil
	}
	c.plugins[p] = nil
	if c.registry == nil || typ == "" {
		return nil, false
	}
	pl, known := c.registry.Lookup(kind, typ)
	if !known {
		c.r.errorHint(CodeUnknownType, jsonptr.Join(p, "type"), didYouMean(typ, c.registry.Names(kind), fmt.Sprintf("%ss", kind.noun())),
			"%q is not a known %s", typ, kind.noun())
		return nil, false
	}
	cfg = pl.Config()
	var n yaml.Node
	if len(config) > 0 && yaml.Unmarshal(config, &n) == nil && len(n.Content) == 1 {
		decodeStrict(n.Content[0], p, cfg, c.r)
	}
	c.plugins[p] = cfg
	return cfg, true
}

// checkPlugin runs the config's own checks, when it has any.
func (c *specCheck) checkPlugin(cfg any, k *PluginCheck) {
	if ch, ok := cfg.(PluginChecker); ok {
		ch.Check(k)
	}
}
