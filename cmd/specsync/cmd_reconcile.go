package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/queue"
)

func newReconcileCmd() *cobra.Command {
	var sf stateFlags
	var opts engine.ReconcileOptions
	var output outputFormat
	cmd := &cobra.Command{
		Use:   "reconcile INSTANCE",
		Short: "Compare the partner's records with the home's payloads; --repair writes the home's values back",
		Long: `reconcile lists the partner's records of every entity the home pushes (or
the one named by --entity), compares each with the payload the home's record
maps to now, field by field on the fields the write mapping writes, and
reports the drift: a record missing at the partner, a record the partner has
and the home does not (unexpected), and each field whose values differ. A run
compares payload hashes with the state and never notices a record edited or
deleted by hand at the partner; reconcile does.

Without --repair nothing is written. With --repair the home's values are
written back where the home owns them: an update of the differing record, a
create of a missing one and, where the instance grants deletes on push and
the home owns the entity, a delete of an unexpected one (within the delete
guard; --allow-deletes lifts it). The instance's permissions apply; a denied
repair is reported and audited. Every drift is audited with the outcome
drift (audit --outcome drift lists them).

The reconciliation is recorded in the instance's run history (task
sync:reconcile, trigger cli).

Exit status: 0 no drift (or all of it repaired), 3 drift left unrepaired or
records that could not be compared, 1 failed (aborted, or a system could
not be reached at all), 2 usage or setup errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runReconcile(cmd, &sf, args[0], opts, output.json())
		},
	}
	sf.add(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&opts.Entity, "entity", "", "only this partner entity")
	f.BoolVar(&opts.Repair, "repair", false, "write the home's values back")
	f.BoolVar(&opts.DeleteOverride, "allow-deletes", false, "let --repair delete more unexpected records than the delete guard allows")
	addOutputFlag(f, &output, true)
	return cmd
}

// runReconcile reconciles the instance and prints the drift and summary.
func runReconcile(cmd *cobra.Command, sf *stateFlags, id string, opts engine.ReconcileOptions, asJSON bool) error {
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd.SetContext(ctx)
	o, run, err := startRun(cmd, sf, id, opts.Entity, queue.TaskReconcile)
	if err != nil {
		return err
	}
	defer o.close()
	opts.RunID = run.ID()
	rec, err := o.eng.Reconcile(ctx, o.loaded, opts)
	finishRun(ctx, cmd.ErrOrStderr(), run, summaryOf(rec), err)
	if rec == nil {
		return &exitError{code: 1, err: err}
	}
	out := cmd.OutOrStdout()
	if asJSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rec); err != nil {
			return err
		}
	} else {
		driftTable(out, rec)
		rec.Summary.Table(out)
	}
	if code := rec.Summary.ExitCode(); code != engine.ExitClean {
		return &exitError{code: code, err: runError(err)}
	}
	return nil
}

// summaryOf is a reconciliation's summary, nil when it did not start.
func summaryOf(rec *engine.Reconciliation) *engine.Summary {
	if rec == nil {
		return nil
	}
	return rec.Summary
}

// driftTable prints one line per drifted field or record.
func driftTable(w io.Writer, rec *engine.Reconciliation) {
	if len(rec.Drift) == 0 {
		fmt.Fprintln(w, "no drift")
		return
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTITY\tKEY\tDRIFT\tFIELD\tHOME\tPARTNER\tREPAIR\t")
	for _, d := range rec.Drift {
		repair := d.Repair
		switch {
		case d.Repaired:
			repair += " (done)"
		case d.Error != "":
			repair += ": " + d.Error
		}
		key := d.Key
		if key == "" {
			key = "id " + d.PartnerID
		}
		if len(d.Fields) == 0 {
			fmt.Fprintf(tw, "%s\t%s\t%s\t\t\t\t%s\t\n", d.Entity, key, d.Kind, repair)
			continue
		}
		for _, f := range d.Fields {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", d.Entity, key, d.Kind, f.Field, shown(f.Home), shown(f.Partner), repair)
		}
	}
	tw.Flush()
	for _, e := range rec.Summary.Entities {
		if e.Drift > 0 {
			fmt.Fprintf(w, "%s %s: %d drifted, %d repaired\n", e.Direction, e.Entity, e.Drift, e.Repaired)
		}
	}
	if rec.More > 0 {
		fmt.Fprintf(w, "... and %d more drifted records (see audit --outcome drift)\n", rec.More)
	}
}

// shown writes a value for the table: JSON, "-" for none.
func shown(v any) string {
	if v == nil {
		return "-"
	}
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(data))
}
