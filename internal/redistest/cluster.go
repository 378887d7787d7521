package redistest

import (
	"context"
	"fmt"
	"strconv"
	"strings"
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
	bin := redisServer(t, "Redis Cluster")
	ctx := context.Background()
	nodes := make([]*process, clusterNodes)
	for i := range nodes {
		n, err := startProcess(t, bin, func(port int, _ string) []string {
			return []string{"--port", strconv.Itoa(port), "--bind", "127.0.0.1",
				"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
				"--cluster-node-timeout", "5000", "--save", "", "--appendonly", "no"}
		})
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
	return &Server{Client: client, Prefix: testPrefix(t)}
}

// formCluster gives each node an equal share of the slots, makes them
// meet, and waits until every node sees the cluster as ok.
func formCluster(ctx context.Context, nodes []*process) error {
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
	return poll(30*time.Second, "the nodes to agree on the cluster", func() (bool, error) {
		for _, n := range nodes {
			info, err := n.client.ClusterInfo(ctx).Result()
			if err != nil {
				return true, fmt.Errorf("%s: cluster info: %w", n.addr, err)
			}
			if !strings.Contains(info, "cluster_state:ok") || !strings.Contains(info, "cluster_known_nodes:"+strconv.Itoa(len(nodes))) {
				return false, nil
			}
		}
		return true, nil
	})
}
