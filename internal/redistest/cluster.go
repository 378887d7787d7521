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

// clusterNodes is how many masters a test cluster has: enough that keys
// of different hash tags land on different nodes.
const clusterNodes = 3

// clusterSlots is the number of hash slots of a Redis Cluster.
const clusterSlots = 16384

// NewCluster starts a Redis Cluster of three masters for one test, from
// the redis-server binary on the PATH, and returns a cluster client on it.
// The servers keep nothing on disk and are stopped when the test ends.
// The test is skipped when redis-server is not installed; CI installs it.
// The cluster is the test's own, so Mini is nil and nothing is left to
// clean when its servers stop.
func NewCluster(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		t.Skip("redis-server is not on the PATH; the Redis Cluster tests start their own cluster with it")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	nodes := make([]*clusterNode, clusterNodes)
	for i := range nodes {
		n, err := startNode(t, bin)
		if err != nil {
			t.Fatalf("redis cluster node %d: %v", i, err)
		}
		nodes[i] = n
	}
	if err := formCluster(ctx, nodes); err != nil {
		for _, n := range nodes {
			t.Logf("node %s said:\n%s", n.addr, n.out.String())
		}
		t.Fatalf("redis cluster: %v", err)
	}
	addrs := make([]string, len(nodes))
	for i, n := range nodes {
		addrs[i] = n.addr
	}
	client := redis.NewClusterClient(&redis.ClusterOptions{Addrs: addrs})
	t.Cleanup(func() { client.Close() })
	if err := client.ForEachMaster(ctx, func(ctx context.Context, c *redis.Client) error {
		return c.Ping(ctx).Err()
	}); err != nil {
		t.Fatalf("redis cluster ping: %v", err)
	}
	return &Server{Client: client, Prefix: "specsync-test:" + testName(t) + ":" + randomHex(t) + ":"}
}

// clusterNode is one redis-server process of a test cluster.
type clusterNode struct {
	addr   string
	port   int
	client *redis.Client
	out    *lockedBuffer
}

// startNode starts a cluster-enabled redis-server, with its cluster
// configuration in a directory of its own, on a free port whose cluster
// bus port (port+10000) is free too, and waits until it answers.
func startNode(t testing.TB, bin string) (*clusterNode, error) {
	var lastErr error
	for range 5 {
		port, err := freePortPair()
		if err != nil {
			return nil, err
		}
		n := &clusterNode{addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), port: port, out: &lockedBuffer{}}
		cmd := exec.Command(bin,
			"--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--dir", t.TempDir(),
			"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no")
		cmd.Stdout, cmd.Stderr = n.out, n.out
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		t.Cleanup(func() {
			cmd.Process.Kill()
			<-done
		})
		n.client = redis.NewClient(&redis.Options{Addr: n.addr})
		t.Cleanup(func() { n.client.Close() })
		if lastErr = waitPing(n.client, done); lastErr == nil {
			return n, nil
		}
		lastErr = fmt.Errorf("%w\n%s", lastErr, n.out.String())
	}
	return nil, lastErr
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

// waitPing waits up to 10 s for a server to answer, or for its process
// to end (done).
func waitPing(c *redis.Client, done <-chan struct{}) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := c.Ping(context.Background()).Err()
		if err == nil {
			return nil
		}
		select {
		case <-done:
			return errors.New("redis-server exited")
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("no answer after 10 s: %w", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// formCluster gives each node an equal share of the slots, makes them
// meet, and waits until every node sees the cluster as ok.
func formCluster(ctx context.Context, nodes []*clusterNode) error {
	per := clusterSlots / len(nodes)
	for i, n := range nodes {
		last := (i+1)*per - 1
		if i == len(nodes)-1 {
			last = clusterSlots - 1
		}
		if err := n.client.ClusterAddSlotsRange(ctx, i*per, last).Err(); err != nil {
			return fmt.Errorf("%s: add slots: %w", n.addr, err)
		}
	}
	for _, n := range nodes[1:] {
		if err := nodes[0].client.ClusterMeet(ctx, "127.0.0.1", strconv.Itoa(n.port)).Err(); err != nil {
			return fmt.Errorf("%s: meet %s: %w", nodes[0].addr, n.addr, err)
		}
	}
	for {
		ok := true
		for _, n := range nodes {
			info, err := n.client.ClusterInfo(ctx).Result()
			if err != nil {
				return fmt.Errorf("%s: cluster info: %w", n.addr, err)
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(nodes))) {
				ok = false
				break
			}
		}
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the nodes did not agree on the cluster: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
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
