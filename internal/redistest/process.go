package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// process is a redis-server a test started; it is stopped when the test
// ends.
type process struct {
	addr   string
	port   int
	client *redis.Client
	out    *lockedBuffer
	cmd    *exec.Cmd
	done   chan struct{}
}

// redisServer is the redis-server binary on the PATH; the test is skipped
// without one.
func redisServer(t testing.TB, what string) string {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skipf("redis-server is not on the PATH; the %s tests start their own servers with it", what)
	}
	return bin
}

// startProcess starts bin with the arguments args gives for a free port
// (whose cluster bus port, port+10000, is free too) and a directory of
// the process's own, and waits until it answers.
func startProcess(t testing.TB, bin string, args func(port int, dir string) []string) (*process, error) {
	var lastErr error
	for range 5 {
		port, err := freePortPair()
		if err != nil {
			return nil, err
		}
		dir := t.TempDir()
		p := &process{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port,
			out: &lockedBuffer{}, done: make(chan struct{})}
		p.cmd = exec.Command(bin, args(port, dir)...)
		p.cmd.Dir = dir
		p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
		if err := p.cmd.Start(); err != nil {
			return nil, err
		}
		go func() { p.cmd.Wait(); close(p.done) }()
		t.Cleanup(p.stop)
		p.client = redis.NewClient(&redis.Options{Addr: p.addr})
		t.Cleanup(func() { p.client.Close() })
		if lastErr = waitAnswer(p.client, p.cmd.Process.Pid, p.done); lastErr == nil {
			return p, nil
		}
		p.stop()
		lastErr = fmt.Errorf("%w\n%s", lastErr, p.out.String())
	}
	return nil, lastErr
}

// stop kills the process and waits until it is gone.
func (p *process) stop() {
	p.cmd.Process.Kill()
	<-p.done
}

// freePortPair finds a port that is free on 127.0.0.1 and whose cluster
// bus port is free as well.
func freePortPair() (int, error) {
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		if port+10000 > 65535 {
			continue
		}
		bus, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+10000)))
		if err != nil {
			continue
		}
		bus.Close()
		return port, nil
	}
	return 0, errors.New("no free port with a free cluster bus port")
}

// waitAnswer waits up to 10 s for the server with process id pid to
// answer, or for its process to end (done). Another test's server that
// took the port first answers too, so the answer must name pid.
func waitAnswer(c *redis.Client, pid int, done <-chan struct{}) error {
	return poll(10*time.Second, "an answer", func() (bool, error) {
		select {
		case <-done:
			return true, errors.New("redis-server exited")
		default:
		}
		info, err := c.Info(context.Background(), "server").Result()
		switch {
		case err != nil:
			return false, err
		case !strings.Contains(info, "process_id:"+strconv.Itoa(pid)+"\r\n"):
			return true, errors.New("another server answers on the port")
		}
		return true, nil
	})
}

// poll calls cond every 20 ms until it is done, for at most limit. cond
// returns done with the outcome (nil for success), or not done with why
// not yet, which the error after the limit gives; what names the wait.
func poll(limit time.Duration, what string, cond func() (done bool, err error)) error {
	for deadline := time.Now().Add(limit); ; time.Sleep(20 * time.Millisecond) {
		done, err := cond()
		if done {
			return err
		}
		if time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("gave up waiting for %s after %v: %w", what, limit, err)
			}
			return fmt.Errorf("gave up waiting for %s after %v", what, limit)
		}
	}
}

// lockedBuffer collects a server's output for the test log.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// Process is a redis-server of the test's own that keeps every write on
// disk (an append-only file synced at each write), so that the test can
// kill it, as a crash would, and start it again with its data.
type Process struct {
	*process
	bin  string
	args []string
	dir  string
}

// NewProcess starts a redis-server for one test; it is stopped when the
// test ends. The test is skipped when redis-server is not installed.
func NewProcess(t testing.TB) *Process {
	t.Helper()
	bin := redisServer(t, "Redis process")
	p := &Process{bin: bin}
	proc, err := startProcess(t, bin, func(port int, dir string) []string {
		p.dir = dir
		p.args = []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", dir,
			"--save", "", "--appendonly", "yes", "--appendfsync", "always"}
		return p.args
	})
	if err != nil {
		t.Fatalf("redis-server: %v", err)
	}
	p.process = proc
	return p
}

// URL is the server's redis:// URL.
func (p *Process) URL() string { return "redis://" + p.addr + "/0" }

// Client is a client of the server; it reconnects after a restart.
func (p *Process) Client() *redis.Client { return p.client }

// Kill kills the server with SIGKILL and waits until it is gone.
func (p *Process) Kill() { p.stop() }

// Restart starts the server again on its port with its data, after Kill,
// and waits until it answers.
func (p *Process) Restart(t testing.TB) {
	t.Helper()
	p.out = &lockedBuffer{}
	p.done = make(chan struct{})
	p.cmd = exec.Command(p.bin, p.args...)
	p.cmd.Dir = p.dir
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("redis-server restart: %v", err)
	}
	cmd, done := p.cmd, p.done
	go func() { cmd.Wait(); close(done) }()
	if err := waitAnswer(p.client, p.cmd.Process.Pid, p.done); err != nil {
		t.Fatalf("redis-server restart: %v\n%s", err, p.out.String())
	}
}
