package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/specsync/specsync/internal/keys"
)

// The flags every command spells the same way live here: the Redis key
// prefix, the output format, and the old names kept as hidden aliases.

// deprecatedAnnotation marks a flag kept under an old name; its value is
// what to use instead. warnDeprecated prints a note when one is given.
const deprecatedAnnotation = "specsync-deprecated"

// addPrefixFlag registers --prefix, the prefix of every Redis key, with
// the old name --key-prefix as a deprecated alias.
func addPrefixFlag(fs *pflag.FlagSet, prefix *string) {
	fs.StringVar(prefix, "prefix", keys.DefaultPrefix, "prefix of every specsync Redis key")
	fs.StringVar(prefix, "key-prefix", keys.DefaultPrefix, "prefix of every specsync Redis key")
	deprecate(fs, "key-prefix", "--prefix")
}

// outputFormat is the value of -o: how a command prints what it lists.
type outputFormat string

const (
	outputTable outputFormat = "table"
	outputJSON  outputFormat = "json"
)

// String returns the format's name.
func (o *outputFormat) String() string { return string(*o) }

// Set accepts table or json.
func (o *outputFormat) Set(s string) error {
	switch outputFormat(s) {
	case outputTable, outputJSON:
		*o = outputFormat(s)
		return nil
	}
	return fmt.Errorf("want table or json, not %q", s)
}

// Type names the values in the help.
func (o *outputFormat) Type() string { return "table|json" }

// json reports whether the output is JSON.
func (o outputFormat) json() bool { return o == outputJSON }

// addOutputFlag registers -o/--output (table by default) and, for the
// commands that had one, the old --json as a deprecated alias of -o json.
func addOutputFlag(fs *pflag.FlagSet, o *outputFormat, jsonAlias bool) {
	*o = outputTable
	fs.VarP(o, "output", "o", "output format: table or json")
	if jsonAlias {
		f := fs.VarPF(jsonSwitch{o}, "json", "", "print JSON (same as -o json)")
		f.NoOptDefVal = "true"
		deprecate(fs, "json", "-o json")
	}
}

// addFormatAlias registers validate's old --format text|json as a
// deprecated alias of -o table|json.
func addFormatAlias(fs *pflag.FlagSet, o *outputFormat) {
	fs.Var(textOrJSON{o}, "format", "output format: text or json (same as -o table|json)")
	deprecate(fs, "format", "-o table|json")
}

// textOrJSON is the value of the old --format: text is -o table.
type textOrJSON struct{ o *outputFormat }

func (f textOrJSON) String() string {
	if f.o == nil || !f.o.json() {
		return "text"
	}
	return "json"
}

func (f textOrJSON) Set(s string) error {
	if s == "text" {
		s = string(outputTable)
	}
	if s != string(outputJSON) && s != string(outputTable) {
		return fmt.Errorf("want text or json, not %q", s)
	}
	return f.o.Set(s)
}

func (f textOrJSON) Type() string { return "text|json" }

// jsonSwitch is the value of the old --json flag: true means -o json.
type jsonSwitch struct{ o *outputFormat }

func (j jsonSwitch) String() string { return strconv.FormatBool(j.o != nil && j.o.json()) }

func (j jsonSwitch) Set(s string) error {
	on, err := strconv.ParseBool(s)
	if err != nil {
		return err
	}
	if on {
		*j.o = outputJSON
	}
	return nil
}

func (j jsonSwitch) Type() string { return "bool" }

// deprecate hides the flag old of fs and marks it as replaced by use.
func deprecate(fs *pflag.FlagSet, old, use string) {
	fs.Lookup(old).Hidden = true
	_ = fs.SetAnnotation(old, deprecatedAnnotation, []string{use}) // the flag exists
}

// warnDeprecated prints a note on standard error for every deprecated
// flag the command line gave. pflag's own deprecation notes are not used:
// cobra prints them on standard output, into JSON a script reads.
func warnDeprecated(cmd *cobra.Command, _ []string) {
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if use := f.Annotations[deprecatedAnnotation]; len(use) > 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "specsync: --%s is deprecated and will be removed; use %s\n", f.Name, use[0])
		}
	})
}

// writeJSONLines prints items as JSON, one object per line.
func writeJSONLines[T any](w io.Writer, items []T) error {
	enc := json.NewEncoder(w)
	for _, item := range items {
		if err := enc.Encode(item); err != nil {
			return err
		}
	}
	return nil
}
