package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/specs"
)

func newValidateCmd() *cobra.Command {
	var modelPath string
	var output outputFormat
	var all bool
	opts := loadOptions()
	cmd := &cobra.Command{
		Use:   "validate FILE...",
		Short: "Check connector specs and models; report every finding with its location",
		Long: `validate loads each file (a connector spec, or a model when it carries x-model)
and reports all findings at once. Specs are checked against the model given
with --model or found among the files.

Warnings about parts of a vendor's OpenAPI document the x-sync does not use
(openapi-unused-invalid) are counted but not listed unless --all is given;
-o json lists them all.

Exit status: 0 clean (warnings allowed), 1 findings, 2 a file could not be read.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			paths := args
			if modelPath != "" {
				paths = append([]string{modelPath}, args...)
			}
			res := validateFiles(paths, opts)
			res.all = all
			if err := writeFindings(cmd.OutOrStdout(), output.json(), res); err != nil {
				return err
			}
			return res.exit()
		},
	}
	addOutputFlag(cmd.Flags(), &output, false)
	addFormatAlias(cmd.Flags(), &output)
	cmd.Flags().StringVar(&modelPath, "model", "", "model document to check specs against")
	cmd.Flags().BoolVar(&all, "all", false, "also list the warnings about unused parts of vendor documents")
	cmd.Flags().BoolVar(&opts.AllowExternalFiles, "allow-external-files", false, "allow $refs to files outside a spec's folder")
	cmd.Flags().BoolVar(&opts.AllowRemoteRefs, "allow-remote-refs", false, "allow $refs to http(s) URLs")
	return cmd
}

// validation is the outcome of validating a set of files.
type validation struct {
	files    int
	findings specs.Findings
	// all lists the findings about unused parts of vendor documents in
	// text output, which otherwise only counts them.
	all bool
}

// exit maps the findings to the exit status: 2 when a file could not be
// read, 1 for errors, 0 otherwise (warnings allowed).
func (v *validation) exit() error {
	switch {
	case v.unreadable() > 0:
		return &exitError{code: 2}
	case v.findings.HasErrors():
		return &exitError{code: 1}
	}
	return nil
}

func (v *validation) unreadable() int {
	n := 0
	for _, f := range v.findings {
		if f.Code == specs.CodeParseError {
			n++
		}
	}
	return n
}

// validateFiles checks the specs among paths against the model among them
// (the last one, when several are given).
func validateFiles(paths []string, opts specs.LoadOptions) *validation {
	paths = uniq(paths)
	var model string
	var specPaths []string
	for _, p := range paths {
		if specs.IsModelFile(p) {
			model = p
		} else {
			specPaths = append(specPaths, p)
		}
	}
	return &validation{files: len(paths), findings: specs.ValidateFiles(model, specPaths, opts)}
}

func writeFindings(w io.Writer, asJSON bool, v *validation) error {
	if asJSON {
		out := struct {
			Findings specs.Findings `json:"findings"`
		}{Findings: v.findings}
		if out.Findings == nil {
			out.Findings = specs.Findings{}
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	hidden := printFindings(w, v.findings, v.all)
	errs, warns := countSeverities(v.findings)
	fmt.Fprintf(w, "%d file(s): %d error(s), %d warning(s)", v.files, errs, warns)
	if hidden > 0 {
		fmt.Fprintf(w, " (%d about unused parts of the OpenAPI document hidden; --all lists them)", hidden)
	}
	fmt.Fprintf(w, ", %d unreadable\n", v.unreadable())
	return nil
}

// printFindings writes each finding on its own lines, leaving out the
// warnings about unused parts of a vendor's document unless all; it
// returns how many it left out.
func printFindings(w io.Writer, fs specs.Findings, all bool) (hidden int) {
	for _, f := range fs {
		if f.Unused() && !all {
			hidden++
			continue
		}
		fmt.Fprintln(w, f.String())
	}
	return hidden
}

func countSeverities(fs specs.Findings) (errs, warns int) {
	for _, f := range fs {
		if f.Severity == specs.SeverityError {
			errs++
		} else {
			warns++
		}
	}
	return errs, warns
}

func uniq(ss []string) []string {
	seen := make(map[string]bool, len(ss))
	out := ss[:0:0]
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
