package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// auditFlags are the filters of the audit command.
type auditFlags struct {
	failed          bool
	entity, key     string
	since, run, dir string
	outcome         string
	limit           int
	output          outputFormat
}

func newAuditCmd() *cobra.Command {
	var sf stateFlags
	var af auditFlags
	cmd := &cobra.Command{
		Use:   "audit INSTANCE",
		Short: "Show an instance's audit log, newest first",
		Long: `audit prints the actions runs tried on records: writes, failures, denied
actions, conflicts and deletes the delete guard held back (one entry per
entity and run, outcome "guarded"; --outcome guarded lists them), records
found at the partner and taken over instead of created (outcome "adopted";
--outcome adopted lists them, with the fields that differed) and the drift
reconcile found (outcome "drift", with the fields and both values; --outcome
drift lists them) and erasures (outcome "erased", under the record's
pseudonym). Unchanged
records are counted in run summaries, not logged one by one. Personal fields
are masked.

--since takes a time (2025-03-01T00:00:00Z, 2025-03-01) or a duration back
from now (24h).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			q, err := af.query(args[0])
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			page, err := store.NewAudit(rdb, ns, store.AuditConfig{}).Query(cmd.Context(), q)
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if err := checkAuditInstance(cmd, instance.NewInstanceStore(rdb, ns), args[0], len(page.Entries) > 0); err != nil {
				return err
			}
			return writeAudit(cmd.OutOrStdout(), page, af.output.json())
		},
	}
	sf.add(cmd.Flags())
	f := cmd.Flags()
	f.BoolVar(&af.failed, "failed", false, "only failed actions")
	f.StringVar(&af.entity, "entity", "", "only this entity")
	f.StringVar(&af.key, "key", "", "only this record (home key)")
	f.StringVar(&af.since, "since", "", "only entries since a time or a duration ago")
	f.StringVar(&af.run, "run", "", "only this run")
	f.StringVar(&af.outcome, "outcome", "", "only this outcome: ok, failed, denied, conflict, guarded, divergent, adopted, drift, erased or resolved")
	f.StringVar(&af.dir, "direction", "", "only push or pull")
	f.IntVar(&af.limit, "limit", 50, "most entries to print (at most 1000)")
	addOutputFlag(f, &af.output, true)
	return cmd
}

// checkAuditInstance refuses an id the store does not have, unless the
// log has entries (of an instance deleted since): then it only notes it.
func checkAuditInstance(cmd *cobra.Command, instances *instance.InstanceStore, id string, found bool) error {
	_, err := instances.Get(cmd.Context(), id)
	switch {
	case err == nil:
		return nil
	case found && errors.Is(err, instance.ErrNotFound):
		fmt.Fprintf(cmd.ErrOrStderr(), "specsync: instance %q is not stored (deleted?); its audit log follows\n", id)
		return nil
	}
	return unknownInstance(cmd.Context(), instances, id, err)
}

// auditOutcomes are the outcomes audit entries are written with.
var auditOutcomes = []store.Outcome{store.OutcomeOK, store.OutcomeFailed, store.OutcomeDenied, store.OutcomeSkipped,
	engine.OutcomeConflict, store.OutcomeGuarded, engine.OutcomeDivergent, store.OutcomeAdopted, engine.OutcomeDrift, store.OutcomeErased, engine.OutcomeResolved}

// joinOutcomes lists outcomes for a message.
func joinOutcomes(outs []store.Outcome) string {
	names := make([]string, len(outs))
	for i, o := range outs {
		names[i] = string(o)
	}
	return strings.Join(names, ", ")
}

// query builds the audit query of the flags.
func (af auditFlags) query(id string) (store.Query, error) {
	q := store.Query{Instance: id, Failed: af.failed, Entity: af.entity, Key: af.key,
		RunID: af.run, Direction: instance.Direction(af.dir), Outcome: store.Outcome(af.outcome), Limit: af.limit}
	if af.dir != "" && af.dir != string(instance.Push) && af.dir != string(instance.Pull) {
		return q, fmt.Errorf("--direction must be push or pull, not %q", af.dir)
	}
	if af.outcome != "" && !slices.Contains(auditOutcomes, q.Outcome) {
		return q, fmt.Errorf("--outcome must be one of %s, not %q", joinOutcomes(auditOutcomes), af.outcome)
	}
	since, err := store.ParseSince(af.since, time.Now())
	if err != nil {
		return q, fmt.Errorf("--%w", err)
	}
	q.Since = since
	return q, nil
}

// writeAudit prints a page of entries.
func writeAudit(w io.Writer, page store.Page, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		for _, e := range page.Entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tRUN\tDIRECTION\tENTITY\tKEY\tACTION\tOUTCOME\tSTATUS\tMS\tBY\tERROR")
	for _, e := range page.Entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", e.Time.Local().Format(time.DateTime), e.RunID, e.Direction,
			e.Entity, e.Key, e.Action, e.Outcome, statusOrDash(e.HTTPStatus), e.Duration.Milliseconds(), orDash(e.Actor), e.Error)
	}
	tw.Flush()
	if page.Cursor != "" {
		fmt.Fprintln(w, "(more entries; narrow the filters or raise --limit)")
	}
	return nil
}

// orDash prints s, or "-" for an empty one.
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// statusOrDash prints an HTTP status, or "-" for none.
func statusOrDash(s int) string {
	if s == 0 {
		return "-"
	}
	return fmt.Sprint(s)
}
