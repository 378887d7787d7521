package samples

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// The suffixes of the files of one sample in the JSON-files form; the
// stem before them is METHOD or METHOD.LABEL.
const (
	suffixResponse        = ".json"
	suffixRequest         = ".request.json"
	suffixResponseHeaders = ".headers"
	suffixRequestHeaders  = ".request.headers"
)

// sampleFiles are the files of one sample, by suffix.
type sampleFiles struct {
	dir, stem string
	files     map[string]string
}

// readFiles reads a folder of samples: HAR files anywhere in it, and the
// JSON-files form, whose folders mirror the URL path (see the package
// documentation).
func readFiles(fsys fs.FS, root string, notes *notes) ([]*Sample, error) {
	groups := map[string]*sampleFiles{}
	var hars []string
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != "." {
				return fs.SkipDir
			}
			return nil
		}
		if strings.HasSuffix(strings.ToLower(p), ".har") {
			hars = append(hars, p)
			return nil
		}
		if !groupFile(groups, p) {
			notes.add("%s: ignored: not METHOD[.LABEL].json, .request.json, .headers or .request.headers, nor a .har file", path.Join(root, p))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading the samples folder %s: %w", root, err)
	}
	var out []*Sample
	for _, h := range hars {
		data, err := fs.ReadFile(fsys, h)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", path.Join(root, h), err)
		}
		got, err := readHAR(path.Join(root, h), data, notes)
		if err != nil {
			return nil, err
		}
		out = append(out, got...)
	}
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		s, err := groups[key].sample(fsys, root)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// groupFile files p under its sample, and reports whether its name is one
// of a sample's.
func groupFile(groups map[string]*sampleFiles, p string) bool {
	dir, name := path.Split(p)
	for _, suffix := range []string{suffixRequest, suffixRequestHeaders, suffixResponse, suffixResponseHeaders} {
		stem, ok := strings.CutSuffix(name, suffix)
		if !ok {
			continue
		}
		method, _, _ := strings.Cut(stem, ".")
		if _, known := canonicalMethod(method); !known {
			return false
		}
		key := dir + stem
		g := groups[key]
		if g == nil {
			g = &sampleFiles{dir: dir, stem: stem, files: map[string]string{}}
			groups[key] = g
		}
		g.files[suffix] = p
		return true
	}
	return false
}

// sample reads the files of one sample.
func (g *sampleFiles) sample(fsys fs.FS, root string) (*Sample, error) {
	method, label, _ := strings.Cut(g.stem, ".")
	method, _ = canonicalMethod(method)
	s := &Sample{Source: path.Join(root, g.dir, g.stem), Method: method, Path: cleanPath("/" + strings.TrimSuffix(g.dir, "/"))}
	if strings.Contains(label, "=") {
		s.Query = queryPairs(label)
	}
	var err error
	if s.RequestHeaders, _, err = g.headers(fsys, root, suffixRequestHeaders); err != nil {
		return nil, err
	}
	if s.ResponseHeaders, s.Status, err = g.headers(fsys, root, suffixResponseHeaders); err != nil {
		return nil, err
	}
	ct, _ := header(s.RequestHeaders, "Content-Type")
	if s.RequestBody, err = g.body(fsys, root, suffixRequest, ct); err != nil {
		return nil, err
	}
	ct, _ = header(s.ResponseHeaders, "Content-Type")
	if s.ResponseBody, err = g.body(fsys, root, suffixResponse, ct); err != nil {
		return nil, err
	}
	if s.Status == 0 {
		s.Status = 200
		if s.ResponseBody == nil {
			s.Status = 204
		}
	}
	return s, nil
}

// body reads a body file; an empty one is no body.
func (g *sampleFiles) body(fsys fs.FS, root, suffix, contentType string) (*Body, error) {
	p, ok := g.files[suffix]
	if !ok {
		return nil, nil
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path.Join(root, p), err)
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	mt := mediaType(contentType)
	if mt == "" {
		mt = "application/json"
	}
	v, err := jsonvalue.Decode(data)
	if err != nil {
		return nil, jsonError(path.Join(root, p), data, err, "a sample's body file holds the JSON body exactly as sent (curl -o FILE writes it)")
	}
	return &Body{MediaType: mt, Value: v, JSON: true}, nil
}

// headers reads a headers file: "Name: value" lines, after an optional
// status line ("HTTP/1.1 201 Created") as curl -D writes them. Of several
// header blocks (a redirect or a 100 Continue before the answer) the last
// counts.
func (g *sampleFiles) headers(fsys fs.FS, root, suffix string) ([]Pair, int, error) {
	p, ok := g.files[suffix]
	if !ok {
		return nil, 0, nil
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		return nil, 0, fmt.Errorf("reading %s: %w", path.Join(root, p), err)
	}
	var out []Pair
	status := 0
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(strings.TrimPrefix(sc.Text(), "> "))
		switch {
		case line == "":
		case strings.HasPrefix(line, "HTTP/"):
			if status, err = statusLine(line); err != nil {
				return nil, 0, fmt.Errorf("%s:%d:1: %w", path.Join(root, p), n, err)
			}
			out = nil
		default:
			name, value, ok := strings.Cut(line, ":")
			if !ok || strings.ContainsAny(name, " \t") {
				return nil, 0, fmt.Errorf("%s:%d:1: %q is not a header line \"Name: value\" nor a status line \"HTTP/1.1 200 OK\"", path.Join(root, p), n, line)
			}
			out = append(out, Pair{strings.TrimSpace(name), strings.TrimSpace(value)})
		}
	}
	return out, status, sc.Err()
}

// statusLine reads the code of "HTTP/1.1 201 Created" or "HTTP/2 201".
func statusLine(line string) (int, error) {
	fields := strings.Fields(line)
	if len(fields) >= 2 {
		if code, err := strconv.Atoi(fields[1]); err == nil && code >= 100 && code <= 599 {
			return code, nil
		}
	}
	return 0, fmt.Errorf("%q is not a status line such as \"HTTP/1.1 200 OK\"", line)
}
