package corpus_test

import (
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// document is one vendor's published document and what the tests do with
// it: sync.json beside it names entity, whose list and create the mock
// serves.
type document struct {
	vendor  string // folder under testdata
	file    string // the vendor's document in it
	version string // the OpenAPI or Swagger version it declares
	entity  string // the entity sync.json names
	header  map[string]string
	list    string  // path of the entity's list
	create  request // a create of one record
	created string  // a value the created record holds, found again in the list
}

// request is one HTTP request to the mock.
type request struct {
	method, path, contentType, body string
}

var documents = []document{
	{vendor: "harbor", file: "swagger.yaml", version: "2.0", entity: "project",
		list:    "/projects",
		create:  request{"POST", "/projects", "application/json", `{"project_name": "corpus-test", "public": true}`},
		created: "corpus-test"},
	{vendor: "xero", file: "xero_accounting.yaml", version: "3.0.0", entity: "contact",
		header:  map[string]string{"xero-tenant-id": "tenant-1"},
		list:    "/Contacts",
		create:  request{"PUT", "/Contacts", "application/json", `{"Contacts": [{"ContactNumber": "C-1", "Name": "corpus-test"}]}`},
		created: "corpus-test"},
	{vendor: "twilio", file: "twilio_conversations_v1.json", version: "3.0.1", entity: "role",
		list:    "/v1/Roles",
		create:  request{"POST", "/v1/Roles", "application/x-www-form-urlencoded", "FriendlyName=corpus-test&Type=conversation&Permission=sendMessage"},
		created: "corpus-test"},
	{vendor: "discord", file: "openapi.json", version: "3.1.0", entity: "role",
		list:    "/guilds/1/roles",
		create:  request{"POST", "/guilds/1/roles", "application/json", `{"name": "corpus-test", "mentionable": true}`},
		created: "corpus-test"},
	{vendor: "box", file: "openapi.json", version: "3.0.2", entity: "group",
		list:    "/groups",
		create:  request{"POST", "/groups", "application/json", `{"name": "corpus-test"}`},
		created: "corpus-test"},
	{vendor: "openai", file: "openapi.json", version: "3.1.0", entity: "assistant",
		list:    "/assistants",
		create:  request{"POST", "/assistants", "application/json", `{"model": "gpt-4o", "name": "corpus-test"}`},
		created: "corpus-test"},
}

// largest is the document BenchmarkValidate and the peak memory test
// measure: over 3 MB.
const largest = "openai"

func (d document) path() string    { return filepath.Join("testdata", d.vendor, d.file) }
func (d document) overlay() string { return filepath.Join("testdata", d.vendor, "sync.json") }

func documentOf(t testing.TB, vendor string) document {
	t.Helper()
	for _, d := range documents {
		if d.vendor == vendor {
			return d
		}
	}
	t.Fatalf("no document of %s", vendor)
	return document{}
}

// skipLargestInShort skips the largest document's in-process load under
// -short: it takes a minute under the race detector. The built command
// still loads it (TestInit, TestValidateCPUAndPeakMemory).
func skipLargestInShort(t *testing.T, d document) {
	t.Helper()
	if testing.Short() && d.vendor == largest {
		t.Skipf("-short: %s is loaded in-process only without -short", d.path())
	}
}

// loadOptions are the options the commands load specs with.
func loadOptions() specs.LoadOptions {
	return specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()}
}

// loaded is a spec loaded once for every test that needs it: the larger
// documents take seconds under the race detector.
type loaded struct {
	once     sync.Once
	spec     *specs.Spec
	findings specs.Findings
	err      error
}

var loads sync.Map // path -> *loaded

// load loads the spec at path once per test binary.
func load(path string) (*specs.Spec, specs.Findings, error) {
	v, _ := loads.LoadOrStore(path, &loaded{})
	l := v.(*loaded)
	l.once.Do(func() { l.spec, l.findings, l.err = specs.Load(path, loadOptions()) })
	return l.spec, l.findings, l.err
}

// shown is how many errors a failure prints; the rest are counted.
const shown = 12

// errorsOf lists the findings that are errors, the first line of each,
// the first few.
func errorsOf(fs specs.Findings) string {
	var lines []string
	for _, f := range fs {
		if f.Severity == specs.SeverityError {
			line, _, _ := strings.Cut(f.String(), "\n")
			lines = append(lines, line)
		}
	}
	return firstLines(lines)
}

// firstLines joins the first lines and counts the others.
func firstLines(lines []string) string {
	var b bytes.Buffer
	for i, line := range lines {
		if i == shown {
			fmt.Fprintf(&b, "... and %d more\n", len(lines)-shown)
			break
		}
		fmt.Fprintln(&b, strings.TrimRight(line, "\n"))
	}
	return b.String()
}

var blobLine = regexp.MustCompile(`(?m)^- Blob: ([0-9a-f]{40})`)

// TestDocumentsAsPublished pins each document to the git blob its vendor
// published (SOURCE.md), and checks the licence is beside it.
func TestDocumentsAsPublished(t *testing.T) {
	t.Parallel()
	for _, d := range documents {
		source, err := os.ReadFile(filepath.Join("testdata", d.vendor, "SOURCE.md"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := os.Stat(filepath.Join("testdata", d.vendor, "LICENSE")); err != nil {
			t.Errorf("%s: no licence beside the document: %v", d.vendor, err)
		}
		m := blobLine.FindSubmatch(source)
		if m == nil {
			t.Fatalf("%s: SOURCE.md names no blob", d.vendor)
		}
		data, err := os.ReadFile(d.path())
		if err != nil {
			t.Fatal(err)
		}
		if got := blobHash(data); got != string(m[1]) {
			t.Errorf("%s: %s is blob %s, not %s as published", d.vendor, d.file, got, m[1])
		}
	}
}

// blobHash is git's object id of a file's content.
func blobHash(data []byte) string {
	h := sha1.New()
	fmt.Fprintf(h, "blob %d\x00", len(data))
	h.Write(data)
	return fmt.Sprintf("%x", h.Sum(nil))
}

// binary is the specsync command, built once for the tests that run it.
var binary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// specsync returns the path of the built command.
func specsync(t testing.TB) string {
	t.Helper()
	binary.once.Do(func() {
		binary.dir, binary.err = os.MkdirTemp("", "corpus-bin-")
		if binary.err != nil {
			return
		}
		binary.path = filepath.Join(binary.dir, "specsync")
		out, err := exec.Command("go", "build", "-o", binary.path, "github.com/specsync/specsync/cmd/specsync").CombinedOutput()
		if err != nil {
			binary.err = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

func TestMain(m *testing.M) {
	if code, ok := measureChild(); ok {
		os.Exit(code)
	}
	code := m.Run()
	if binary.dir != "" {
		os.RemoveAll(binary.dir)
	}
	os.Exit(code)
}

// run runs the command with args and returns its output and state.
func run(t testing.TB, args ...string) (stdout, stderr string, state *os.ProcessState) {
	t.Helper()
	var out, errOut bytes.Buffer
	cmd := exec.Command(specsync(t), args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	var exit *exec.ExitError
	if err := cmd.Run(); err != nil && !errors.As(err, &exit) {
		t.Fatalf("specsync %v: %v", args, err)
	}
	return out.String(), errOut.String(), cmd.ProcessState
}
