package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/spf13/cobra"

	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

type mapFlags struct {
	direction, input, modelPath, source string
	includes, ids                       []string
}

func newMapCmd() *cobra.Command {
	var f mapFlags
	cmd := &cobra.Command{
		Use:   "map FILE ENTITY --input record.json",
		Short: "Render one record through an entity's write or read mapping",
		Long: `map applies an entity's mapping to one record so an integrator can try it.

write: the input is a model record; related records named in the entity's
include come from --include NAME=FILE, their partner ids from --id NAME=ID.
read: the input is an API object of the system; the result is a model record
(checked against the model when --model is given).`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, err := runMap(cmd, args[0], args[1], f)
			if err != nil {
				return err
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(out)
		},
	}
	cmd.Flags().StringVar(&f.direction, "direction", "write", "write (model -> API body) or read (API object -> model)")
	cmd.Flags().StringVar(&f.input, "input", "", "JSON file with the record (- for standard input)")
	cmd.Flags().StringVar(&f.modelPath, "model", "", "model document, to type-check read mappings")
	cmd.Flags().StringVar(&f.source, "source", "specsync", "value of instance.source")
	cmd.Flags().StringArrayVar(&f.includes, "include", nil, "related record as NAME=FILE (repeatable)")
	cmd.Flags().StringArrayVar(&f.ids, "id", nil, "partner id of a related record as NAME=ID (repeatable)")
	_ = cmd.MarkFlagRequired("input")
	return cmd
}

func runMap(cmd *cobra.Command, path, entity string, f mapFlags) (map[string]any, error) {
	spec, err := loadSpec(cmd.ErrOrStderr(), path, loadOptions())
	if err != nil {
		return nil, err
	}
	e, ok := spec.Entity(entity)
	if !ok {
		return nil, &exitError{code: 2, err: fmt.Errorf("%s has no entity %q; it has: %s", path, entity, strings.Join(entityNames(spec), ", "))}
	}
	record, err := readJSONObject(f.input)
	if err != nil {
		return nil, &exitError{code: 2, err: err}
	}
	tree, target, vars, err := mapInputs(cmd, spec, e, entity, record, f)
	if err != nil {
		return nil, err
	}
	m, err := transforms.NewEnv().CompileMapping(tree, target)
	if err != nil {
		return nil, &exitError{code: 1, err: fmt.Errorf("%s: entity %s: %s mapping: %w", path, entity, f.direction, err)}
	}
	out, err := m.Apply(vars)
	if err != nil {
		return nil, &exitError{code: 1, err: fmt.Errorf("%s: %w", f.input, err)}
	}
	return out, nil
}

// mapInputs picks the mapping, its target schema and the template variables
// for the chosen direction.
func mapInputs(cmd *cobra.Command, spec *specs.Spec, e *specs.Entity, entity string, record map[string]any, f mapFlags) (map[string]any, *openapi3.Schema, transforms.Vars, error) {
	switch f.direction {
	case "write":
		op := firstOp(e.Upsert, e.Create, e.Update)
		if op == nil {
			return nil, nil, nil, &exitError{code: 2, err: fmt.Errorf("entity %s has no create, update or upsert operation", entity)}
		}
		includes, err := readIncludes(f.includes)
		if err != nil {
			return nil, nil, nil, &exitError{code: 2, err: err}
		}
		vars := transforms.Vars{e.Model: record, "record": record, "ids": pairs(f.ids), "instance": map[string]any{"id": "cli", "organisation": "cli", "source": f.source}}
		for name, rec := range includes {
			vars[name] = rec
		}
		return e.Write, spec.WriteSchema(op), vars, nil
	case "read":
		var target *openapi3.Schema
		if f.modelPath != "" {
			model, fs, err := specs.LoadModel(f.modelPath, loadOptions())
			if err != nil || fs.HasErrors() {
				return nil, nil, nil, &exitError{code: 2, err: fmt.Errorf("model %s is not usable; run `specsync validate %s`", f.modelPath, f.modelPath)}
			}
			target = model.Schema(e.Model)
		}
		return e.Read, target, transforms.Vars{entity: record, "record": record}, nil
	}
	return nil, nil, nil, &exitError{code: 2, err: fmt.Errorf("--direction must be write or read, not %q", f.direction)}
}

func firstOp(ops ...*specs.Operation) *specs.Operation {
	for _, op := range ops {
		if op != nil {
			return op
		}
	}
	return nil
}

func readIncludes(list []string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	for name, file := range pairs(list) {
		rec, err := readJSONObject(file.(string))
		if err != nil {
			return nil, fmt.Errorf("--include %s: %w", name, err)
		}
		out[name] = rec
	}
	return out, nil
}

// pairs splits NAME=VALUE flags.
func pairs(list []string) map[string]any {
	out := map[string]any{}
	for _, kv := range list {
		name, value, _ := strings.Cut(kv, "=")
		out[name] = value
	}
	return out
}

// readJSONObject reads one JSON object, keeping numbers exact.
func readJSONObject(path string) (map[string]any, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var obj map[string]any
	if err := dec.Decode(&obj); err != nil {
		return nil, fmt.Errorf("%s: not a JSON object: %w", path, err)
	}
	if obj == nil {
		return nil, errors.New(path + ": expected a JSON object, got null")
	}
	return obj, nil
}
