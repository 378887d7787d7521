package server

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/clock"
)

// signedFormat is a signature format of a spec and how its sender signs.
type signedFormat struct {
	spec      string        // the spec's webhooks.signature
	tolerance time.Duration // the tolerance it sets or the default
	header    string        // the header that carries the signature
	timeIn    string        // the header an error about the time names
	sign      func(at time.Time, body string) http.Header
}

// hookSecret is the signature secret of the format tests; a
// standard-webhooks secret is base64 behind whsec_.
const (
	hookSecret     = "hook-secret-of-the-format-tests"
	standardSecret = "whsec_c3RhbmRhcmQtd2ViaG9va3Mta2V5LWJ5dGVz" // "standard-webhooks-key-bytes"
)

func hmacSHA256(key []byte, content string) []byte {
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(content))
	return mac.Sum(nil)
}

// standardSign signs as Standard Webhooks do, under the headers named by
// prefix ("webhook-" or Svix's "svix-").
func standardSign(prefix string) func(time.Time, string) http.Header {
	return func(at time.Time, body string) http.Header {
		key, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(standardSecret, "whsec_"))
		id, unix := "msg_2KWPBgLlAfxdpx2AI54pPJ85f4W", strconv.FormatInt(at.Unix(), 10)
		h := http.Header{}
		h.Set(prefix+"id", id)
		h.Set(prefix+"timestamp", unix)
		h.Set(prefix+"signature", "v1a,bm90LWNoZWNrZWQ= v1,"+base64.StdEncoding.EncodeToString(hmacSHA256(key, id+"."+unix+"."+body)))
		return h
	}
}

var signedFormats = map[string]signedFormat{
	"hmac with a timestamp header": {
		spec: `{"header": "X-Signature", "prefix": "v0=", "timestamp": "X-Request-Timestamp", "content": "v0:{timestamp}:{body}",
			"tolerance": "2m", "secret": {"env": "HOOK_SECRET"}}`,
		tolerance: 2 * time.Minute, header: "X-Signature", timeIn: "X-Request-Timestamp",
		sign: func(at time.Time, body string) http.Header {
			unix := strconv.FormatInt(at.Unix(), 10)
			h := http.Header{}
			h.Set("X-Request-Timestamp", unix)
			h.Set("X-Signature", "v0="+hex.EncodeToString(hmacSHA256([]byte(hookSecret), "v0:"+unix+":"+body)))
			return h
		},
	},
	"stripe": {
		spec:      `{"format": "stripe", "secret": {"env": "HOOK_SECRET"}}`,
		tolerance: 5 * time.Minute, header: "Stripe-Signature", timeIn: "Stripe-Signature",
		sign: func(at time.Time, body string) http.Header {
			unix := strconv.FormatInt(at.Unix(), 10)
			h := http.Header{}
			h.Set("Stripe-Signature", "t="+unix+",v1="+hex.EncodeToString(hmacSHA256([]byte(hookSecret), unix+"."+body))+
				",v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39")
			return h
		},
	},
	"standard webhooks": {
		spec:      `{"format": "standard-webhooks", "secret": {"env": "STANDARD_SECRET"}}`,
		tolerance: 5 * time.Minute, header: "webhook-signature", timeIn: "webhook-timestamp", sign: standardSign("webhook-"),
	},
	"svix": {
		spec: `{"format": "standard-webhooks", "id": "svix-id", "timestamp": "svix-timestamp", "header": "svix-signature",
			"tolerance": "10m", "secret": {"env": "STANDARD_SECRET"}}`,
		tolerance: 10 * time.Minute, header: "svix-signature", timeIn: "svix-timestamp", sign: standardSign("svix-"),
	},
}

// TestWebhookSignatureFormats sends real deliveries in each signature
// format: a valid one is taken once; the same request again is refused as
// a replay (409) while its timestamp is within the tolerance and as stale
// (401) after; a sender's retry, signed anew, is acknowledged as a
// duplicate; stale, future, tampered and unsigned deliveries are refused
// (401) naming the header and what is wrong; neither the secret nor a
// signature reaches the log or an answer.
func TestWebhookSignatureFormats(t *testing.T) {
	for name, f := range signedFormats {
		t.Run(name, func(t *testing.T) {
			clk := clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			var logs bytes.Buffer
			ts := newTestServer(t, func(c *Config) {
				c.Clock, c.Logger = clk, slog.New(slog.NewTextHandler(&logs, nil))
				c.Webhooks = NewSpecWebhooks(instance.NewInstanceStore(c.Redis, c.Keys), queue.WebhookConfig{LookupEnv: func(n string) (string, bool) {
					v, ok := map[string]string{"HOOK_SECRET": hookSecret, "STANDARD_SECRET": standardSecret}[n]
					return v, ok
				}})
			})
			path := ts.applySigned(t, "signed", f.spec)
			event := `{"operation":"TENANT_UPDATED","data":{"externalTenantId":"L-42"}}`
			now := clk.Now()
			var answers []string
			post := func(step string, h http.Header, body string, want int, says ...string) {
				t.Helper()
				req, _ := http.NewRequest("POST", ts.URL+path, strings.NewReader(body))
				for k, v := range h {
					req.Header[k] = v
				}
				code, got := send(t, req)
				answers = append(answers, got)
				if code != want {
					t.Errorf("%s: %d %s; want %d", step, code, got, want)
				}
				for _, s := range says {
					if !strings.Contains(got, s) {
						t.Errorf("%s: the answer %s does not say %q", step, got, s)
					}
				}
			}
			tampered := strings.Replace(event, "L-42", "L-43", 1)
			post("tampered body", f.sign(now, event), tampered, 401, f.header)
			post("unsigned", http.Header{}, event, 401, "missing")
			post("stale", f.sign(now.Add(-f.tolerance-time.Second), event), event, 401, f.timeIn, "old", f.tolerance.String())
			post("future", f.sign(now.Add(f.tolerance+time.Second), event), event, 401, f.timeIn, "ahead", f.tolerance.String())
			valid := f.sign(now.Add(-f.tolerance+time.Second), event) // at the edge of the tolerance
			post("valid", valid, event, 202, "enqueued")
			post("replayed", valid, event, 409, f.timeIn, "received before")
			clk.Advance(2 * time.Second)
			post("replayed after its tolerance", valid, event, 401, "old")
			post("the sender's retry, signed anew", f.sign(clk.Now(), event), event, 200, "duplicate")
			if info, err := ts.insp.GetQueueInfo(ts.cfg.Queue); err != nil || info.Pending != 1 {
				t.Errorf("queue: %+v, %v; want the valid delivery's one record sync", info, err)
			}
			marks, err := ts.cfg.Redis.Keys(context.Background(), ts.cfg.Keys.WebhookSignature("signed", "*")).Result()
			if err != nil || len(marks) != 2 {
				t.Fatalf("replay marks %v (%v); want the valid delivery's and the retry's", marks, err)
			}
			for _, k := range marks {
				if ttl := ts.cfg.Redis.PTTL(context.Background(), k).Val(); ttl <= 0 || ttl > f.tolerance+time.Second {
					t.Errorf("the mark %s lives %v; want at most the tolerance %v and a second", k, ttl, f.tolerance)
				}
			}
			out := logs.String() + strings.Join(answers, "\n")
			for _, secret := range []string{hookSecret, standardSecret, valid.Get(f.header)} {
				if strings.Contains(out, secret) {
					t.Errorf("the log or an answer holds %q:\n%s", secret, out)
				}
			}
		})
	}
}

// applySigned stores an enabled instance whose partner spec is
// testdata's with signature as its webhooks' signature, and returns its
// webhook path.
func (ts *testServer) applySigned(t *testing.T, id, signature string) string {
	t.Helper()
	dir, _ := filepath.Abs("testdata")
	inst := &instance.Instance{ID: id, Organisation: "acme", Model: filepath.Join(dir, "model.json"), Enabled: true,
		Home: instance.System{Spec: filepath.Join(dir, "home.json")}, Partner: instance.System{Spec: filepath.Join(dir, "partner.json")}}
	files := map[string][]byte{inst.Model: []byte("{}")}
	for _, p := range []string{inst.Home.Spec, inst.Partner.Spec} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[p] = data
	}
	old := `{"header": "X-Signature", "secret": {"env": "SPECSYNC_TEST_HOOK_SECRET"}, "prefix": "sha256="}`
	if !bytes.Contains(files[inst.Partner.Spec], []byte(old)) {
		t.Fatal("testdata/partner.json has another signature than the test replaces")
	}
	files[inst.Partner.Spec] = bytes.Replace(files[inst.Partner.Spec], []byte(old), []byte(signature), 1)
	if _, err := ts.store.Apply(context.Background(), inst, files); err != nil {
		t.Fatal(err)
	}
	tok, err := ts.api.tokens.Token(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return "/webhooks/" + id + "/" + tok
}
