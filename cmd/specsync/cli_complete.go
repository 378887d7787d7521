package main

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
)

// completionTimeout bounds what one completion may wait for Redis: a
// shell waits for it on every tab.
const completionTimeout = 2 * time.Second

// addCompletions wires shell completion under root: the first argument of
// every command whose usage starts with INSTANCE or ID completes to the
// stored instance ids, and its --entity flag to the partner spec's
// entities of the instance named. Both read Redis from the command's
// --redis (or $REDIS_URL) and --prefix, and offer nothing when Redis is
// not reachable.
func addCompletions(root *cobra.Command) {
	walk(root, func(c *cobra.Command) {
		fields := strings.Fields(c.Use)
		if len(fields) < 2 || (fields[1] != "INSTANCE" && fields[1] != "ID") {
			return
		}
		if c.ValidArgsFunction == nil {
			c.ValidArgsFunction = completeInstanceIDs
		}
		if c.Flags().Lookup("entity") != nil {
			_ = c.RegisterFlagCompletionFunc("entity", completeEntities) // the flag exists
		}
	})
}

// completeInstanceIDs offers the stored instance ids for the first argument.
func completeInstanceIDs(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var ids []string
	withStore(cmd, func(ctx context.Context, store *instance.InstanceStore) {
		list, err := store.List(ctx, instance.ListFilter{})
		if err != nil {
			return
		}
		for _, inst := range list {
			if strings.HasPrefix(inst.ID, toComplete) {
				ids = append(ids, inst.ID)
			}
		}
	})
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// completeEntities offers the entities of the partner spec the instance
// in the first argument was applied with.
func completeEntities(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
	if len(args) == 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	var names []string
	withStore(cmd, func(ctx context.Context, store *instance.InstanceStore) {
		inst, err := store.Get(ctx, args[0])
		if err != nil {
			return
		}
		loaded, _, err := engine.OpenApplied(ctx, store, inst, loadOptions())
		if err != nil || loaded.Partner == nil || loaded.Partner.Sync == nil {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(loaded.Partner.Sync.Entities)) {
			if strings.HasPrefix(name, toComplete) {
				names = append(names, name)
			}
		}
	})
	return names, cobra.ShellCompDirectiveNoFileComp
}

// withStore runs fn with the instance store of cmd's --redis and --prefix,
// unless there is no Redis URL or Redis does not answer in time.
func withStore(cmd *cobra.Command, fn func(context.Context, *instance.InstanceStore)) {
	url, _ := cmd.Flags().GetString("redis")
	prefix, _ := cmd.Flags().GetString("prefix")
	if url == "" {
		return
	}
	opts, err := redis.ParseURL(url)
	if err != nil {
		return
	}
	opts.DialTimeout, opts.ReadTimeout, opts.WriteTimeout, opts.MaxRetries = completionTimeout, completionTimeout, completionTimeout, -1
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	parent := cmd.Context()
	if parent == nil {
		parent = context.Background()
	}
	ctx, cancel := context.WithTimeout(parent, completionTimeout)
	defer cancel()
	if rdb.Ping(ctx).Err() != nil {
		return
	}
	fn(ctx, instance.NewInstanceStore(rdb, keys.New(prefix)))
}
