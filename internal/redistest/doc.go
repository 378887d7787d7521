// Package redistest gives tests a Redis client: the server named by the
// REDIS_URL environment variable when it is set, or an in-process miniredis
// otherwise. Each test gets its own key prefix, and the keys under it are
// deleted when the test ends, so tests can share one server and run in
// parallel. NewCluster and NewSentinel start a Redis Cluster, or a master
// with a replica under a Sentinel, of the test's own instead.
package redistest
