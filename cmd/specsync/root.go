package main

import "github.com/spf13/cobra"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "specsync",
		Short: "Declarative integration engine: OpenAPI + x-sync specs, synchronised by rules",
		Long: `specsync keeps partner systems in step with a home system (usually an ERP).
Each system is described by an OpenAPI document with an x-sync extension, or
by the vendor's published document unchanged plus an overlay holding the
x-sync (specsync init writes one); no code is written per integration.

Every command that keeps state in Redis takes --redis (default $REDIS_URL)
and --prefix; every command that lists takes -o table|json. Exit status: 0
done, 1 failed, 2 usage or setup error (an unknown command, flag or
instance), 3 partial; docs/exit-codes.md has the table per command.`,
		Version:          buildVersion(),
		SilenceUsage:     true,
		SilenceErrors:    true,
		PersistentPreRun: warnDeprecated,
	}
	root.SetVersionTemplate("{{.Version}}")
	root.AddCommand(newInitCmd(), newValidateCmd(), newExplainCmd(), newMapCmd(), newMockCmd(), newServeCmd(),
		newInstancesCmd(), newPlanCmd(), newSyncCmd(), newReconcileCmd(), newEraseCmd(), newResolveCmd(), newAuditCmd(), newDemoCmd(), newBenchCmd(), newUsersCmd(), newHealthcheckCmd())
	wireConventions(root)
	return root
}

// warnDeprecated runs although a command has a pre-run of its own. It is
// cobra's global, set once before any command is built.
func init() { cobra.EnableTraverseRunHooks = true }

// wireConventions applies what every command shares, once all are added:
// unknown subcommands are refused with a suggestion and instance ids and
// entities complete in the shell.
func wireConventions(root *cobra.Command) {
	root.SetHelpCommand(newHelpCmd())
	refuseUnknownSubcommands(root)
	addCompletions(root)
}
