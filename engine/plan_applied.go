package engine

import (
	"context"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// PlanApplied is Plan of a stored instance, with the specs and model it
// was applied with and the built-in plug-ins.
func (e *Engine) PlanApplied(ctx context.Context, st *instance.InstanceStore, inst *instance.Instance, opts RunOptions) (*Plan, error) {
	l, _, err := OpenApplied(ctx, st, inst, specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil {
		return nil, err
	}
	return e.Plan(ctx, l, opts)
}
