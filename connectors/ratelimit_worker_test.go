package connectors_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// workerEnv, when set, makes the test binary a worker process of the rate
// limit tests instead of running tests: its value is the worker's job in
// JSON.
const workerEnv = "SPECSYNC_TEST_RATELIMIT_WORKER"

// TestMain runs the worker job when the test binary is started as one.
func TestMain(m *testing.M) {
	if job := os.Getenv(workerEnv); job != "" {
		if err := runWorker(job); err != nil {
			fmt.Fprintln(os.Stderr, "worker:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// workerJob is what one worker process does: build a client of Instance
// for the partner at URL, sharing its rate limit through the Redis at
// RedisURL under Prefix, say "ready", wait until its standard input
// closes, then send Requests requests from Goroutines goroutines.
type workerJob struct {
	URL, RedisURL, Prefix, Instance string
	Scope                           specs.RateLimitScope
	Requests, Goroutines            int
}

// workerLimit is the workers' rate limit: 6 requests a second, one at a
// time, below the partner's 10, as a user leaves room for the spread
// between a slot's grant and the request's arrival.
func workerLimit(scope specs.RateLimitScope) *specs.RateLimit {
	return &specs.RateLimit{Requests: 6, Per: specs.Duration(time.Second), Burst: 1, Scope: scope}
}

// partnerToken is the secret of the account both instances use; each
// instance names it "token" and resolves it to PARTNER_TOKEN.
const partnerToken = "partner-token-4be1"

func runWorker(raw string) error {
	var job workerJob
	if err := json.Unmarshal([]byte(raw), &job); err != nil {
		return err
	}
	opts, err := redis.ParseURL(job.RedisURL)
	if err != nil {
		return err
	}
	rdb := redis.NewClient(opts)
	defer rdb.Close()
	c, err := workerClient(job, rdb)
	if err != nil {
		return err
	}
	if err := rdb.Ping(context.Background()).Err(); err != nil {
		return err
	}
	fmt.Println("ready")
	if _, err := io.Copy(io.Discard, os.Stdin); err != nil {
		return err
	}
	return sendAll(c, job)
}

func workerClient(job workerJob, rdb redis.UniversalClient) (*connectors.Client, error) {
	spec, err := connectortest.WithSync([]byte(fmt.Sprintf(serverDoc, job.URL, "")), &specs.Sync{
		System: "limited", RateLimit: workerLimit(job.Scope),
		Auth: specs.NewAuth("bearer", &connectors.AuthBearer{Token: specs.Credential{Credential: "token"}}),
		Entities: map[string]*specs.Entity{
			"item": {Model: "item", Key: "id", Get: &specs.Operation{Operation: "listItems"}},
		},
	})
	if err != nil {
		return nil, err
	}
	return connectors.New(spec, connectors.Config{
		Instance: job.Instance, Redis: rdb, KeyPrefix: job.Prefix,
		Credentials: map[string]specs.Credential{"token": {Env: "PARTNER_TOKEN"}},
	})
}

// sendAll sends job.Requests requests, spread over job.Goroutines.
func sendAll(c *connectors.Client, job workerJob) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	for g := range job.Goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < job.Requests; i += job.Goroutines {
				if _, err := c.Get(context.Background(), "item", transforms.Vars{}); err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// limitedPartner stands in for a partner that allows limit requests per
// window on an account, counted over every sliding window, and answers
// 429 above it. It records when it accepted each request.
type limitedPartner struct {
	*httptest.Server
	limit  int
	window time.Duration

	mu       sync.Mutex
	accepted []time.Time
	refused  int
}

func newLimitedPartner(t *testing.T, limit int, window time.Duration) *limitedPartner {
	p := &limitedPartner{limit: limit, window: window}
	p.Server = httptest.NewServer(http.HandlerFunc(p.serve))
	t.Cleanup(p.Close)
	return p
}

func (p *limitedPartner) serve(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "Bearer "+partnerToken {
		writeJSON(w, http.StatusUnauthorized, map[string]any{})
		return
	}
	now := time.Now()
	p.mu.Lock()
	ok := p.inWindow(now) < p.limit
	if ok {
		p.accepted = append(p.accepted, now)
	} else {
		p.refused++
	}
	p.mu.Unlock()
	if !ok {
		w.Header().Set("Retry-After", "1")
		writeJSON(w, http.StatusTooManyRequests, map[string]any{})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{})
}

// inWindow counts the requests accepted in the window that ends at now.
func (p *limitedPartner) inWindow(now time.Time) int {
	n := 0
	for _, at := range p.accepted {
		if now.Sub(at) < p.window {
			n++
		}
	}
	return n
}

// busiest returns the most requests accepted within one window, the
// requests accepted in all and the number refused.
func (p *limitedPartner) busiest() (most, accepted, refused int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	stamps := append([]time.Time(nil), p.accepted...)
	sort.Slice(stamps, func(i, j int) bool { return stamps[i].Before(stamps[j]) })
	for i := range stamps {
		j := i
		for j < len(stamps) && stamps[j].Sub(stamps[i]) < p.window {
			j++
		}
		most = max(most, j-i)
	}
	return most, len(stamps), p.refused
}

// runWorkers starts one worker process per instance, waits until every
// one is ready, starts them together and waits until they finish.
func runWorkers(t *testing.T, partner *limitedPartner, rdb *redistest.Server, scope specs.RateLimitScope, instances ...string) {
	t.Helper()
	redisURL := os.Getenv("REDIS_URL")
	if rdb.Mini != nil {
		redisURL = "redis://" + rdb.Mini.Addr()
	}
	var cmds []*exec.Cmd
	var starts []io.WriteCloser
	for _, inst := range instances {
		job, err := json.Marshal(workerJob{URL: partner.URL, RedisURL: redisURL, Prefix: rdb.Prefix, Instance: inst, Scope: scope, Requests: 12, Goroutines: 3})
		if err != nil {
			t.Fatal(err)
		}
		cmd, start := startWorker(t, string(job))
		cmds, starts = append(cmds, cmd), append(starts, start)
	}
	for _, start := range starts {
		start.Close()
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("worker of %s: %v\n%s", instances[i], err, cmd.Stderr)
		}
	}
}

// startWorker starts the test binary as a worker for job and waits until
// it is ready; closing the returned writer starts its requests.
func startWorker(t *testing.T, job string) (*exec.Cmd, io.WriteCloser) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+job, "PARTNER_TOKEN="+partnerToken)
	cmd.Stderr = &strings.Builder{}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if line != "ready\n" {
		t.Fatalf("worker said %q (%v), not ready\n%s", line, err, cmd.Stderr)
	}
	return cmd, stdin
}

// TestTwoWorkersShareTheAccountLimit: two instances on one partner
// account, each in its own worker process, share the account's rate
// limit, so the partner never sees more than it allows and refuses none.
// With a limit per instance they would send 12 requests a second to a
// partner that allows 10.
func TestTwoWorkersShareTheAccountLimit(t *testing.T) {
	rdb := redistest.New(t)
	partner := newLimitedPartner(t, 10, time.Second)
	runWorkers(t, partner, rdb, "", "inst-a", "inst-b")
	most, accepted, refused := partner.busiest()
	t.Logf("partner: %d requests, at most %d within %s, %d refused", accepted, most, partner.window, refused)
	if refused != 0 || most > partner.limit {
		t.Errorf("the partner refused %d requests and saw %d within %s; it allows %d", refused, most, partner.window, partner.limit)
	}
	if accepted != 24 {
		t.Errorf("the partner accepted %d requests; want the 24 sent", accepted)
	}
}

// TestScopeInstanceGivesEachInstanceItsQuota: with scope instance, two
// instances in two worker processes each send at their own limit, so
// together they send more within a second than one limit allows.
func TestScopeInstanceGivesEachInstanceItsQuota(t *testing.T) {
	rdb := redistest.New(t)
	partner := newLimitedPartner(t, 1000, time.Second) // counts, refuses nothing
	runWorkers(t, partner, rdb, specs.ScopeInstance, "inst-a", "inst-b")
	most, accepted, _ := partner.busiest()
	t.Logf("partner: %d requests, at most %d within %s", accepted, most, partner.window)
	// One limit of 6 a second with burst 1 allows 7 within a second, one
	// more for the spread between grant and arrival.
	if one := workerLimit(specs.ScopeInstance).Requests + 2; most <= one {
		t.Errorf("two instances with scope instance sent at most %d requests within a second; one instance's limit allows %d", most, one)
	}
}
