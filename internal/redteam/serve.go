package redteam

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os/exec"
	"strings"
	"time"
)

// canaries runs every command that touches the instance, succeeding and
// failing, and serve's HTTP side; the canary search that follows every
// case then reads all their output and every Redis value.
func canaries(ctx context.Context, e *Env) error {
	seed(e, 5)
	steps := [][]string{
		{"sync", InstanceID, "-v"},
		{"plan", InstanceID, "--detail", "-o", "json"},
		{"reconcile", InstanceID, "-v"},
		{"reconcile", InstanceID, "--repair"},
		{"audit", InstanceID, "-o", "json"},
		{"instances", "show", InstanceID},
		{"instances", "list"},
	}
	for _, args := range steps {
		if r := e.Run(ctx, args...); r.Code != 0 {
			return fmt.Errorf("exit %d, want 0\n%s", r.Code, r.Output())
		}
	}
	// Failing runs: a refused token, then a failing home listing.
	e.Partner.SetFault("", FaultUnauthorized)
	e.Home.Seed(append(e.Home.Items(), map[string]any{"id": "new", "name": "new"}))
	for _, args := range [][]string{{"sync", InstanceID, "-v"}, {"reconcile", InstanceID, "-v"}} {
		if r := e.Run(ctx, args...); r.Code == 0 {
			return fmt.Errorf("exit 0 against a partner that refuses the token\n%s", r.Output())
		}
	}
	// A push plan reads the home and the state only.
	e.Run(ctx, "plan", InstanceID, "--detail")
	e.Partner.SetFault("", FaultNone)
	e.Home.SetFault("list", FaultUnauthorized)
	if r := e.Run(ctx, "sync", InstanceID, "-v"); r.Code == 0 {
		return fmt.Errorf("exit 0 against a home that refuses the key\n%s", r.Output())
	}
	e.Home.SetFault("", FaultNone)
	e.Run(ctx, "audit", InstanceID, "--failed", "-o", "json")
	return e.serveAndProbe(ctx)
}

// serveAndProbe runs `specsync serve` and calls its HTTP side with the
// admin token, without one and with a wrong one: the admin API, the
// metrics, a run and webhook deliveries, well and badly signed.
func (e *Env) serveAndProbe(ctx context.Context) error {
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, e.opts.Bin, "serve", "--listen", addr, "--redis", e.opts.RedisURL,
		"--prefix", e.opts.Prefix, "--queue", e.Queue, "--concurrency", "2", "--shutdown-timeout", "5s")
	cmd.Env, cmd.Dir = e.Environ(), e.opts.Dir
	var out lockedBuffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Cancel = func() error { return cmd.Process.Signal(interruptSignal) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cancel()
		cmd.Wait()
		e.Record("specsync serve", out.String())
	}()
	c := &probe{e: e, base: "http://" + addr}
	if err := c.waitHealthy(ctx); err != nil {
		return fmt.Errorf("%w\n%s", err, out.String())
	}
	return c.probeAll(ctx)
}

// probe calls serve's HTTP side and records every answer.
type probe struct {
	e    *Env
	base string
}

// call sends a request with the token (none when empty) and records the
// answer.
func (p *probe) call(ctx context.Context, method, path, token string, body []byte, header http.Header) (int, string, error) {
	req, err := http.NewRequestWithContext(ctx, method, p.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", err
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return 0, "", err
	}
	var hdr strings.Builder
	res.Header.Write(&hdr)
	p.e.Record(fmt.Sprintf("%s %s (token %t) -> %d", method, path, token != "", res.StatusCode), hdr.String()+string(b))
	return res.StatusCode, string(b), nil
}

// waitHealthy waits for /healthz.
func (p *probe) waitHealthy(ctx context.Context) error {
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if code, _, err := p.call(ctx, http.MethodGet, "/healthz", "", nil, nil); err == nil && code == http.StatusOK {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("serve did not answer /healthz within 30s")
}

// probeAll calls every part of the HTTP side.
func (p *probe) probeAll(ctx context.Context) error {
	admin := p.e.Canaries["admin_token"]
	wrong := "wrong-" + randomHex()
	for _, token := range []string{"", wrong, admin} {
		for _, path := range []string{"/metrics", "/api/instances", "/api/instances/" + InstanceID,
			"/api/instances/" + InstanceID + "/runs", "/api/instances/" + InstanceID + "/failures",
			"/api/instances/" + InstanceID + "/audit", "/", "/openapi.json", "/readyz"} {
			if _, _, err := p.call(ctx, http.MethodGet, path, token, nil, nil); err != nil {
				return err
			}
		}
	}
	// One at a time: the runs of an instance never overlap.
	if err := p.webhooks(ctx, admin); err != nil {
		return err
	}
	if err := p.waitRuns(ctx, admin, 1); err != nil {
		return err
	}
	if code, _, err := p.call(ctx, http.MethodPost, "/api/instances/"+InstanceID+"/run", admin, nil, nil); err != nil || code >= 300 {
		return fmt.Errorf("POST run: %d %v", code, err)
	}
	if err := p.waitRuns(ctx, admin, 2); err != nil {
		return err
	}
	// Read everything again, now that runs are recorded.
	for _, path := range []string{"/metrics", "/api/instances/" + InstanceID, "/api/instances/" + InstanceID + "/runs",
		"/api/instances/" + InstanceID + "/audit", "/api/instances/" + InstanceID + "/failures"} {
		if _, _, err := p.call(ctx, http.MethodGet, path, admin, nil, nil); err != nil {
			return err
		}
	}
	return nil
}

// webhooks delivers an event well signed, badly signed, unsigned and
// signed with the admin token.
func (p *probe) webhooks(ctx context.Context, admin string) error {
	code, body, err := p.call(ctx, http.MethodGet, "/api/instances/"+InstanceID, admin, nil, nil)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("GET instance: %d %v", code, err)
	}
	var view struct {
		WebhookPath string `json:"webhookPath"`
	}
	if err := json.Unmarshal([]byte(body), &view); err != nil || view.WebhookPath == "" {
		return fmt.Errorf("GET instance gives no webhook path (%v): %.300s", err, body)
	}
	event := []byte(`{"type": "ITEM_CHANGED", "eventId": "ev-1", "id": "item-001"}`)
	for _, secret := range []string{p.e.Canaries["hook_secret"], "wrong", "", admin} {
		h := http.Header{}
		if secret != "" {
			mac := hmac.New(sha256.New, []byte(secret))
			mac.Write(event)
			h.Set("X-Signature", "sha256="+hex.EncodeToString(mac.Sum(nil)))
		}
		code, _, err := p.call(ctx, http.MethodPost, view.WebhookPath, "", event, h)
		if err != nil {
			return err
		}
		if good := secret == p.e.Canaries["hook_secret"]; good != (code < 300) {
			return fmt.Errorf("webhook signed with the right secret %t answered %d", good, code)
		}
	}
	return nil
}

// waitRuns waits until the instance's run history holds n finished runs.
func (p *probe) waitRuns(ctx context.Context, admin string, n int) error {
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		_, body, err := p.call(ctx, http.MethodGet, "/api/instances/"+InstanceID+"/runs", admin, nil, nil)
		if err != nil {
			return err
		}
		var list struct {
			Runs []struct {
				Finished time.Time `json:"finished"`
			} `json:"runs"`
		}
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			return fmt.Errorf("GET runs: %w: %.300s", err, body)
		}
		done := 0
		for _, r := range list.Runs {
			if !r.Finished.IsZero() {
				done++
			}
		}
		if done >= n {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return fmt.Errorf("the run history holds fewer than %d finished runs after 60s", n)
}

// freeAddr is a free address on 127.0.0.1.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}
