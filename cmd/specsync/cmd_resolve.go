package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
)

func newResolveCmd() *cobra.Command {
	var sf stateFlags
	var opts engine.ResolveOptions
	var dir string
	cmd := &cobra.Command{
		Use:   "resolve INSTANCE --key K (--created ID | --absent)",
		Short: "Settle a create whose outcome is unknown: the record is at the destination with an id, or absent",
		Long: `resolve settles a record the failure ledger holds as "uncertain": a create
was sent and its answer never arrived (the run was killed, the connection
broke), and the entity has no upsert, lookup, match step or idempotency key
by which the engine could find out itself whether the destination stored it.
Such a record is not created again until it is resolved.

Look for the record at the destination (for a push, at the partner), then:

  --created ID   the record is there with the id ID: the state knows it by
                 that id and the next run compares it and writes it over;
  --absent       the record is not there: the next run creates it.

Either way the record's create intent is cleared, its ledger entry is
replaced by one of the code "resolved" (so that the next run reads the
record again, even an incremental one; it leaves the ledger once written)
and one audit entry with the outcome "resolved" is written. --key is the
record's home key, as the ledger lists it (specsync audit INSTANCE --failed);
--entity (the partner spec's entity) and --direction are needed only when
intents of the key are left in several entities or directions.

Exit status: 0 resolved, 1 Redis failed, 2 usage errors: neither or both of
--created and --absent, an unknown entity, or no create intent of the key.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Direction = instance.Direction(dir)
			return runResolve(cmd, &sf, args[0], opts)
		},
	}
	sf.add(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&opts.Key, "key", "", "the record's home key (required)")
	f.StringVar(&opts.Created, "created", "", "the record's id at the destination, where it was found")
	f.BoolVar(&opts.Absent, "absent", false, "the destination does not hold the record; the next run creates it")
	f.StringVar(&opts.Entity, "entity", "", "the partner spec's entity of the record, when the key has intents in several")
	f.StringVar(&dir, "direction", "", "push or pull, when the key has intents in both")
	_ = cmd.MarkFlagRequired("key") // the flag exists
	cmd.MarkFlagsMutuallyExclusive("created", "absent")
	cmd.MarkFlagsOneRequired("created", "absent")
	return cmd
}

// runResolve resolves and prints the result.
func runResolve(cmd *cobra.Command, sf *stateFlags, id string, opts engine.ResolveOptions) error {
	eng, loaded, closeAll, err := sf.engineFor(cmd, id)
	if err != nil {
		return err
	}
	defer closeAll()
	res, err := eng.Resolve(cmd.Context(), loaded, opts)
	if err != nil {
		code := 1
		if errors.Is(err, engine.ErrCannotResolve) {
			code = 2
		}
		return &exitError{code: code, err: err}
	}
	writeResolution(cmd.OutOrStdout(), res)
	return nil
}

// writeResolution prints what was resolved.
func writeResolution(out io.Writer, res *engine.Resolution) {
	if res.Absent {
		fmt.Fprintf(out, "resolved %s %s %q of instance %s as absent: the next run creates it\n", res.Direction, res.Entity, res.Key, res.Instance)
	} else {
		fmt.Fprintf(out, "resolved %s %s %q of instance %s as created with id %q: the next run compares it and writes it over\n", res.Direction, res.Entity, res.Key, res.Instance, res.Created)
	}
	if res.Failure != "" {
		fmt.Fprintf(out, "  cleared from the failure ledger: %s\n", res.Failure)
	}
}
