package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
)

func newPlanCmd() *cobra.Command {
	var sf stateFlags
	var rf runFlags
	var detail bool
	var output outputFormat
	var limit int
	cmd := &cobra.Command{
		Use:   "plan INSTANCE",
		Short: "Show what a sync would do now, per entity and record, writing nothing",
		Long: `plan reads both systems and the instance's state and shows what a sync would
do: creates, updates and deletes per entity, denied actions, conflicts and
records that would fail. With --detail it lists each record with the fields
it would add, change or remove and their new values (personal fields masked;
old values are not kept, only a fingerprint of each field).

plan writes nothing: not to the systems, and not to the state, cursors,
failure ledger or audit log. Like every run, it uses the specs and model
as the instance was last applied, not the files on disk.

Exit status: 0 the plan is complete, 3 a listing failed (the plan shows
what it could read, and its warnings say which listing failed and why),
1 the plan could not be made, 2 usage or setup errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts, err := rf.options()
			if err != nil {
				return err
			}
			opts.PlanRecords = limit
			eng, loaded, closeAll, err := sf.engineFor(cmd, args[0])
			if err != nil {
				return err
			}
			defer closeAll()
			plan, err := eng.Plan(cmd.Context(), loaded, opts)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if output.json() {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(plan); err != nil {
					return err
				}
			} else {
				plan.Table(cmd.OutOrStdout(), detail)
			}
			if failed := plan.FailedListings(); len(failed) > 0 {
				return &exitError{code: engine.ExitPartial, err: fmt.Errorf("the listing of %s failed; the plan shows only what it could read", strings.Join(failed, ", "))}
			}
			return nil
		},
	}
	sf.add(cmd.Flags())
	rf.add(cmd)
	cmd.Flags().BoolVar(&detail, "detail", false, "list each record with its field changes")
	addOutputFlag(cmd.Flags(), &output, true)
	cmd.Flags().IntVar(&limit, "limit", 1000, "most records to list")
	return cmd
}
