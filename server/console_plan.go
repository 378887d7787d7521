package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/stored"
)

// planRecords caps the records a plan made from the console lists.
const planRecords = 200

// planFormat marks the stored last plan with the version of its format.
const planFormat stored.Version = "v1"

// lastPlan is the last plan made of an instance from the console: when,
// by whom, and what it found or why it could not be made.
type lastPlan struct {
	At    time.Time    `json:"at"`
	By    string       `json:"by"`
	Error string       `json:"error,omitempty"`
	Plan  *engine.Plan `json:"plan,omitempty"`
}

// makePlan plans a run of inst, writing nothing to the systems, and keeps
// the plan as the instance's last one, with who asked.
func (s *Server) makePlan(ctx context.Context, p Principal, inst *instance.Instance, full bool) (*lastPlan, error) {
	plan, err := s.cfg.Engine.PlanApplied(ctx, s.store, inst, engine.RunOptions{Full: full, PlanRecords: planRecords})
	lp := &lastPlan{At: s.cfg.Clock.Now(), By: p.Name, Plan: plan}
	if err != nil {
		lp.Error = err.Error()
	}
	data, merr := json.Marshal(lp)
	if merr != nil {
		return lp, fmt.Errorf("plan of %q: encode: %w", inst.ID, merr)
	}
	if serr := s.cfg.Redis.Set(ctx, s.cfg.Keys.LastPlan(inst.ID), planFormat.Mark(string(data)), 0).Err(); serr != nil {
		return lp, fmt.Errorf("plan of %q: store: %w", inst.ID, serr)
	}
	return lp, err
}

// lastPlanOf reads the last plan of instance id, or nil.
func (s *Server) lastPlanOf(ctx context.Context, id string) (*lastPlan, error) {
	val, err := s.cfg.Redis.Get(ctx, s.cfg.Keys.LastPlan(id)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("last plan of %q: %w", id, err)
	}
	data, ok := planFormat.Open(val)
	if !ok {
		return nil, nil // of another version: the next plan replaces it
	}
	var lp lastPlan
	if err := json.Unmarshal([]byte(data), &lp); err != nil {
		return nil, stored.Damaged(fmt.Sprintf("last plan of %q", id), err)
	}
	return &lp, nil
}

// summaryCounts are an entity summary's counts by outcome, as a run
// record keeps them.
func summaryCounts(e *engine.EntitySummary) map[string]int64 {
	return map[string]int64{"read": e.Read, "created": e.Created, "updated": e.Updated, "deleted": e.Deleted,
		"skipped": e.Skipped, "denied": e.Denied, "failed": e.Failed, "conflicts": e.Conflicts, "guarded": e.Guarded,
		"divergent": e.Divergent, "adopted": e.Adopted, "drift": e.Drift, "repaired": e.Repaired}
}
