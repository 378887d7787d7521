package redteam

import (
	"bytes"
	"context"
	"crypto/rand"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

//go:embed fixture/*.json
var fixture embed.FS

// InstanceID is the id of the instance every case runs.
const InstanceID = "redteam"

// Options say where a case runs.
type Options struct {
	// Bin is the specsync binary every command runs with. Required.
	Bin string
	// RedisURL is the Redis the commands keep their state in. Required.
	RedisURL string
	// Prefix starts every key the commands write; it ends with a colon
	// and is the case's own. Required.
	Prefix string
	// Dir is an empty folder for the case's files. Required.
	Dir string
	// CommandTimeout bounds every command; zero means two minutes.
	CommandTimeout time.Duration
}

// Env is one case's world: a home and a partner (each a System), a
// foreign host, an applied instance whose credentials are canaries, and
// the specsync commands run so far with their output. It is safe for
// concurrent use.
type Env struct {
	opts    Options
	rdb     *redis.Client
	Home    *System
	Partner *System
	Foreign *Foreign
	// Canaries are the credentials' values by name: api_key (home, from
	// the environment), token (partner, from a file), hook_secret (from
	// the environment) and admin_token (serve's admin token).
	Canaries map[string]string
	// Queue is the asynq queue serve runs with, the case's own.
	Queue string

	instFile, tokenFile string
	mu                  sync.Mutex
	transcript          bytes.Buffer
	peak                int64
}

// notePeak keeps the largest peak resident size of the commands.
func (e *Env) notePeak(rss int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.peak = max(e.peak, rss)
}

// PeakRSS is the largest peak resident size (VmHWM, sampled; 0 off
// Linux) of the commands run so far, in bytes.
func (e *Env) PeakRSS() int64 {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.peak
}

// NewEnv starts the systems, writes the specs, the credentials and the
// instance file into opts.Dir and applies the instance.
func NewEnv(ctx context.Context, opts Options) (*Env, error) {
	if opts.CommandTimeout <= 0 {
		opts.CommandTimeout = 2 * time.Minute
	}
	ropts, err := redis.ParseURL(opts.RedisURL)
	if err != nil {
		return nil, fmt.Errorf("redis URL: %w", err)
	}
	e := &Env{opts: opts, rdb: redis.NewClient(ropts), Canaries: map[string]string{}}
	for _, name := range []string{"api_key", "token", "hook_secret", "admin_token"} {
		e.Canaries[name] = "rtcanary-" + strings.ReplaceAll(name, "_", "") + "-" + randomHex()
	}
	e.Queue = "redteam-" + randomHex()[:8]
	e.Foreign = newForeign()
	e.Home = newSystem("X-Api-Key", e.Canaries["api_key"], e.Foreign.srv.URL)
	e.Partner = newSystem("Authorization", "Bearer "+e.Canaries["token"], e.Foreign.srv.URL)
	if err := e.writeFiles(); err != nil {
		e.Close()
		return nil, err
	}
	if r := e.Run(ctx, "instances", "apply", e.instFile); r.Code != 0 {
		e.Close()
		return nil, fmt.Errorf("instances apply: exit %d\n%s", r.Code, r.Output())
	}
	return e, nil
}

// Close stops the systems and closes the Redis client; the keys stay for
// the caller to delete.
func (e *Env) Close() {
	e.Home.Close()
	e.Partner.Close()
	e.Foreign.Close()
	// serve's queue keys are not under the prefix.
	ctx := context.Background()
	if ks, err := e.rdb.Keys(ctx, "asynq:{"+e.Queue+"}*").Result(); err == nil && len(ks) > 0 {
		e.rdb.Del(ctx, ks...)
	}
	e.rdb.SRem(ctx, "asynq:queues", e.Queue)
	e.rdb.Close()
}

// writeFiles copies the specs and writes the partner's token file and the
// instance file.
func (e *Env) writeFiles() error {
	for _, name := range []string{"home.json", "partner.json", "model.json"} {
		b, err := fixture.ReadFile("fixture/" + name)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(e.opts.Dir, name), b, 0o600); err != nil {
			return err
		}
	}
	e.tokenFile = filepath.Join(e.opts.Dir, "partner-token")
	if err := os.WriteFile(e.tokenFile, []byte(e.Canaries["token"]+"\n"), 0o600); err != nil {
		return err
	}
	return e.WriteInstance(e.Partner.URL())
}

// WriteInstance writes the instance file with the partner at partnerURL;
// apply it with `instances apply` (InstanceFile) to take effect.
func (e *Env) WriteInstance(partnerURL string) error {
	inst := map[string]any{
		"id": InstanceID, "organisation": "redteam", "enabled": true,
		"home": map[string]any{"spec": "home.json", "baseUrl": e.Home.URL(),
			"credentials": map[string]any{
				"api_key":     map[string]any{"env": "RT_HOME_API_KEY"},
				"hook_secret": map[string]any{"env": "RT_HOOK_SECRET"}}},
		"partner": map[string]any{"spec": "partner.json", "baseUrl": partnerURL,
			"credentials": map[string]any{"token": map[string]any{"file": e.tokenFile}}},
		"model":       "model.json",
		"permissions": map[string]any{"push": map[string]any{"item": []string{"create", "update"}}},
		"options":     map[string]any{"concurrency": 4},
	}
	b, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		return err
	}
	e.instFile = filepath.Join(e.opts.Dir, "instance.json")
	return os.WriteFile(e.instFile, b, 0o600)
}

// InstanceFile is the path of the instance file.
func (e *Env) InstanceFile() string { return e.instFile }

// Result is what a command did.
type Result struct {
	Args     []string
	Code     int
	Stdout   string
	Stderr   string
	Duration time.Duration
}

// Output is the command line, its exit code and its output, for messages.
func (r Result) Output() string {
	return fmt.Sprintf("$ specsync %s (exit %d, %v)\n%s%s", strings.Join(r.Args, " "), r.Code,
		r.Duration.Round(time.Millisecond), clip(r.Stdout), clip(r.Stderr))
}

// clip shortens a long output for messages.
func clip(s string) string {
	const most = 4000
	if len(s) > most {
		return s[:most/2] + "\n[...]\n" + s[len(s)-most/2:]
	}
	return s
}

// Environ is the environment of every command: the process's own, the
// credentials' variables and the admin token.
func (e *Env) Environ() []string {
	return append(os.Environ(),
		"RT_HOME_API_KEY="+e.Canaries["api_key"],
		"RT_HOOK_SECRET="+e.Canaries["hook_secret"],
		"SPECSYNC_ADMIN_TOKEN="+e.Canaries["admin_token"])
}

// Run runs specsync with args and the Redis flags (--redis, --prefix;
// serve takes its own, see Serve) and keeps its output in the transcript.
func (e *Env) Run(ctx context.Context, args ...string) Result {
	ctx, cancel := context.WithTimeout(ctx, e.opts.CommandTimeout)
	defer cancel()
	full := append(append([]string{}, args...), "--redis", e.opts.RedisURL, "--prefix", e.opts.Prefix)
	cmd := exec.CommandContext(ctx, e.opts.Bin, full...)
	cmd.Env = e.Environ()
	cmd.Dir = e.opts.Dir
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Start()
	if err == nil {
		stop := make(chan struct{})
		peak := watchRSS(cmd.Process.Pid, stop)
		err = cmd.Wait()
		close(stop)
		e.notePeak(<-peak)
	}
	r := Result{Args: args, Code: exitCode(err), Stdout: out.String(), Stderr: errOut.String(), Duration: time.Since(start)}
	if ctx.Err() != nil {
		r.Stderr += fmt.Sprintf("\n[killed after %v]", e.opts.CommandTimeout)
		r.Code = -1
	}
	e.Record("specsync "+strings.Join(full, " "), r.Stdout+r.Stderr)
	return r
}

// Sync runs `specsync sync` over every record.
func (e *Env) Sync(ctx context.Context, extra ...string) Result {
	return e.Run(ctx, append([]string{"sync", InstanceID, "--full"}, extra...)...)
}

// Record adds an output to the transcript that CheckCanaries searches.
func (e *Env) Record(what, output string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	fmt.Fprintf(&e.transcript, "=== %s\n%s\n", what, output)
}

// Transcript is every output recorded so far.
func (e *Env) Transcript() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.transcript.String()
}

// exitCode reads the exit code of a finished command; -1 when it did not
// run to an exit.
func exitCode(err error) int {
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	return -1
}

// randomHex is 16 random hex digits.
func randomHex() string {
	b := make([]byte, 8)
	rand.Read(b)
	return hex.EncodeToString(b)
}
