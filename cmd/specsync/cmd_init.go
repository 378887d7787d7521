package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/specs/scaffold"
)

// initFlags are the flags of specsync init.
type initFlags struct {
	model    string
	out      string
	entities []string
	models   map[string]string
	system   string
	force    bool
	load     specs.LoadOptions
}

func newInitCmd() *cobra.Command {
	f := &initFlags{load: loadOptions()}
	s := &samplesFlags{}
	cmd := &cobra.Command{
		Use:   "init VENDOR_DOC | init --from-samples SAMPLES",
		Short: "Write an overlay with the x-sync of a vendor's OpenAPI document, which stays as published",
		Long: `init reads a vendor's OpenAPI document (JSON or YAML; Swagger 2.0, OpenAPI 3.0 or 3.1)
and writes an overlay ({"extends": VENDOR_DOC, "x-sync": {...}}) with its entities, their
operations, pagination, auth and key fields; with --model, read and write mappings of the
model fields matched by name. What it cannot decide is a "todo" note that validate reports
as a warning. The overlay goes to --out, or to standard output; the notes go to standard error.

For a system that publishes no OpenAPI document, --from-samples SAMPLES infers one from
captured calls (a HAR file saved by a browser's developer tools, or a folder of HAR files
and METHOD.json samples as curl writes them; see docs/samples.md): paths, parameters,
schemas and auth, never a captured secret. It is written beside the overlay as
SAMPLES.openapi.json (or to --openapi), then the overlay is written for it.`,
		Args: initArgs(s),
		RunE: func(cmd *cobra.Command, args []string) error {
			if s.dir != "" {
				return runInitFromSamples(cmd.OutOrStdout(), cmd.ErrOrStderr(), f, s)
			}
			return runInit(cmd.OutOrStdout(), cmd.ErrOrStderr(), args[0], f)
		},
	}
	cmd.Flags().StringVar(&f.model, "model", "", "model document whose entities and fields the mappings use")
	cmd.Flags().StringVarP(&f.out, "out", "o", "", "file to write the overlay to (default: standard output, extends relative to the current folder)")
	cmd.Flags().StringSliceVar(&f.entities, "entity", nil, "only these collections, by entity name or path (repeat or comma-separate)")
	cmd.Flags().StringToStringVar(&f.models, "model-entity", nil, "the model entity of a collection, ENTITY=MODEL_ENTITY (repeat or comma-separate), where init cannot tell it by name")
	cmd.Flags().StringVar(&f.system, "system", "", "system name (default: from the document's title)")
	cmd.Flags().BoolVar(&f.force, "force", false, "overwrite --out when it exists")
	cmd.Flags().BoolVar(&f.load.AllowExternalFiles, "allow-external-files", false, "allow $refs to files outside the document's folder")
	cmd.Flags().BoolVar(&f.load.AllowRemoteRefs, "allow-remote-refs", false, "allow $refs to http(s) URLs")
	addSamplesFlags(cmd, s)
	return cmd
}

// runInit generates the overlay and writes it.
func runInit(stdout, stderr io.Writer, docPath string, f *initFlags) error {
	if f.out == "-" {
		f.out = ""
	}
	if f.out != "" && !f.force {
		if _, err := os.Stat(f.out); err == nil {
			return &exitError{code: 2, err: fmt.Errorf("%s exists; choose another --out or pass --force to overwrite it", f.out)}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &exitError{code: 2, err: err}
		}
	}
	vendor, err := loadVendorDoc(stderr, docPath, f.load)
	if err != nil {
		return err
	}
	opts := scaffold.Options{Entities: f.entities, ModelEntities: f.models, System: f.system}
	if f.model != "" {
		if opts.Model, err = loadInitModel(stderr, f.model, f.load); err != nil {
			return err
		}
	}
	extends, err := extendsPath(docPath, f.out)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	opts.OverlayPath, opts.Load = f.out, f.load
	if f.out == "" {
		opts.OverlayPath = "specsync.sync.json" // standard output: extends is relative to the current folder
	}
	data, notes, err := scaffold.Generate(vendor.Doc, extends, opts)
	if err != nil {
		return &exitError{code: 1, err: fmt.Errorf("%s: %w", docPath, err)}
	}
	printNotes(stderr, notes)
	if strings.HasPrefix(extends, "../") {
		fmt.Fprintf(stderr, "init: the overlay extends %s, outside its folder: commands that load it need --allow-external-files (or write the overlay beside the document)\n", extends)
	}
	if f.out == "" {
		_, err = stdout.Write(data)
		return err
	}
	if err := os.WriteFile(f.out, data, 0o644); err != nil {
		return &exitError{code: 2, err: err}
	}
	fmt.Fprintf(stderr, "wrote %s; check it with: specsync validate %s\n", f.out, f.out)
	return nil
}

// loadVendorDoc loads the vendor's document. Its findings are not the
// overlay's business (it has no x-sync yet); only a document that cannot
// be built at all is refused, with the findings that say why.
func loadVendorDoc(stderr io.Writer, path string, opts specs.LoadOptions) (*specs.Spec, error) {
	spec, fs, err := specs.Load(path, opts)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	if spec == nil || spec.Doc == nil {
		for _, f := range fs {
			fmt.Fprintln(stderr, f.String())
		}
		return nil, &exitError{code: 1, err: fmt.Errorf("%s cannot be loaded as an OpenAPI document", path)}
	}
	return spec, nil
}

// loadInitModel loads the model; a model with errors is refused.
func loadInitModel(stderr io.Writer, path string, opts specs.LoadOptions) (*specs.Model, error) {
	m, fs, err := specs.LoadModel(path, opts)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	if fs.HasErrors() || m == nil {
		for _, f := range fs {
			fmt.Fprintln(stderr, f.String())
		}
		return nil, &exitError{code: 1, err: fmt.Errorf("%s has findings; run `specsync validate %s`", path, path)}
	}
	return m, nil
}

// extendsPath is the vendor document's path relative to the overlay's
// folder (the current folder when the overlay goes to standard output).
func extendsPath(docPath, out string) (string, error) {
	dir := "."
	if out != "" {
		dir = filepath.Dir(out)
	}
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absDoc, err := filepath.Abs(docPath)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, absDoc)
	if err != nil {
		return "", err
	}
	return filepath.ToSlash(rel), nil
}

// printNotes prints what init found and what it left to do.
func printNotes(w io.Writer, notes []scaffold.Note) {
	todos := 0
	for _, n := range notes {
		prefix := "init: "
		if n.Entity != "" {
			prefix += n.Entity + ": "
		}
		if n.Kind == scaffold.NoteTodo {
			prefix += "TODO "
			todos++
		}
		fmt.Fprintln(w, prefix+n.Text)
	}
	switch {
	case todos == 1:
		fmt.Fprintln(w, "init: 1 todo note in the overlay; validate reports it as a warning until you remove it")
	case todos > 1:
		fmt.Fprintf(w, "init: %d todo notes in the overlay; validate reports each as a warning until you remove it\n", todos)
	}
}
