package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// composeToken is the admin token the test gives the services that
// require one.
const composeToken = "compose-test-token"

// composeUp runs the services of docker-compose.yml built from this
// repository as processes of one binary, each on a free local port.
type composeUp struct {
	t      *testing.T
	c      composeFile
	bin    string
	redis  string            // the test's REDIS_URL
	prefix string            // the test's key prefix
	hosts  map[string]string // "service:port" -> "127.0.0.1:free"
	procs  map[string]*composeProc
}

// composeProc is one running service.
type composeProc struct {
	cmd  *exec.Cmd
	out  *bytes.Buffer
	done chan error
}

// TestComposeUpSyncs is `docker compose up` without docker: every service
// the compose file builds runs as a process with its command and
// environment, in the order its depends_on conditions say, Redis being
// the test's own. Long-running services must declare a healthcheck that
// runs `specsync healthcheck`, and the test waits for it as compose
// would; one-shot services must exit 0. Then records must arrive at every
// stand-in the ERP pushes to, counted by the stand-in's /healthz.
func TestComposeUpSyncs(t *testing.T) {
	url := os.Getenv("REDIS_URL")
	if url == "" {
		t.Skip("the compose services need a real Redis: set REDIS_URL")
	}
	rs := redistest.New(t)
	u := &composeUp{t: t, c: loadCompose(t), bin: buildBinary(t), redis: url, prefix: rs.Prefix,
		hosts: map[string]string{}, procs: map[string]*composeProc{}}
	t.Cleanup(func() { deleteQueue(rs.Client, keys.New(rs.Prefix).Queue()) })
	for _, name := range u.c.built() {
		if port := listenPort(u.c.Services[name].Command); port != "" {
			u.hosts[name+":"+port] = freeAddr(t)
		}
	}
	u.startAll()
	partners := 0
	for _, name := range u.c.built() {
		s := u.c.Services[name]
		if len(s.Command) < 2 || s.Command[0] != "mock" || slices.Contains(s.Command, "--seed-demo") {
			continue
		}
		partners++
		addr := u.hosts[name+":"+listenPort(s.Command)]
		if !waitUntil(60*time.Second, func() bool { return mockCreates(addr) > 0 }) {
			t.Errorf("no record arrived at stand-in %s\n%s", name, u.logs())
		}
		t.Logf("stand-in %s: %d records created", name, mockCreates(addr))
	}
	if partners == 0 {
		t.Fatal("the compose file starts no stand-in of a partner")
	}
}

// startAll starts every built service once its dependencies are met.
func (u *composeUp) startAll() {
	u.t.Helper()
	pending := u.c.built()
	for len(pending) > 0 {
		i := slices.IndexFunc(pending, u.ready)
		if i < 0 {
			u.t.Fatalf("services %v wait for each other or for a service the test cannot start", pending)
		}
		name := pending[i]
		pending = slices.Delete(pending, i, i+1)
		u.start(name)
		if len(u.c.Services[name].Healthcheck.Test) == 0 {
			u.waitExit(name)
		} else {
			u.waitHealthy(name)
		}
	}
}

// ready reports whether name's dependencies are met; Redis is the test's.
func (u *composeUp) ready(name string) bool {
	for dep := range u.c.Services[name].DependsOn {
		if _, built := u.c.Services[dep]; built && u.c.Services[dep].Build != nil && u.procs[dep] == nil {
			return false
		}
	}
	return true
}

// start runs name's command with its environment.
func (u *composeUp) start(name string) {
	u.t.Helper()
	s := u.c.Services[name]
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + u.t.TempDir()}
	for k, v := range s.defaults() {
		env = append(env, k+"="+u.rewrite(name, v))
	}
	for k, v := range s.Environment {
		if strings.HasPrefix(v, "${"+k+":?") {
			env = append(env, k+"="+composeToken)
		}
	}
	if _, ok := s.Environment["REDIS_URL"]; ok {
		env = append(env, "REDIS_URL="+u.redis)
	}
	p := &composeProc{cmd: exec.Command(u.bin, u.args(name, s.Command)...), out: &bytes.Buffer{}, done: make(chan error, 1)}
	p.cmd.Dir, p.cmd.Env, p.cmd.Stdout, p.cmd.Stderr = repoRoot, env, p.out, p.out
	if err := p.cmd.Start(); err != nil {
		u.t.Fatalf("%s: %v", name, err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	u.procs[name] = p
	u.t.Cleanup(func() { p.stop() })
}

// args rewrites a service's command for the test: its listen address
// becomes its free port, other services' hosts theirs, and the key
// prefix the test's.
func (u *composeUp) args(name string, command []string) []string {
	out := make([]string, len(command))
	for i, a := range command {
		out[i] = u.rewrite(name, a)
		if i > 0 && (command[i-1] == "--addr" || command[i-1] == "--listen") {
			out[i] = u.hosts[name+":"+listenPort(command)]
		}
	}
	cmd, _, err := newRootCmd().Find(command)
	if err != nil {
		u.t.Fatalf("%s: %v", name, err)
	}
	for _, flag := range []string{"prefix", "key-prefix"} {
		if cmd.Flags().Lookup(flag) != nil || cmd.InheritedFlags().Lookup(flag) != nil {
			return append(out, "--"+flag, u.prefix)
		}
	}
	return out
}

// rewrite replaces other services' host:port, and name's own
// 127.0.0.1:port, with their free ports.
func (u *composeUp) rewrite(name, s string) string {
	for host, addr := range u.hosts {
		s = strings.ReplaceAll(s, "//"+host, "//"+addr)
		if svc, port, _ := strings.Cut(host, ":"); svc == name {
			s = strings.ReplaceAll(s, "//127.0.0.1:"+port, "//"+addr)
		}
	}
	return s
}

// waitHealthy runs the service's healthcheck, as compose does, until it
// passes.
func (u *composeUp) waitHealthy(name string) {
	u.t.Helper()
	test := u.c.Services[name].Healthcheck.Test
	if len(test) < 3 || test[0] != "CMD" || test[1] != "specsync" || test[2] != "healthcheck" {
		u.t.Fatalf("service %s: healthcheck %q; want [CMD, specsync, healthcheck, URL]", name, test)
	}
	args := make([]string, 0, len(test)-2)
	for _, a := range test[2:] {
		args = append(args, u.rewrite(name, a))
	}
	var out []byte
	healthy := waitUntil(30*time.Second, func() bool {
		var err error
		out, err = exec.Command(u.bin, args...).CombinedOutput()
		return err == nil
	})
	if !healthy {
		u.t.Fatalf("service %s never became healthy: %s\n%s", name, out, u.logs())
	}
}

// waitExit waits for a one-shot service to exit 0.
func (u *composeUp) waitExit(name string) {
	u.t.Helper()
	p := u.procs[name]
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			u.t.Fatalf("one-shot service %s: %v\n%s", name, err, p.out.String())
		}
	case <-time.After(60 * time.Second):
		u.t.Fatalf("one-shot service %s did not exit\n%s", name, p.out.String())
	}
}

// logs is every service's output, for a failure message.
func (u *composeUp) logs() string {
	var b strings.Builder
	for name, p := range u.procs {
		fmt.Fprintf(&b, "--- %s\n%s\n", name, p.out.String())
	}
	return b.String()
}

// stop ends the process as compose does, SIGTERM first.
func (p *composeProc) stop() {
	_ = p.cmd.Process.Signal(syscall.SIGTERM) // gone already when it exited
	select {
	case err := <-p.done:
		p.done <- err
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
	}
}

// listenPort is the port a command listens on (--addr or --listen).
func listenPort(command []string) string {
	for i, a := range command[:max(len(command)-1, 0)] {
		if a == "--addr" || a == "--listen" {
			if _, port, err := net.SplitHostPort(command[i+1]); err == nil {
				return port
			}
		}
	}
	return ""
}

// freeAddr returns a local address nothing listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// buildBinary builds the specsync binary for the test.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "specsync")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/specsync")
	cmd.Dir = repoRoot
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// mockCreates is the count of records created at the stand-in at addr,
// from its /healthz; -1 when it does not answer.
func mockCreates(addr string) int64 {
	resp, err := http.Get("http://" + addr + mockHealthPath)
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	var h mockHealth
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return -1
	}
	return h.Creates
}
