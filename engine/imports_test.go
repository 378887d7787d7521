package engine_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// module is the module path; the graph below names packages without it.
const module = "github.com/specsync/specsync"

// allowedImports is the import graph of the module, written once: per
// package (without the module path), the module packages its non-test
// files may import. A name ending in "/..." stands for every package
// under it. The arrows go one way, layer by layer:
//
//	internal/*                          leaves: only other internal/*
//	transforms                          internal
//	specs                               transforms, internal
//	specs/samples                       internal
//	connectors                          specs, transforms, internal
//	connectors/mock, connectortest      connectors and what it may import
//	specs/scaffold                      connectors and what it may import
//	engine/instance                     specs, internal
//	engine/store                        engine/instance (its types), internal
//	engine                              engine/instance, engine/store, connectors, specs, transforms, internal
//	engine/queue                        engine and what engine may import
//	engine/bench                        engine, engine/instance, engine/queue, connectors/..., specs, transforms, internal
//	server/notify, server               engine/..., connectors, internal; never specs
//	examples/...                        engine/instance, connectors, specs, transforms, internal
//	cmd/specsync                        anything
//
// Imports from outside the module are free.
var allowedImports = map[string][]string{
	"internal/clock":           {"internal/..."},
	"internal/corpus":          {"internal/..."},
	"internal/golden":          {"internal/..."},
	"internal/jsonptr":         {"internal/..."},
	"internal/jsonvalue":       {"internal/..."},
	"internal/keys":            {"internal/..."},
	"internal/names":           {"internal/..."},
	"internal/nettest":         {"internal/..."},
	"internal/redistest":       {"internal/..."},
	"internal/redteam":         {"internal/..."},
	"internal/stored":          {"internal/..."},
	"transforms":               {"internal/..."},
	"specs":                    {"transforms", "internal/..."},
	"specs/samples":            {"internal/..."},
	"connectors":               {"specs", "transforms", "internal/..."},
	"connectors/connectortest": {"connectors", "specs", "transforms", "internal/..."},
	"connectors/mock":          {"connectors", "specs", "transforms", "internal/..."},
	"specs/scaffold":           {"connectors", "specs", "transforms", "internal/..."},
	"engine/instance":          {"specs", "internal/..."},
	"engine/store":             {"engine/instance", "internal/..."},
	"engine":                   {"engine/instance", "engine/store", "connectors", "specs", "transforms", "internal/..."},
	"engine/queue":             {"engine", "engine/instance", "engine/store", "connectors", "specs", "transforms", "internal/..."},
	"engine/bench":             {"engine", "engine/instance", "engine/queue", "connectors/...", "specs", "transforms", "internal/..."},
	"server/notify":            {"engine/instance", "engine/store", "engine/queue", "connectors", "internal/..."},
	"server":                   {"server/notify", "engine", "engine/instance", "engine/store", "engine/queue", "connectors", "internal/..."},
	"examples":                 {"engine/instance", "connectors/...", "specs", "transforms", "internal/..."},
	"examples/standins":        {"engine/instance", "connectors/...", "specs", "transforms", "internal/..."},
	"cmd/specsync":             {"..."},
}

// knownExceptions are imports against the graph that are still there, each
// with why; the test fails once one is gone, so that it is struck off.
var knownExceptions = map[[2]string]string{
	{"server/notify", "specs"}: "notification settings refer to secrets with specs.Credential",
}

// testImports are what the tests of every package may import besides the
// graph: the test helpers of internal/, the spec-driven mock and the
// conformance suites of connectors.
var testImports = []string{"internal/...", "connectors/mock", "connectors/connectortest"}

// testImportsOf are, per package, what its tests may import besides: the
// packages above it that put it in context. Only external tests (package
// x_test) can do that without a cycle, and the go command refuses cycles.
var testImportsOf = map[string][]string{
	// Specs are checked against the auth and paging types the connectors'
	// plug-in registry describes.
	"specs": {"connectors"},
	// An inferred document is checked by loading it.
	"specs/samples": {"specs"},
	// The queue runs the engine end to end, also from the HTTP side's
	// webhooks, run history and metrics.
	"engine": {"engine/queue", "server"},
	// An instance's state outlives its deletion from the store; its specs
	// are checked against the connectors' plug-ins.
	"engine/instance": {"engine/store", "connectors"},
	// The vendor documents are loaded as specs and served by the mock.
	"internal/corpus": {"specs", "connectors"},
	// A notification is about the ledger's failures, and about runs whose
	// engine summary a test runner makes up.
	"server/notify": {"engine/store", "engine"},
}

// listed is what `go list -json` says of one package.
type listed struct {
	ImportPath   string
	Imports      []string
	TestImports  []string
	XTestImports []string
}

func TestImportsFollowTheGraph(t *testing.T) {
	t.Parallel()
	pkgs := listModule(t)
	seen := map[[2]string]bool{}
	for _, p := range pkgs {
		name := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		allowed, ok := allowedImports[name]
		if !ok {
			t.Errorf("package %s is not in the import graph (allowedImports): add it with the packages it may import", name)
			continue
		}
		for _, imp := range moduleImports(p.Imports) {
			if knownExceptions[[2]string{name, imp}] != "" {
				seen[[2]string{name, imp}] = true
				continue
			}
			if !allows(allowed, imp) {
				t.Errorf("%s imports %s, against the graph: it may import %v", name, imp, allowed)
			}
		}
		testAllowed := slices.Concat(allowed, testImports, testImportsOf[name], []string{name})
		for _, imp := range moduleImports(slices.Concat(p.TestImports, p.XTestImports)) {
			if !allows(testAllowed, imp) && knownExceptions[[2]string{name, imp}] == "" {
				t.Errorf("the tests of %s import %s, against the graph: they may import %v", name, imp, testAllowed)
			}
		}
	}
	for pair, why := range knownExceptions {
		if !seen[pair] {
			t.Errorf("%s no longer imports %s (%s): strike the exception off", pair[0], pair[1], why)
		}
	}
}

// listModule lists every package of the module.
func listModule(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listed
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p listed
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("reading go list: %v", err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < len(allowedImports)/2 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

// moduleImports keeps the imports of module packages, without the module
// path.
func moduleImports(imports []string) []string {
	var out []string
	for _, imp := range imports {
		if rest, ok := strings.CutPrefix(imp, module+"/"); ok && !slices.Contains(out, rest) {
			out = append(out, rest)
		}
	}
	return out
}

// allows reports whether one of the allowed names covers pkg.
func allows(allowed []string, pkg string) bool {
	for _, a := range allowed {
		if a == "..." || a == pkg {
			return true
		}
		if prefix, ok := strings.CutSuffix(a, "/..."); ok && (pkg == prefix || strings.HasPrefix(pkg, prefix+"/")) {
			return true
		}
	}
	return false
}

func TestImportGraphRefusesArrowsAgainstIt(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ from, to string }{
		{"engine/store", "engine"},
		{"engine/store", "engine/queue"},
		{"engine/instance", "engine"},
		{"engine/instance", "engine/store"},
		{"engine", "engine/queue"},
		{"internal/keys", "engine/store"},
		{"server", "specs"},
		{"specs", "connectors"},
	} {
		if allows(allowedImports[c.from], c.to) {
			t.Errorf("the graph lets %s import %s", c.from, c.to)
		}
	}
	if !allows(allowedImports["engine"], "internal/keys") || !allows(allowedImports["cmd/specsync"], "engine/queue") {
		t.Error("the graph refuses an arrow it draws")
	}
}
