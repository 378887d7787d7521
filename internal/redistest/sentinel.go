package redistest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// SentinelMaster is the name the test Sentinel monitors its master by.
const SentinelMaster = "specsync-test"

// Sentinel is a master, its replica and a Sentinel watching them, started
// for one test, with a client that finds the master through the Sentinel
// as a deployment with Sentinel does.
type Sentinel struct {
	*Server
	// Addr is the Sentinel's address.
	Addr     string
	master   *process
	replica  *process
	sentinel *process
	watch    *redis.SentinelClient
}

// NewSentinel starts a master, a replica of it and a Sentinel from the
// redis-server binary on the PATH, and returns a failover client on them.
// The test is skipped when redis-server is not installed; CI installs it.
// The servers keep nothing on disk and are stopped when the test ends.
func NewSentinel(t testing.TB) *Sentinel {
	t.Helper()
	bin := redisServer(t, "Redis Sentinel")
	plain := func(extra ...string) func(int, string) []string {
		return func(port int, _ string) []string {
			return append([]string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"}, extra...)
		}
	}
	s := &Sentinel{}
	var err error
	if s.master, err = startProcess(t, bin, plain("--repl-diskless-sync-delay", "0")); err != nil {
		t.Fatalf("redis master: %v", err)
	}
	if s.replica, err = startProcess(t, bin, plain("--replicaof", "127.0.0.1", strconv.Itoa(s.master.port))); err != nil {
		t.Fatalf("redis replica: %v", err)
	}
	s.sentinel, err = startProcess(t, bin, func(port int, dir string) []string {
		conf := filepath.Join(dir, "sentinel.conf")
		text := fmt.Sprintf("port %d\nbind 127.0.0.1\nsentinel monitor %s 127.0.0.1 %d 1\n"+
			"sentinel down-after-milliseconds %[2]s 1000\nsentinel failover-timeout %[2]s 5000\n",
			port, SentinelMaster, s.master.port)
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return []string{conf, "--sentinel"}
	})
	if err != nil {
		t.Fatalf("redis sentinel: %v", err)
	}
	s.Addr = s.sentinel.addr
	s.watch = redis.NewSentinelClient(&redis.Options{Addr: s.Addr})
	t.Cleanup(func() { s.watch.Close() })
	// The Sentinel can only promote a replica it has seen, and only a
	// replica in step with its master.
	s.waitFor(t, "the Sentinel to see the replica", func(ctx context.Context) bool {
		replicas, err := s.watch.Replicas(ctx, SentinelMaster).Result()
		return err == nil && len(replicas) == 1
	})
	s.waitFor(t, "the replica to follow its master", func(ctx context.Context) bool {
		info, err := s.replica.client.Info(ctx, "replication").Result()
		return err == nil && strings.Contains(info, "master_link_status:up")
	})
	client := redis.NewFailoverClient(&redis.FailoverOptions{MasterName: SentinelMaster, SentinelAddrs: []string{s.Addr}})
	t.Cleanup(func() { client.Close() })
	if err := client.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("redis via sentinel: %v", err)
	}
	s.Server = &Server{Client: client, Prefix: testPrefix(t)}
	return s
}

// Failover waits until the replica holds every write of the master, kills
// the master and waits until the Sentinel has promoted the replica.
func (s *Sentinel) Failover(t testing.TB) {
	t.Helper()
	// WAIT would only wait for the writes of its own connection; the
	// replica's offset covers every client's.
	offset := replOffset(t, s.master.client, "master_repl_offset")
	s.waitFor(t, "the replica to take the master's writes", func(context.Context) bool {
		return replOffset(t, s.replica.client, "slave_repl_offset") >= offset
	})
	s.master.stop()
	s.waitFor(t, "the Sentinel to promote the replica", func(ctx context.Context) bool {
		addr, err := s.watch.GetMasterAddrByName(ctx, SentinelMaster).Result()
		if err != nil || len(addr) != 2 || addr[1] != strconv.Itoa(s.replica.port) {
			return false
		}
		role, err := s.replica.client.Do(ctx, "ROLE").Slice()
		return err == nil && len(role) > 0 && role[0] == "master"
	})
}

// replOffset reads a replication offset from a server's INFO.
func replOffset(t testing.TB, c *redis.Client, field string) int64 {
	t.Helper()
	info, err := c.Info(context.Background(), "replication").Result()
	if err != nil {
		t.Fatalf("%s: %v", c.Options().Addr, err)
	}
	for line := range strings.Lines(info) {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), field+":"); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: %s: %v", c.Options().Addr, field, err)
			}
			return n
		}
	}
	t.Fatalf("%s: INFO replication has no %s", c.Options().Addr, field)
	return 0
}

// waitFor polls cond for up to 30 s and fails the test with the servers'
// output after that.
func (s *Sentinel) waitFor(t testing.TB, what string, cond func(context.Context) bool) {
	t.Helper()
	err := poll(30*time.Second, what, func() (bool, error) { return cond(context.Background()), nil })
	if err == nil {
		return
	}
	for _, p := range []*process{s.master, s.replica, s.sentinel} {
		t.Logf("%s said:\n%s", p.addr, p.out.String())
	}
	t.Fatal(err)
}
