package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/specs"
)

func newInstancesCmd() *cobra.Command {
	var sf stateFlags
	cmd := &cobra.Command{
		Use:   "instances",
		Short: "Store, list, show, enable, disable and delete instances",
	}
	sf.add(cmd.PersistentFlags())
	cmd.AddCommand(newInstancesApplyCmd(&sf), newInstancesListCmd(&sf), newInstancesShowCmd(&sf),
		newInstancesSwitchCmd(&sf, true), newInstancesSwitchCmd(&sf, false), newInstancesDeleteCmd(&sf))
	return cmd
}

func newInstancesApplyCmd(sf *stateFlags) *cobra.Command {
	opts := loadOptions()
	var urls []string
	var run bool
	cmd := &cobra.Command{
		Use:   "apply FILE|DIR...",
		Short: "Validate instances (JSON or YAML) with their specs and store them",
		Long: `apply reads each instance file (a folder: every .json, .yaml and .yml in it),
loads its model and specs, and stores it when nothing is wrong, together
with the content of its model, its specs and every file they refer to. An
instance with error findings is refused and its findings printed; nothing
of it is stored. A credential name the spec does not use, or a named
credential of the spec the instance does not supply, is an error (with
"did you mean"); an environment variable a credential references that is
not set here is a warning (unset-variable) naming the variable and where
it is referenced: the process that runs the instance may have it. Applying the same instance again replaces it; its state
stays.

Every run of a stored instance (serve's workers and webhooks, sync, plan)
uses the content applied last: editing a spec on disk changes nothing
until the instance is applied again. Each instance is reported as
created, updated (the instance file changed), changed (only the content
of its model, a spec or a file they refer to changed) or unchanged.

--base-url SYSTEM=URL sets the base URL of the home or partner of every
applied instance whose spec's x-sync system is SYSTEM (erp, everreal,
casavi in the real-estate example), instead of the instance file's baseUrl,
so one set of files serves several environments:

  specsync instances apply --base-url erp=http://erp:8080/api/v2 examples/realestate/instances

--run enqueues a run of every applied, enabled instance on the queue of
the prefix, which the workers of specsync serve on the same Redis and
prefix take (serve given no --queue of its own).`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			files, err := instanceFiles(args)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			a := applier{store: instance.NewInstanceStore(rdb, ns), opts: opts, used: map[string]bool{}}
			if a.urls, err = parseBaseURLs(urls); err != nil {
				return &exitError{code: 2, err: err}
			}
			if err := a.all(cmd, files); err != nil {
				return err
			}
			if run {
				return enqueueRuns(cmd.Context(), cmd.OutOrStdout(), rdb, ns, a.enabled)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.AllowExternalFiles, "allow-external-files", false, "allow $refs to files outside a spec's folder")
	cmd.Flags().StringArrayVar(&urls, "base-url", nil, "SYSTEM=URL: base URL of every home or partner whose spec's x-sync system is SYSTEM (repeatable)")
	cmd.Flags().BoolVar(&run, "run", false, "enqueue a run of every applied, enabled instance for serve's workers")
	return cmd
}

// instanceFiles expands folders into their instance files, sorted.
func instanceFiles(args []string) ([]string, error) {
	var out []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			out = append(out, arg)
			continue
		}
		for _, pattern := range []string{"*.json", "*.yaml", "*.yml"} {
			found, err := filepath.Glob(filepath.Join(arg, pattern))
			if err != nil {
				return nil, err
			}
			out = append(out, found...)
		}
	}
	slices.Sort(out)
	return out, nil
}

// applier applies instance files to a store, moving base URLs as
// --base-url says.
type applier struct {
	store *instance.InstanceStore
	opts  specs.LoadOptions
	urls  baseURLs
	// used marks the --base-url systems an instance had; systems lists
	// every system seen; enabled lists the applied, enabled instances.
	used    map[string]bool
	systems []string
	enabled []string
}

// all applies every file and reports each; any refusal, or a --base-url
// system no instance has, fails the command after all were tried.
func (a *applier) all(cmd *cobra.Command, files []string) error {
	refused := 0
	for _, file := range files {
		if err := a.file(cmd, file); err != nil {
			refused++
			fmt.Fprintf(cmd.ErrOrStderr(), "%s: %v\n", file, err)
		}
	}
	if refused > 0 {
		return &exitError{code: 1, err: fmt.Errorf("%d of %d instances refused", refused, len(files))}
	}
	if err := a.urls.unused(a.used, a.systems); err != nil {
		return &exitError{code: 2, err: err}
	}
	return nil
}

// file loads, checks and stores one instance with the content of every
// file its loads read.
func (a *applier) file(cmd *cobra.Command, file string) error {
	rec := &specs.FileRecorder{}
	opts := a.opts
	opts.Files = rec
	loaded, found, err := instance.LoadInstance(file, opts)
	if err != nil {
		return err
	}
	if !found.HasErrors() {
		a.urls.set(loaded, a.used)
		a.systems = append(a.systems, loaded.Home.Sync.System, loaded.Partner.Sync.System)
	}
	found = append(found, environmentFindings(loaded, file)...)
	for _, f := range found {
		fmt.Fprintln(cmd.ErrOrStderr(), f.String())
	}
	if found.HasErrors() {
		return errors.New("refused: the instance has error findings")
	}
	change, err := a.store.Apply(cmd.Context(), loaded.Instance, rec.Files())
	if err != nil {
		return err
	}
	if loaded.Instance.Enabled {
		a.enabled = append(a.enabled, loaded.Instance.ID)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", loaded.Instance.ID, change)
	return nil
}

func newInstancesListCmd(sf *stateFlags) *cobra.Command {
	var org string
	var output outputFormat
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List stored instances",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			list, err := instance.NewInstanceStore(rdb, ns).List(cmd.Context(), instance.ListFilter{Organisation: org})
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			if output.json() {
				return writeJSONLines(cmd.OutOrStdout(), list)
			}
			writeInstances(cmd.OutOrStdout(), list)
			return nil
		},
	}
	cmd.Flags().StringVar(&org, "organisation", "", "only this organisation's instances")
	addOutputFlag(cmd.Flags(), &output, false)
	return cmd
}

// writeInstances prints instances as a table.
func writeInstances(w io.Writer, list []*instance.Instance) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tORGANISATION\tENABLED\tSCHEDULE\tHOME\tPARTNER")
	for _, inst := range list {
		fmt.Fprintf(tw, "%s\t%s\t%t\t%s %s\t%s\t%s\n", inst.ID, inst.Organisation, inst.Enabled,
			inst.Schedule.CronOrDefault(), inst.Schedule.TimezoneOrDefault(), filepath.Base(inst.Home.Spec), filepath.Base(inst.Partner.Spec))
	}
	tw.Flush()
}

func newInstancesShowCmd(sf *stateFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "show ID",
		Short: "Print a stored instance, its grants and its failure count",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			instances := instance.NewInstanceStore(rdb, ns)
			inst, err := instances.Get(cmd.Context(), args[0])
			if err != nil {
				return unknownInstance(cmd.Context(), instances, args[0], err)
			}
			failures, err := store.NewLedger(rdb, ns, inst.ID, store.LedgerConfig{}).Count(cmd.Context(), store.LedgerFilter{})
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			return showInstance(cmd.OutOrStdout(), inst, failures)
		},
	}
}

// showInstance prints an instance as JSON with a few derived lines.
func showInstance(w io.Writer, inst *instance.Instance, failures int64) error {
	data, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%s\n\ngrants:\n  %s\nfailed records in the ledger: %d\n", data,
		strings.ReplaceAll(inst.Permissions.Summary(), "\n", "\n  "), failures)
	fmt.Fprintln(w, "applied documents (SHA-256):")
	for _, loc := range slices.Sorted(maps.Keys(inst.Documents)) {
		fmt.Fprintf(w, "  %s  %s\n", inst.Documents[loc], loc)
	}
	return nil
}

func newInstancesSwitchCmd(sf *stateFlags, on bool) *cobra.Command {
	verb, what := "disable", "Stop an instance from running on its schedule; its state stays"
	if on {
		verb, what = "enable", "Let an instance run on its schedule"
	}
	return &cobra.Command{
		Use:   verb + " ID",
		Short: what,
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			rdb, ns, err := sf.open(cmd.Context())
			if err != nil {
				return err
			}
			defer rdb.Close()
			store := instance.NewInstanceStore(rdb, ns)
			if on {
				err = store.Enable(cmd.Context(), args[0])
			} else {
				err = store.Disable(cmd.Context(), args[0])
			}
			if err != nil {
				return unknownInstance(cmd.Context(), store, args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s %sd\n", args[0], verb)
			return nil
		},
	}
}

// environmentFindings warns of the environment variables the instance's
// credentials need and this process lacks, located in the instance file.
func environmentFindings(loaded *instance.Loaded, file string) specs.Findings {
	found := loaded.Environment(nil)
	data, err := os.ReadFile(file)
	if err != nil {
		return found
	}
	return specs.Locate(found, file, data)
}
