package main

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/examples/standins"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// repoRoot is the repository, where the image's working directory has the
// same examples/.
const repoRoot = "../.."

// composeFile is what the tests read of docker-compose.yml.
type composeFile struct {
	Services map[string]composeService
}

type composeService struct {
	Build       any
	Command     []string
	Environment map[string]string
	Healthcheck struct{ Test []string }
	DependsOn   map[string]struct{ Condition string } `yaml:"depends_on"`
}

func loadCompose(t *testing.T) composeFile {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c composeFile
	if err := yaml.Unmarshal(data, &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// built returns the services built from this repository, by name.
func (c composeFile) built() []string {
	var names []string
	for name, s := range c.Services {
		if s.Build != nil {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return names
}

// composeVar is "${NAME:-default}" or "${NAME:?message}".
var composeVar = regexp.MustCompile(`^\$\{([A-Z0-9_]+)(:-([^}]*)|:\?[^}]*)?\}$`)

// defaults returns the environment a service gets when none of its
// variables is set: literals and the defaults of ${NAME:-default}.
func (s composeService) defaults() map[string]string {
	env := map[string]string{}
	for name, v := range s.Environment {
		m := composeVar.FindStringSubmatch(v)
		switch {
		case m == nil:
			env[name] = v
		case strings.HasPrefix(m[2], ":-"):
			env[name] = m[3]
		}
	}
	return env
}

// TestComposeCommandsParse: every service built from this repository runs
// a command of the binary with flags and arguments it takes, on files the
// image holds.
func TestComposeCommandsParse(t *testing.T) {
	c := loadCompose(t)
	for _, name := range c.built() {
		t.Run(name, func(t *testing.T) {
			args := c.Services[name].Command
			root := newRootCmd()
			cmd, rest, err := root.Find(args)
			if err != nil || cmd == root {
				t.Fatalf("command %q is not one of the binary's: %v", args, err)
			}
			if err := cmd.ParseFlags(rest); err != nil {
				t.Fatalf("command %q: %v", args, err)
			}
			if err := cmd.ValidateArgs(cmd.Flags().Args()); err != nil {
				t.Fatalf("command %q: %v", args, err)
			}
			for _, arg := range cmd.Flags().Args() {
				if _, err := os.Stat(filepath.Join(repoRoot, arg)); err != nil {
					t.Errorf("command %q names %s, which the image does not hold: %v", args, arg, err)
				}
			}
		})
	}
}

// TestComposeRunsTheExample starts the stand-ins the compose file starts,
// as `specsync mock` serves them, and runs every example instance with its
// base URLs moved to the stand-in on the same port (as the file's header
// says) and the credentials the sync services get by default. Every
// instance must run, the pushes must reach their partners, and no request
// may leave for another host (such as EverReal's production token
// endpoint).
func TestComposeRunsTheExample(t *testing.T) {
	c := loadCompose(t)
	standIns := map[string]*mock.Server{} // port -> stand-in
	urls := map[string]string{}           // port -> its host:port here
	for _, name := range c.built() {
		args := c.Services[name].Command
		if len(args) < 2 || args[0] != "mock" {
			continue
		}
		spec, fs, err := specs.Load(filepath.Join(repoRoot, args[1]), specs.LoadOptions{})
		if err != nil || fs.HasErrors() {
			t.Fatalf("%s: %v %v", name, err, fs)
		}
		srv, err := mock.New(spec, mock.Options{Seed: 1, Logger: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		if spec.Sync.System == "erp" {
			for entity, records := range standins.ERPData() {
				if err := srv.Seed(entity, records); err != nil {
					t.Fatalf("seeding the ERP's %s: %v", entity, err)
				}
			}
		}
		hs := httptest.NewServer(srv)
		t.Cleanup(hs.Close)
		port := addrPort(t, args)
		standIns[port], urls[port] = srv, strings.TrimPrefix(hs.URL, "http://")
	}
	if len(standIns) == 0 {
		t.Fatal("the compose file starts no stand-ins")
	}

	for _, name := range c.built() {
		if s := c.Services[name]; len(s.Command) > 0 && s.Command[0] == "serve" {
			env := s.defaults()
			for v, want := range standins.DemoCredentials() {
				if env[v] != want {
					t.Errorf("service %s gets $%s = %q by default; the example's demo credential is %q", name, v, env[v], want)
				}
			}
		}
	}
	env := c.Services["specsync"].defaults()
	rdb := redistest.New(t)
	eng, err := engine.New(engine.Config{Redis: rdb.Client, Keys: keys.New(rdb.Prefix), Transport: connectortest.LoopbackOnly(t),
		Logger: slog.New(slog.DiscardHandler), LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }})
	if err != nil {
		t.Fatal(err)
	}
	paths, _ := filepath.Glob(filepath.Join(repoRoot, "examples/realestate/instances/*.json"))
	if len(paths) == 0 {
		t.Fatal("the example has no instances")
	}
	for _, path := range paths {
		l, fs, err := instance.LoadInstance(path, specs.LoadOptions{})
		if err != nil || fs.HasErrors() {
			t.Fatalf("%s: %v %v", path, err, fs)
		}
		inst := l.Instance
		inst.Home.BaseURL, _ = moveToStandIn(t, inst.ID, inst.Home.BaseURL, urls)
		var partnerPort string
		inst.Partner.BaseURL, partnerPort = moveToStandIn(t, inst.ID, inst.Partner.BaseURL, urls)
		for _, sys := range []*instance.System{&inst.Home, &inst.Partner} {
			for name, cred := range sys.Credentials {
				if _, ok := env[cred.Env]; cred.Env != "" && !ok {
					t.Errorf("%s: credential %s comes from $%s, which the sync services do not get", inst.ID, name, cred.Env)
				}
			}
		}
		partner := standIns[partnerPort]
		before := partner.Stats().Creates
		sum, err := eng.Run(context.Background(), l, engine.RunOptions{})
		if err != nil || sum.Status() == engine.StatusFailed {
			t.Fatalf("%s: %v\n%s", inst.ID, err, summaryText(sum))
		}
		t.Logf("%s: %s, %d records created at the partner", inst.ID, sum.Status(), partner.Stats().Creates-before)
		if len(inst.Permissions[instance.Push]) > 0 && partner.Stats().Creates == before {
			t.Errorf("%s pushed nothing to its partner:\n%s", inst.ID, summaryText(sum))
		}
	}
}

// addrPort is the port of a mock command's --addr.
func addrPort(t *testing.T, args []string) string {
	t.Helper()
	i := slices.Index(args, "--addr")
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("command %q has no --addr", args)
	}
	_, port, err := net.SplitHostPort(args[i+1])
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// moveToStandIn points an instance's base URL at the stand-in on its
// port, and returns it with that compose port.
func moveToStandIn(t *testing.T, id, base string, urls map[string]string) (string, string) {
	t.Helper()
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	port := u.Port()
	here, ok := urls[port]
	if !ok {
		t.Fatalf("%s: no stand-in of the compose file listens on port %s of %s", id, port, base)
	}
	u.Host = here
	return u.String(), port
}

// summaryText is a run's summary table; empty for no summary.
func summaryText(s *engine.Summary) string {
	if s == nil {
		return ""
	}
	var b strings.Builder
	s.Table(&b)
	return b.String()
}
