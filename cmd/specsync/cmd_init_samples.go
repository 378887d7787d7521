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

	"github.com/specsync/specsync/specs/samples"
)

// samplesFlags are the flags of specsync init --from-samples.
type samplesFlags struct {
	dir      string
	openapi  string
	origin   string
	server   string
	examples bool
}

// addSamplesFlags adds the flags of init --from-samples.
func addSamplesFlags(cmd *cobra.Command, s *samplesFlags) {
	cmd.Flags().StringVar(&s.dir, "from-samples", "", "infer the vendor's document from captured calls: a HAR file, or a folder of HAR files and METHOD.json samples (see docs/samples.md)")
	cmd.Flags().StringVar(&s.openapi, "openapi", "", "with --from-samples: file to write the inferred document to (default: SAMPLES.openapi.json beside the overlay)")
	cmd.Flags().StringVar(&s.origin, "origin", "", "with --from-samples: keep the calls to this scheme and host of a HAR file (default: the most frequent)")
	cmd.Flags().StringVar(&s.server, "server", "", "with --from-samples: the server URL when the samples name none (METHOD.json samples)")
	cmd.Flags().BoolVar(&s.examples, "examples", false, "with --from-samples: write each body's first sample as its example, secret-looking members replaced")
}

// initArgs checks that init gets a vendor document or --from-samples,
// not both and not neither.
func initArgs(s *samplesFlags) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		switch {
		case s.dir == "" && len(args) != 1:
			return fmt.Errorf("init takes the vendor's OpenAPI document, or --from-samples DIR when the vendor publishes none")
		case s.dir != "" && len(args) != 0:
			return fmt.Errorf("init takes either a vendor document (%s) or --from-samples, not both", args[0])
		}
		return nil
	}
}

// runInitFromSamples infers the vendor's document from samples, writes it
// beside the overlay, and writes the overlay for it as init does for a
// published document.
func runInitFromSamples(stdout, stderr io.Writer, f *initFlags, s *samplesFlags) error {
	docPath := s.openapi
	if docPath == "" {
		dir := "."
		if f.out != "" {
			dir = filepath.Dir(f.out)
		}
		docPath = filepath.Join(dir, samplesName(s.dir)+".openapi.json")
	}
	for _, p := range []string{docPath, f.out} {
		if err := refuseExisting(p, f.force); err != nil {
			return err
		}
	}
	res, err := samples.Infer(s.dir, samples.Options{Origin: s.origin, Server: s.server, Examples: s.examples})
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	for _, n := range res.Notes {
		fmt.Fprintln(stderr, "init: samples: "+n)
	}
	data, err := samples.Marshal(res.Doc)
	if err != nil {
		return &exitError{code: 1, err: err}
	}
	if err := os.WriteFile(docPath, data, 0o644); err != nil {
		return &exitError{code: 2, err: err}
	}
	fmt.Fprintf(stderr, "wrote %s, inferred from %d samples: check its paths, parameters and schemas\n", docPath, res.Samples)
	return runInit(stdout, stderr, docPath, f)
}

// samplesName is the name of a samples folder or HAR file without its
// extension: "captures/crm" and "crm.har" give "crm".
func samplesName(p string) string {
	base := filepath.Base(filepath.Clean(p))
	if name := strings.TrimSuffix(base, filepath.Ext(base)); name != "" && name != "." && name != string(filepath.Separator) {
		return name
	}
	return "samples"
}

// refuseExisting refuses to overwrite a file unless force is set.
func refuseExisting(p string, force bool) error {
	if p == "" || force {
		return nil
	}
	if _, err := os.Stat(p); err == nil {
		return &exitError{code: 2, err: fmt.Errorf("%s exists; choose another file or pass --force to overwrite it", p)}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return &exitError{code: 2, err: err}
	}
	return nil
}
