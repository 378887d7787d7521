package transforms

import (
	"encoding/json"
	"time"

	"github.com/shopspring/decimal"
)

// pongo2Keywords cannot start a variable path the chain resolves: pongo2
// reads them as keywords, and pongo2 itself names its own metadata.
var pongo2Keywords = map[string]bool{
	"in": true, "and": true, "or": true, "not": true, "true": true,
	"false": true, "as": true, "export": true, "nil": true, "pongo2": true,
}

// lookup resolves a variable path through nested JSON objects the way
// pongo2 does: a missing key or null gives nil. It answers false when the
// path meets anything else (a method, a struct, a text), which pongo2 then
// resolves itself, so both ways give the same result.
func lookup(vars Vars, path []string) (any, bool) {
	cur, ok := vars[path[0]]
	if !ok {
		return nil, true
	}
	for _, p := range path[1:] {
		switch m := cur.(type) {
		case nil:
			return nil, true
		case map[string]any:
			cur = m[p]
		case Vars:
			cur = m[p]
		default:
			return nil, false
		}
	}
	switch cur.(type) {
	case nil, string, bool, json.Number, float64, int, int64, decimal.Decimal, time.Time, []any, map[string]any:
		return cur, true
	}
	return nil, false
}
