package queue

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// hookSpec returns a partner spec whose webhooks carry a base64 HMAC.
func hookSpec() *specs.Spec {
	return &specs.Spec{Sync: &specs.Sync{Webhooks: &specs.Webhooks{
		Event: "meta.type",
		Signature: &specs.Signature{Header: "X-Sig", Secret: specs.Credential{Credential: "hook"},
			Encoding: "base64", Prefix: "sha256="},
		Events: map[string]*specs.WebhookEvent{
			"tenant.updated": {Entity: "tenant", Key: "{{ event.data.id }}"},
			"tenant.deleted": {Entity: "tenant", Direction: "push", Action: "delete", Key: "{{ event.data.id }}"},
		},
	}}}
}

func newTestWebhook(t *testing.T) *Webhook {
	t.Helper()
	inst := storedInstance("hooked", "acme")
	inst.Partner.Credentials = map[string]specs.Credential{"hook": {Env: "HOOK_SECRET"}}
	env := func(n string) (string, bool) {
		return map[string]string{"HOOK_SECRET": "s3cret"}[n], n == "HOOK_SECRET"
	}
	w, err := NewWebhook(inst, nil, hookSpec(), WebhookConfig{LookupEnv: env})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

func TestWebhookVerify(t *testing.T) {
	t.Parallel()
	w := newTestWebhook(t)
	body := []byte(`{"meta":{"type":"tenant.updated"},"data":{"id":"T-1"}}`)
	for name, c := range map[string]struct {
		header string
		ok     bool
	}{
		"right":        {sign("s3cret", body), true},
		"wrong secret": {sign("guess", body), false},
		"no prefix":    {sign("s3cret", body)[len("sha256="):], false},
		"missing":      {"", false},
	} {
		h := http.Header{}
		if c.header != "" {
			h.Set("X-Sig", c.header)
		}
		err := w.Verify(h, body)
		if c.ok != (err == nil) || (err != nil && !errors.Is(err, ErrBadSignature)) {
			t.Errorf("%s: Verify = %v, want ok=%v", name, err, c.ok)
		}
	}
}

func TestWebhookEvent(t *testing.T) {
	t.Parallel()
	w := newTestWebhook(t)
	got, err := w.Event([]byte(`{"meta":{"type":"tenant.deleted"},"data":{"id":"T-9"}}`))
	if err != nil {
		t.Fatal(err)
	}
	want := RecordPayload{Instance: "hooked", Direction: instance.Push, Entity: "tenant", Key: "T-9", Action: "delete", Event: "tenant.deleted"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("record (-want +got):\n%s", diff)
	}
	for _, body := range []string{`{"meta":{"type":"lease.created"}}`, `{"meta":{"type":"tenant.updated"},"data":{}}`} {
		if _, err := w.Event([]byte(body)); !errors.Is(err, ErrUnknownEvent) {
			t.Errorf("Event(%s) = %v, want ErrUnknownEvent", body, err)
		}
	}
	if _, err := w.Event([]byte(`[1]`)); err == nil || errors.Is(err, ErrUnknownEvent) {
		t.Errorf("Event of a non-object = %v, want a decoding error", err)
	}
}

func TestWebhookTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	rdb, ns := newRedis(t)
	w := NewWebhookTokens(rdb, ns)
	if ok, err := w.Check(ctx, "x", ""); ok || err != nil {
		t.Fatalf("an instance without a token accepted one: %v %v", ok, err)
	}
	tok, err := w.Token(ctx, "x")
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := w.Token(ctx, "x"); again != tok || len(tok) < 20 {
		t.Errorf("token %q then %q: want one stable, long token", tok, again)
	}
	if ok, _ := w.Check(ctx, "x", tok); !ok {
		t.Error("the instance's token was refused")
	}
	rot, _ := w.Rotate(ctx, "x")
	if ok, _ := w.Check(ctx, "x", tok); ok || rot == tok {
		t.Error("the old token still works after Rotate")
	}
}

// TestRecordTaskIDTellsADeleteFromAChange: a repeated event for one
// record is one task within the window, but a delete after a change is
// not taken for a repeat of it.
func TestRecordTaskIDTellsADeleteFromAChange(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	change := RecordPayload{Instance: "i", Direction: instance.Push, Entity: "tenant", Key: "l1", Action: "upsert"}
	remove := change
	remove.Action = "delete"
	if RecordTaskID(change, at, time.Minute) != RecordTaskID(change, at.Add(time.Second), time.Minute) {
		t.Error("a repeated change within the window is a second task")
	}
	if RecordTaskID(change, at, time.Minute) == RecordTaskID(remove, at, time.Minute) {
		t.Error("a delete after a change within the window is taken for a repeat")
	}
}
