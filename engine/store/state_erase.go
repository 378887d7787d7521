package store

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine/instance"
)

// Trace is what the state keeps of one record in one direction, as
// Traces finds it and Erase removes it.
type Trace struct {
	Direction instance.Direction
	// PartnerID is the record's id at the destination; empty when the
	// state knows none.
	PartnerID string
	// Written says the state holds the hash of a payload written, with
	// its memo; Echo that it holds an echo hash; Intent that it holds a
	// create intent.
	Written, Echo, Intent bool
}

// Empty reports whether the state keeps nothing of the record.
func (t Trace) Empty() bool { return !t.Written && !t.Echo && !t.Intent && t.PartnerID == "" }

// Traces returns what the state keeps of home key in each direction of
// entity, in one round trip: the traces Erase removes.
func (s *State) Traces(ctx context.Context, entity, homeKey string) ([]Trace, error) {
	dirs := instance.Directions()
	pipe := s.rdb.Pipeline()
	type reads struct{ written, echo, intent *redis.StringSliceCmd }
	cmds := make([]reads, len(dirs))
	field := []any{homeKey}
	for i, dir := range dirs {
		cmds[i] = reads{
			written: hmget(ctx, pipe, s.keys.Written(s.instance, string(dir), entity), field),
			echo:    hmget(ctx, pipe, s.keys.Echo(s.instance, string(dir), entity), field),
			intent:  hmget(ctx, pipe, s.keys.Intents(s.instance, string(dir), entity), field),
		}
	}
	if _, err := pipe.Exec(ctx); err != nil {
		return nil, s.errorf(err, "read traces", dirs[0], entity)
	}
	out := make([]Trace, 0, len(dirs))
	for i, dir := range dirs {
		v := cmds[i].written.Val()[0]
		w, err := parseWritten(v)
		if err != nil {
			return nil, s.formatError(err, v, dir, entity, homeKey)
		}
		out = append(out, Trace{Direction: dir, PartnerID: w.id, Written: v != "",
			Echo: cmds[i].echo.Val()[0] != "", Intent: cmds[i].intent.Val()[0] != ""})
	}
	return out, nil
}

// Erase removes every trace of home key of entity from the state, in both
// directions, in one transaction: the written value with its memo, the
// partner id's entry in the id map, the echo hash and the create intent.
// traces are the record's traces as Traces returned them, for the partner
// ids to remove; an id the map gives another key is left alone.
func (s *State) Erase(ctx context.Context, entity, homeKey string, traces []Trace) error {
	if homeKey == "" {
		return s.errorf(errEmptyKey, "erase", instance.Push, entity)
	}
	_, err := s.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		for _, dir := range instance.Directions() {
			d := string(dir)
			p.HDel(ctx, s.keys.Written(s.instance, d, entity), homeKey)
			p.HDel(ctx, s.keys.Echo(s.instance, d, entity), homeKey)
			p.HDel(ctx, s.keys.Intents(s.instance, d, entity), homeKey)
			// The id map may name the record by its partner id or, for a
			// partner whose id is the key, by the key itself.
			for _, id := range idsOf(traces, dir, homeKey) {
				unmapScript.Eval(ctx, p, []string{s.keys.IDReverse(s.instance, d, entity)}, id, homeKey)
			}
		}
		return nil
	})
	if err != nil {
		return s.errorf(err, "erase", instance.Push, entity)
	}
	return nil
}

// idsOf lists the partner ids under which the id map of dir may hold
// homeKey.
func idsOf(traces []Trace, dir instance.Direction, homeKey string) []string {
	ids := []string{homeKey}
	for _, t := range traces {
		if t.Direction == dir && t.PartnerID != "" && t.PartnerID != homeKey {
			ids = append(ids, t.PartnerID)
		}
	}
	return ids
}

// unmapScript removes the id map's entry of a partner id only when it
// names the home key being erased.
var unmapScript = redis.NewScript(`
if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
  return redis.call('HDEL', KEYS[1], ARGV[1])
end
return 0`)
