package main

import "github.com/spf13/cobra"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "specsync",
		Short: "Declarative integration engine: OpenAPI + x-sync specs, synchronised by rules",
		Long: `specsync keeps partner systems in step with a home system (usually an ERP).
Each system is described by an OpenAPI document with an x-sync extension, or
by the vendor's published document unchanged plus an overlay holding the
x-sync (specsync init writes one); no code is written per integration.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(newInitCmd(), newValidateCmd(), newExplainCmd(), newMapCmd(), newMockCmd(), newServeCmd(),
		newInstancesCmd(), newPlanCmd(), newSyncCmd(), newReconcileCmd(), newEraseCmd(), newResolveCmd(), newAuditCmd(), newDemoCmd(), newBenchCmd(), newUsersCmd())
	return root
}
