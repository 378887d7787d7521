package main

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// suggestionDistance is the largest edit distance at which an unknown
// subcommand gets a "did you mean".
const suggestionDistance = 2

// refuseUnknownSubcommands makes every command with subcommands under
// root fail on an unknown one, with the close names: cobra does that for
// the root only and prints the help of other groups with exit status 0.
// A group run without a subcommand prints its help.
func refuseUnknownSubcommands(root *cobra.Command) {
	walk(root, func(c *cobra.Command) {
		if !c.HasSubCommands() {
			return
		}
		c.SuggestionsMinimumDistance = suggestionDistance
		if c.Runnable() && c.HasParent() {
			return
		}
		c.Args = unknownSubcommand
		if !c.Runnable() {
			c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
		}
	})
}

// unknownSubcommand refuses any argument of a group command.
func unknownSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if close := cmd.SuggestionsFor(args[0]); len(close) > 0 {
		msg += fmt.Sprintf("; did you mean %q?", close[0])
	}
	return &exitError{code: 2, err: fmt.Errorf("%s (`%s --help` lists the commands)", msg, cmd.CommandPath())}
}

// walk calls fn for c and every command under it.
func walk(c *cobra.Command, fn func(*cobra.Command)) {
	fn(c)
	for _, sub := range c.Commands() {
		walk(sub, fn)
	}
}

// unknownInstance turns a lookup error of the instance id into the error
// a command returns: for an id the store does not have, exit status 2, the
// closest stored id and how to list or store one.
func unknownInstance(ctx context.Context, store *instance.InstanceStore, id string, err error) error {
	if !errors.Is(err, instance.ErrNotFound) {
		return &exitError{code: 1, err: err}
	}
	var hint []string
	if list, lerr := store.List(ctx, instance.ListFilter{}); lerr == nil {
		ids := make([]string, len(list))
		for i, inst := range list {
			ids[i] = inst.ID
		}
		if close := specs.Suggest(id, ids); close != "" {
			hint = append(hint, fmt.Sprintf("did you mean %q?", close))
		}
	}
	hint = append(hint, "`specsync instances list` shows the stored ones, `specsync instances apply FILE` stores one")
	return &exitError{code: 2, err: fmt.Errorf("no instance %q is stored (check --prefix); %s", id, strings.Join(hint, " "))}
}

// newHelpCmd is `specsync help [command]`: cobra's own prints the root's
// help and exits 0 for a command that does not exist; this one refuses it
// as unknownSubcommand does.
func newHelpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "help [command]",
		Short: "Help about any command",
		RunE: func(c *cobra.Command, args []string) error {
			cmd, rest, err := c.Root().Find(args)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			if err := unknownSubcommand(cmd, rest); err != nil {
				return err
			}
			return cmd.Help()
		},
		ValidArgsFunction: func(c *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			cmd, _, err := c.Root().Find(args)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			var names []string
			for _, sub := range cmd.Commands() {
				if sub.IsAvailableCommand() && strings.HasPrefix(sub.Name(), toComplete) {
					names = append(names, sub.Name())
				}
			}
			return names, cobra.ShellCompDirectiveNoFileComp
		},
	}
}

// unknownEntity refuses, before anything runs or is recorded, an
// --entity the instance's partner spec does not synchronise, naming the
// closest one. An empty entity means all and passes.
func unknownEntity(loaded *instance.Loaded, entity string) error {
	if entity == "" || loaded.Partner == nil || loaded.Partner.Sync == nil {
		return nil
	}
	if _, ok := loaded.Partner.Sync.Entities[entity]; ok {
		return nil
	}
	names := slices.Sorted(maps.Keys(loaded.Partner.Sync.Entities))
	msg := fmt.Sprintf("instance %q: no entity %q is synchronised; the partner spec's entities are %s", loaded.Instance.ID, entity, strings.Join(names, ", "))
	if s := specs.Suggest(entity, names); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	return &exitError{code: 2, err: errors.New(msg)}
}

// disabledInstance refuses to run a disabled instance, as the queue and
// the admin API do: disabling an instance stops every run of it.
func disabledInstance(inst *instance.Instance) error {
	if inst.Enabled {
		return nil
	}
	return &exitError{code: 2, err: fmt.Errorf("instance %q is disabled; enable it first: specsync instances enable %s", inst.ID, inst.ID)}
}
