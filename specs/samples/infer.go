package samples

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Options tune Infer. The zero value works.
type Options struct {
	// Title is the document's info.title. Zero: "<host> API" for a HAR
	// capture, else the samples folder's name with " API".
	Title string
	// Origin chooses the scheme and host ("https://api.example.com") of
	// the calls to keep when a HAR capture holds calls to several. Zero:
	// the origin with the most calls; the others are noted and skipped.
	Origin string
	// Server is the URL written to servers when the samples do not name
	// one (the JSON-files form). Zero: the document has no servers.
	Server string
	// Examples adds the first body seen per media type as its example,
	// with the values of members that look secret (password, token, API
	// key, IBAN...) replaced by placeholders of their type. Zero: no
	// examples; bodies may hold personal data.
	Examples bool
}

// Result is an inferred document and what inference could not decide.
type Result struct {
	// Doc is the OpenAPI 3.0 document; Marshal writes it.
	Doc *openapi3.T
	// Samples is how many samples it was inferred from.
	Samples int
	// Notes say what was skipped or ignored, each naming its file.
	Notes []string
}

// ErrNoSamples is returned when a folder or file holds no sample of an
// API call.
var ErrNoSamples = errors.New("no samples of API calls found")

// inference is the state of one Infer call.
type inference struct {
	opts  Options
	auth  *auth
	notes *notes
	// components are the component schemas of the entities found.
	components openapi3.Schemas
}

// Infer reads the samples at path, a folder (HAR files and the JSON-files
// form, see the package documentation) or one HAR file, and infers an
// OpenAPI 3.0 document from them.
func Infer(path string, opts Options) (*Result, error) {
	n := &notes{}
	samples, err := read(path, n)
	if err != nil {
		return nil, err
	}
	samples = keepOrigin(samples, &opts, n)
	if len(samples) == 0 {
		return nil, fmt.Errorf("%s: %w: save a HAR file from the browser's developer tools, or write METHOD.json files in folders that mirror the URL path (users/GET.json, users/42/GET.json)", path, ErrNoSamples)
	}
	in := &inference{opts: opts, auth: detectAuth(samples), notes: n}
	doc := in.document(path, samples)
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document inferred from %s is not valid OpenAPI (%w); please report this with the samples", path, err)
	}
	return &Result{Doc: doc, Samples: len(samples), Notes: n.sorted()}, nil
}

// read reads the samples of a folder or of one HAR file.
func read(path string, n *notes) ([]*Sample, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading samples: %w", err)
	}
	if info.IsDir() {
		return readFiles(os.DirFS(path), path, n)
	}
	if !strings.EqualFold(filepath.Ext(path), ".har") {
		return nil, fmt.Errorf("%s: samples are a folder or a .har file", path)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading samples: %w", err)
	}
	return readHAR(path, data, n)
}

// keepOrigin keeps the samples of one origin (and those that name none),
// and sets opts.Server to it when unset.
func keepOrigin(samples []*Sample, opts *Options, n *notes) []*Sample {
	count := map[string]int{}
	for _, s := range samples {
		if s.Origin != "" {
			count[s.Origin]++
		}
	}
	if len(count) == 0 {
		return samples
	}
	origin := opts.Origin
	if origin == "" {
		for _, o := range slices.Sorted(maps.Keys(count)) {
			if count[o] > count[origin] {
				origin = o
			}
		}
	}
	var out []*Sample
	for _, s := range samples {
		if s.Origin == "" || s.Origin == origin {
			out = append(out, s)
		}
	}
	for _, o := range slices.Sorted(maps.Keys(count)) {
		if o != origin {
			n.add("%s: %s skipped: calls to another host than %s (choose with the origin option)", o, plural(count[o], "call"), origin)
		}
	}
	if opts.Server == "" {
		opts.Server = origin
	}
	return out
}

// document builds the OpenAPI document.
func (in *inference) document(path string, samples []*Sample) *openapi3.T {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{Title: in.title(path), Version: "0.1.0",
			Description: fmt.Sprintf("Inferred from %s by specsync init --from-samples. Check every path, parameter and schema against the API's documentation before relying on it.", plural(len(samples), "sample"))},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}},
	}
	if in.opts.Server != "" {
		doc.Servers = openapi3.Servers{{URL: in.opts.Server}}
	}
	if len(in.auth.schemes) > 0 {
		doc.Components.SecuritySchemes = in.auth.schemes
		doc.Security = in.auth.requirements(samples)
	}
	routes := groupRoutes(samples)
	ops := operations(routes)
	for name, sh := range entities(ops) {
		doc.Components.Schemas[name] = sh.schema(schemaOptions{minRequired: 1})
	}
	in.components = doc.Components.Schemas
	ids := operationIDs(ops)
	for _, r := range routes {
		item := &openapi3.PathItem{}
		for _, op := range ops {
			if op.route == r {
				item.SetOperation(op.method, op.build(in, ids[op]))
			}
		}
		doc.Paths.Set(r.path, item)
	}
	return doc
}

func (in *inference) title(path string) string {
	if in.opts.Title != "" {
		return in.opts.Title
	}
	if u, err := url.Parse(in.opts.Server); err == nil && u.Host != "" {
		return u.Host + " API"
	}
	return strings.TrimSuffix(filepath.Base(filepath.Clean(path)), filepath.Ext(path)) + " API"
}

// operationSecurity returns an operation's own security: none ([]) when
// others use auth and none of its samples did although their request
// headers were captured (a login, a public call); nil, the document's,
// otherwise.
func (in *inference) operationSecurity(samples []*Sample) *openapi3.SecurityRequirements {
	if len(in.auth.schemes) == 0 {
		return nil
	}
	for _, s := range samples {
		if len(in.auth.used[s]) > 0 || s.RequestHeaders == nil {
			return nil
		}
	}
	return &openapi3.SecurityRequirements{}
}
