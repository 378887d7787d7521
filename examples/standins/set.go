package standins

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// Options tune Start. The zero value starts the example as the demo runs
// it.
type Options struct {
	// Dir is the real-estate example's folder (the one holding model.json,
	// erp.json, everreal.json, casavi.json and instances/). Empty means
	// examples/realestate of the module, looked for from the working
	// directory upwards.
	Dir string
	// Data seeds the ERP. Nil means ERPData().
	Data map[string][]map[string]any
	// Mock tunes the ERP and casavi stand-ins. The zero value requires
	// credentials (RequireAuth is always set) and injects no faults.
	Mock mock.Options
	// EverReal tunes the EverReal stand-in.
	EverReal EverRealOptions
	// NoCandidates leaves EverReal without the applicants of
	// DemoCandidates.
	NoCandidates bool
}

// Set is the three stand-ins of the real-estate example, running on
// loopback ports, and the example's instances pointed at them.
//
// A Set is safe for concurrent use; Close stops it.
type Set struct {
	ERP      *ERP
	EverReal *EverReal
	Casavi   *mock.Server
	// ERPURL, EverRealURL and CasaviURL are the base URLs the instances
	// use (server URL with its base path).
	ERPURL, EverRealURL, CasaviURL string
	// Instances are the example's instances (instances/*.json), their
	// paths absolute and their base URLs pointing at the stand-ins, sorted
	// by id.
	Instances []*instance.Instance
	// Dir is the example's folder.
	Dir string

	servers []*httptest.Server
}

// Start runs the stand-ins with the zero Options.
func Start(ctx context.Context) (*Set, error) { return Options{}.Start(ctx) }

// Start runs the ERP, EverReal and casavi stand-ins on free 127.0.0.1
// ports and renders the example's instances to point at them. The
// stand-ins stop when ctx ends or Close is called.
func (o Options) Start(ctx context.Context) (*Set, error) {
	dir, err := exampleDir(o.Dir)
	if err != nil {
		return nil, err
	}
	s := &Set{Dir: dir}
	if err := s.startAll(o); err != nil {
		s.Close()
		return nil, err
	}
	if s.Instances, err = renderInstances(dir, s.baseURLs()); err != nil {
		s.Close()
		return nil, err
	}
	context.AfterFunc(ctx, s.Close)
	return s, nil
}

// startAll builds and serves the three stand-ins.
func (s *Set) startAll(o Options) error {
	mo := o.Mock
	mo.RequireAuth = true
	erpSpec, err := loadSpec(s.Dir, "erp.json")
	if err != nil {
		return err
	}
	casaviSpec, err := loadSpec(s.Dir, "casavi.json")
	if err != nil {
		return err
	}
	data := o.Data
	if data == nil {
		data = ERPData()
	}
	if s.ERP, err = NewERP(erpSpec, mo, data); err != nil {
		return err
	}
	if s.Casavi, err = mock.New(casaviSpec, mo); err != nil {
		return fmt.Errorf("casavi stand-in: %w", err)
	}
	if s.EverReal, err = NewEverReal(o.EverReal); err != nil {
		return err
	}
	if !o.NoCandidates {
		for _, c := range DemoCandidates() {
			if _, err := s.EverReal.AddCandidate(c); err != nil {
				return err
			}
		}
	}
	s.ERPURL = s.serve(s.ERP) + "/api/v2"
	s.EverRealURL = s.serve(s.EverReal) + "/api/reporting"
	s.CasaviURL = s.serve(s.Casavi) + "/v2"
	return nil
}

// serve starts h on a free loopback port and returns its URL.
func (s *Set) serve(h http.Handler) string {
	srv := httptest.NewServer(h)
	s.servers = append(s.servers, srv)
	return srv.URL
}

// baseURLs maps spec file names to the stand-ins' base URLs.
func (s *Set) baseURLs() map[string]string {
	return map[string]string{"erp.json": s.ERPURL, "everreal.json": s.EverRealURL, "casavi.json": s.CasaviURL}
}

// Close stops the stand-ins. It may be called more than once.
func (s *Set) Close() {
	for _, srv := range s.servers {
		srv.Close()
	}
}

// Instance returns the rendered instance with id, or nil.
func (s *Set) Instance(id string) *instance.Instance {
	i := slices.IndexFunc(s.Instances, func(inst *instance.Instance) bool { return inst.ID == id })
	if i < 0 {
		return nil
	}
	return s.Instances[i]
}

// WriteInstances writes the rendered instances as JSON files into dir,
// one per instance (ID.json), for the command line, and returns their
// paths.
func (s *Set) WriteInstances(dir string) ([]string, error) {
	var paths []string
	for _, inst := range s.Instances {
		data, err := json.MarshalIndent(inst, "", "  ")
		if err != nil {
			return nil, fmt.Errorf("instance %s: %w", inst.ID, err)
		}
		p := filepath.Join(dir, inst.ID+".json")
		if err := os.WriteFile(p, append(data, '\n'), 0o644); err != nil {
			return nil, err
		}
		paths = append(paths, p)
	}
	return paths, nil
}

// loadSpec loads one connector spec of the example and refuses findings
// that are errors.
func loadSpec(dir, name string) (*specs.Spec, error) {
	spec, found, err := specs.Load(filepath.Join(dir, name), specs.LoadOptions{Plugins: connectors.DefaultPlugins().Describe()})
	if err != nil {
		return nil, fmt.Errorf("stand-ins: %w", err)
	}
	if found.HasErrors() {
		return nil, fmt.Errorf("stand-ins: %s has findings; run `specsync validate` on it: %s", name, found[0])
	}
	return spec, nil
}

// exampleDir returns dir, or finds examples/realestate from the working
// directory upwards.
func exampleDir(dir string) (string, error) {
	if dir != "" {
		return filepath.Abs(dir)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("stand-ins: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		cand := filepath.Join(d, "examples", "realestate")
		if _, err := os.Stat(filepath.Join(cand, "model.json")); err == nil {
			return cand, nil
		}
		if filepath.Dir(d) == d {
			return "", errors.New("stand-ins: examples/realestate not found from the working directory upwards; run from the specsync checkout or set Options.Dir")
		}
	}
}

// renderInstances decodes instances/*.json of dir and points each system
// at its stand-in.
func renderInstances(dir string, urls map[string]string) ([]*instance.Instance, error) {
	paths, err := filepath.Glob(filepath.Join(dir, "instances", "*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("stand-ins: no instance files in %s", filepath.Join(dir, "instances"))
	}
	var out []*instance.Instance
	for _, p := range paths {
		inst, found, err := instance.ReadInstance(p)
		if err != nil {
			return nil, fmt.Errorf("stand-ins: %w", err)
		}
		if found.HasErrors() {
			return nil, fmt.Errorf("stand-ins: %s: %s", filepath.Base(p), found[0])
		}
		inst.Home.BaseURL = urls[filepath.Base(inst.Home.Spec)]
		inst.Partner.BaseURL = urls[filepath.Base(inst.Partner.Spec)]
		out = append(out, inst)
	}
	slices.SortFunc(out, func(a, b *instance.Instance) int { return strings.Compare(a.ID, b.ID) })
	return out, nil
}
