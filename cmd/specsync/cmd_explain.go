package main

import (
	"fmt"
	"io"
	"maps"
	"regexp"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
)

func newExplainCmd() *cobra.Command {
	opts := loadOptions()
	cmd := &cobra.Command{
		Use:   "explain FILE [ENTITY]",
		Short: "Print a spec's entities, their operations and field mappings as tables",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := loadSpec(cmd.ErrOrStderr(), args[0], opts)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(args) == 1 {
				explainSpec(w, spec)
				return nil
			}
			e, ok := spec.Entity(args[1])
			if !ok {
				return &exitError{code: 2, err: fmt.Errorf("%s has no entity %q; it has: %s", args[0], args[1], strings.Join(entityNames(spec), ", "))}
			}
			explainEntity(w, spec, args[1], e)
			return nil
		},
	}
	cmd.Flags().BoolVar(&opts.AllowExternalFiles, "allow-external-files", false, "allow $refs to files outside the spec's folder")
	return cmd
}

// loadSpec loads a spec for commands that need a usable one: findings that
// are errors are printed and refuse the spec.
func loadSpec(stderr io.Writer, path string, opts specs.LoadOptions) (*specs.Spec, error) {
	spec, fs, err := specs.Load(path, opts)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	if fs.HasErrors() {
		if hidden := printFindings(stderr, fs, false); hidden > 0 {
			fmt.Fprintf(stderr, "(%d warnings about unused parts of the OpenAPI document not shown; `specsync validate --all %s` lists them)\n", hidden, path)
		}
		return nil, &exitError{code: 1, err: fmt.Errorf("%s has findings; run `specsync validate %s`", path, path)}
	}
	return spec, nil
}

func explainSpec(w io.Writer, spec *specs.Spec) {
	s := spec.Sync
	if spec.Extends != "" {
		fmt.Fprintf(w, "system %s (%s, extending %s)\n", s.System, spec.Path, spec.Extends)
	} else {
		fmt.Fprintf(w, "system %s (%s)\n", s.System, spec.Path)
	}
	fmt.Fprintf(w, "auth: %s\nrate limit: %s\n", describeAuth(s.Auth), describeRateLimit(s.RateLimit))
	if s.GraphQL != nil {
		fmt.Fprintf(w, "graphql endpoint: %s\n", describeOp(spec, s.GraphQL.Operation))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ENTITY\tMODEL\tKEY\tACTION\tOPERATION\tPAGINATION\tINCREMENTAL")
	for _, name := range entityNames(spec) {
		e := s.Entities[name]
		for _, a := range entityActions(e) {
			page, inc := "", ""
			if a.name == "list" {
				page, inc = describePagination(firstPagination(e.Pagination, s.Pagination)), describeIncremental(e.Incremental)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", name, e.Model, e.Key, a.name, describeAction(spec, a.op), page, inc)
		}
	}
	tw.Flush()
}

func explainEntity(w io.Writer, spec *specs.Spec, name string, e *specs.Entity) {
	fmt.Fprintf(w, "entity %s -> model %s (key %s", name, e.Model, e.Key)
	if e.ID != "" {
		fmt.Fprintf(w, ", id %s", e.ID)
	}
	fmt.Fprintln(w, ")")
	if e.When != "" {
		fmt.Fprintf(w, "only when: %s\n", e.When)
	}
	for _, inc := range slices.Sorted(maps.Keys(e.Include)) {
		fmt.Fprintf(w, "include %s by %s\n", inc, e.Include[inc])
	}
	for _, a := range entityActions(e) {
		fmt.Fprintf(w, "%s: %s\n", a.name, describeAction(spec, a.op))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DIRECTION\tFIELD\tTEMPLATE")
	writeMappingRows(tw, "write", e.Write)
	writeMappingRows(tw, "read", e.Read)
	tw.Flush()
}

func writeMappingRows(w io.Writer, direction string, m specs.Mapping) {
	if m == nil {
		fmt.Fprintf(w, "%s\t(identity)\t\n", direction)
		return
	}
	rows := map[string]string{}
	flattenMapping("", map[string]any(m), rows)
	for _, field := range slices.Sorted(maps.Keys(rows)) {
		fmt.Fprintf(w, "%s\t%s\t%s\n", direction, field, rows[field])
	}
}

// flattenMapping lists a mapping's leaves by JSON pointer.
func flattenMapping(prefix string, v any, out map[string]string) {
	switch t := v.(type) {
	case map[string]any:
		for k, child := range t {
			flattenMapping(jsonptr.Join(prefix, k), child, out)
		}
	case []any:
		for i, child := range t {
			flattenMapping(fmt.Sprintf("%s/%d", prefix, i), child, out)
		}
	default:
		out[prefix] = leafText(t)
	}
}

// leafText is the text of a mapping leaf: a template, or a constant
// rendered as jsonvalue.Text renders it (null as <nil>).
func leafText(v any) string {
	if s, ok := jsonvalue.Text(v); ok {
		return s
	}
	return fmt.Sprint(v)
}

type action struct {
	name string
	op   *specs.Operation
}

func entityActions(e *specs.Entity) []action {
	all := []action{{"list", e.List}, {"get", e.Get}, {"lookup", e.Lookup}, {"create", e.Create}, {"update", e.Update}, {"upsert", e.Upsert}, {"delete", e.Delete}}
	out := all[:0]
	for _, a := range all {
		if a.op != nil {
			out = append(out, a)
		}
	}
	return out
}

// describeAction names the operation, and for GraphQL the root field of its
// document ("graphql POST /graphql: mutation upsertTenant").
func describeAction(spec *specs.Spec, op *specs.Operation) string {
	s := describeOp(spec, op.Operation)
	if m := graphqlRoot.FindStringSubmatch(op.GraphQL); m != nil {
		s += ": " + m[1] + " " + m[2]
	}
	return s
}

var graphqlRoot = regexp.MustCompile(`^\s*(query|mutation)\b[^{]*\{\s*([A-Za-z_][A-Za-z0-9_]*)`)

func describeOp(spec *specs.Spec, id string) string {
	ref, ok := spec.Operation(id)
	if !ok {
		return id + " (missing)"
	}
	return fmt.Sprintf("%s %s %s", id, ref.Method, ref.Path)
}

func describeAuth(a *specs.Auth) string {
	if a == nil {
		return "none"
	}
	return builtinPlugins().Summary(specs.PluginAuth, a.Type, a.Config)
}

func describeRateLimit(r *specs.RateLimit) string {
	if r == nil {
		return "none"
	}
	per := r.Per.Std().String()
	if r.Per == 0 {
		per = "1s"
	}
	scope := "account"
	if r.Scope == specs.ScopeInstance {
		scope = "instance"
	}
	return fmt.Sprintf("%d requests per %s, per %s", r.Requests, per, scope)
}

func firstPagination(ps ...*specs.Pagination) *specs.Pagination {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func describePagination(p *specs.Pagination) string {
	if p == nil {
		return "none"
	}
	return builtinPlugins().Summary(specs.PluginPagination, p.Type, p.Config)
}

func describeIncremental(inc *specs.Incremental) string {
	if inc == nil {
		return "full"
	}
	return fmt.Sprintf("%s from %s", inc.Param, inc.Field)
}

func entityNames(spec *specs.Spec) []string { return slices.Sorted(maps.Keys(spec.Sync.Entities)) }
