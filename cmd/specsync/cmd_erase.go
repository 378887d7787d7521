package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
)

func newEraseCmd() *cobra.Command {
	var sf stateFlags
	var opts engine.EraseOptions
	var yes bool
	cmd := &cobra.Command{
		Use:   "erase INSTANCE --entity E --key K",
		Short: "Erase one person's record (GDPR): at the partner, in the state, the failure ledger and the audit log",
		Long: `erase removes one record of a person from what an instance holds: the
partner's record, with the entity's erase operation (or its delete when that
removes; a delete that only detaches is refused, and the message names the
operation to declare), the record's state in both directions (written
values, partner id mapping, echo hashes, create intents), its failure ledger
entries and its dependency index entries. The audit entries of the record
are masked: their key becomes a pseudonym and their values and errors go,
and the record's key is replaced wherever another entry holds it. One audit
entry, outcome "erased", records the erasure under the pseudonym.

--entity is the partner spec's entity, --key the record's home key (for
EverReal's tenant: the lease's key). Records of other entities that included
the record are written again without it when they are next mapped (a change
of theirs, or the next complete read).

The audit log is a stream, whose entries cannot be edited: erase rewrites
it, keeping every entry's id and order. Redis itself then holds no copy,
but an append-only file and snapshots keep the old values until the file
is rewritten (BGREWRITEAOF) and the snapshots are replaced.

Without --yes, erase only prints what it would remove. Erasing needs the
instance's delete permission for the entity on push, since it deletes at
the partner; --override-permission erases without it. Erase the person in
the home system first: a record still there is written again by the next
complete read (sync --full, or the instance's fullReadEvery).

Exit status: 0 erased (or listed), 1 when the partner refused (nothing is
erased then) or Redis failed, 2 usage errors, an unknown entity, no
operation that removes, or a missing permission.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.DryRun = !yes
			return runErase(cmd, &sf, args[0], opts)
		},
	}
	sf.add(cmd.Flags())
	f := cmd.Flags()
	f.StringVar(&opts.Entity, "entity", "", "the partner spec's entity of the record (required)")
	f.StringVar(&opts.Key, "key", "", "the record's home key (required)")
	f.BoolVar(&yes, "yes", false, "erase; without it, only print what would be erased")
	f.BoolVar(&opts.OverridePermission, "override-permission", false, "erase although the instance does not grant the entity's delete on push")
	_ = cmd.MarkFlagRequired("entity") // the flags exist
	_ = cmd.MarkFlagRequired("key")
	return cmd
}

// runErase erases, or lists, and prints the result.
func runErase(cmd *cobra.Command, sf *stateFlags, id string, opts engine.EraseOptions) error {
	eng, loaded, closeAll, err := sf.engineFor(cmd, id)
	if err != nil {
		return err
	}
	defer closeAll()
	res, err := eng.Erase(cmd.Context(), loaded, opts)
	if err != nil {
		code := 1
		if errors.Is(err, engine.ErrErasePermission) || errors.Is(err, engine.ErrCannotErase) {
			code = 2
		}
		return &exitError{code: code, err: err}
	}
	writeErasure(cmd.OutOrStdout(), res, opts.Key)
	return nil
}

// writeErasure prints what was, or would be, erased.
func writeErasure(out io.Writer, res *engine.Erasure, key string) {
	verb := "erased"
	if res.DryRun {
		verb = "would erase"
	}
	fmt.Fprintf(out, "%s %s %q of instance %s (pseudonym %s):\n", verb, res.Entity, key, res.Instance, res.Pseudonym)
	switch p := res.Partner; {
	case p == nil:
		fmt.Fprintln(out, "  partner: no record known there")
	case p.AlreadyGone:
		fmt.Fprintf(out, "  partner: record %s was already gone (%s operation)\n", p.ID, p.Operation)
	default:
		fmt.Fprintf(out, "  partner: record %s, removed with the %s operation\n", p.ID, p.Operation)
	}
	if len(res.State) == 0 {
		fmt.Fprintln(out, "  state: nothing kept")
	}
	for _, t := range res.State {
		fmt.Fprintf(out, "  state %s: %s\n", t.Direction, traceText(t))
	}
	fmt.Fprintf(out, "  failure ledger: %d direction(s)\n", len(res.Failures))
	fmt.Fprintf(out, "  dependency index: %d entries\n", res.Dependencies)
	fmt.Fprintf(out, "  audit log: %d entries masked\n", res.AuditEntries)
	if res.DryRun {
		fmt.Fprintln(out, "Nothing was changed; run again with --yes to erase.")
	}
}

// traceText lists what the state keeps of a record in one direction.
func traceText(t engine.StateTrace) string {
	var parts []string
	if t.PartnerID != "" {
		parts = append(parts, "partner id "+t.PartnerID)
	}
	for _, p := range []struct {
		on   bool
		what string
	}{{t.Written, "written payload hash"}, {t.Echo, "echo hash"}, {t.Intent, "create intent"}} {
		if p.on {
			parts = append(parts, p.what)
		}
	}
	return strings.Join(parts, ", ")
}
