package main

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
)

func newInstancesDeleteCmd(sf *stateFlags) *cobra.Command {
	var eraseState bool
	cmd := &cobra.Command{
		Use:   "delete ID",
		Short: "Remove a stored instance and its schedule; its state stays unless --erase-state",
		Long: `delete removes a stored instance from the registry: it no longer runs, its
schedule goes at the scheduler's next look at the registry (serve needs no
restart), and its webhooks are refused. Its state (partner ids, written
hashes, cursors), failure ledger, audit log and run history stay, so that
applying the same id again resumes where it stopped.

--erase-state removes them too: every key of the instance under --prefix.
The partner's and the home's records are not touched. To remove one
person's record everywhere, use specsync erase.

Exit status: 0 deleted, 1 Redis failed, 2 no such instance or usage errors.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			return deleteInstance(cmd, rdb, ns, args[0], eraseState)
		},
	}
	cmd.Flags().BoolVar(&eraseState, "erase-state", false, "also remove the instance's state, failure ledger, audit log and run history")
	return cmd
}

// deleteInstance deletes the instance with id and, with eraseState, every
// key it has.
func deleteInstance(cmd *cobra.Command, rdb redis.UniversalClient, ns keys.Namespace, id string, eraseState bool) error {
	ctx := cmd.Context()
	store := instance.NewInstanceStore(rdb, ns)
	if err := store.Delete(ctx, id); err != nil {
		return unknownInstance(ctx, store, id, err)
	}
	out := cmd.OutOrStdout()
	if !eraseState {
		fmt.Fprintf(out, "%s deleted; its state, failure ledger, audit log and run history stay (--erase-state removes them)\n", id)
		return nil
	}
	n, err := eraseInstanceKeys(ctx, rdb, ns, id)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s deleted, but its state was not erased: %w", id, err)}
	}
	fmt.Fprintf(out, "%s deleted with its state: %d keys removed\n", id, n)
	return nil
}

// eraseInstanceKeys removes every key of the instance id: those under its
// hash tag and its run history and webhook token. It returns how many
// were removed. The run lock is left to expire, so that a run still going
// keeps it.
func eraseInstanceKeys(ctx context.Context, rdb redis.UniversalClient, ns keys.Namespace, id string) (int64, error) {
	var removed int64
	iter := rdb.Scan(ctx, 0, ns.InstancePattern(id), 500).Iterator()
	for iter.Next(ctx) {
		n, err := rdb.Unlink(ctx, iter.Val()).Result()
		if err != nil {
			return removed, fmt.Errorf("remove %s: %w", iter.Val(), err)
		}
		removed += n
	}
	if err := iter.Err(); err != nil {
		return removed, fmt.Errorf("list the keys of %s: %w", ns.InstancePattern(id), err)
	}
	for _, key := range []string{ns.Runs(id), ns.ActiveRun(id), ns.WebhookToken(id)} {
		n, err := rdb.Unlink(ctx, key).Result()
		if err != nil {
			return removed, fmt.Errorf("remove %s: %w", key, err)
		}
		removed += n
	}
	return removed, nil
}
