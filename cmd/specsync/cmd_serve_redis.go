package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/hibiken/asynq"
	"github.com/redis/go-redis/v9"
	"github.com/spf13/pflag"
)

// redisClient is the client every part of serve shares.
type redisClient = redis.UniversalClient

// redisOptions are the Redis flags of serve: a URL (redis://, rediss://)
// or Sentinel or Cluster addresses.
type redisOptions struct {
	url            string
	sentinelMaster string
	sentinelAddrs  []string
	clusterAddrs   []string
}

// flags registers the Redis flags.
func (r *redisOptions) flags(f *pflag.FlagSet) {
	f.StringVar(&r.url, "redis", os.Getenv("REDIS_URL"), "Redis URL: redis://[:password@]host:port/db or rediss:// for TLS; taken from $REDIS_URL when set")
	f.StringVar(&r.sentinelMaster, "redis-sentinel-master", "", "Sentinel master name; with --redis-sentinel-addrs")
	f.StringSliceVar(&r.sentinelAddrs, "redis-sentinel-addrs", nil, "Sentinel addresses host:port,...; password and db from --redis when given")
	f.StringSliceVar(&r.clusterAddrs, "redis-cluster-addrs", nil, "Redis Cluster node addresses host:port,...")
}

// client connects as the flags say and returns the matching asynq
// connection options for the queue monitor.
func (r *redisOptions) client() (redisClient, asynq.RedisConnOpt, error) {
	var base redis.Options
	if r.url != "" {
		opts, err := redis.ParseURL(r.url)
		if err != nil {
			return nil, nil, fmt.Errorf("--redis: %w (want redis://host:port/db or rediss://...)", err)
		}
		base = *opts
	}
	switch {
	case len(r.clusterAddrs) > 0:
		opt := asynq.RedisClusterClientOpt{Addrs: r.clusterAddrs, Username: base.Username, Password: base.Password, TLSConfig: base.TLSConfig}
		return redis.NewClusterClient(&redis.ClusterOptions{Addrs: r.clusterAddrs, Username: base.Username, Password: base.Password, TLSConfig: base.TLSConfig}), opt, nil
	case len(r.sentinelAddrs) > 0 || r.sentinelMaster != "":
		if r.sentinelMaster == "" || len(r.sentinelAddrs) == 0 {
			return nil, nil, errors.New("--redis-sentinel-master and --redis-sentinel-addrs go together")
		}
		opt := asynq.RedisFailoverClientOpt{MasterName: r.sentinelMaster, SentinelAddrs: r.sentinelAddrs, Username: base.Username,
			Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig}
		return redis.NewFailoverClient(&redis.FailoverOptions{MasterName: r.sentinelMaster, SentinelAddrs: r.sentinelAddrs,
			Username: base.Username, Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig}), opt, nil
	case r.url != "":
		opt := asynq.RedisClientOpt{Addr: base.Addr, Username: base.Username, Password: base.Password, DB: base.DB, TLSConfig: base.TLSConfig}
		return redis.NewClient(&base), opt, nil
	}
	return nil, nil, errors.New("serve needs Redis: set REDIS_URL or --redis (redis://host:6379/0), or give Sentinel or Cluster addresses")
}
