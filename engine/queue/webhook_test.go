package queue

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
	"github.com/specsync/specsync/specs"
)

// twoWay is an entity of model that lists and writes.
func twoWay(model string) *specs.Entity {
	return &specs.Entity{Model: model, List: &specs.Operation{Operation: "list"}, Upsert: &specs.Operation{Operation: "upsert"}}
}

// homeSpec returns a home spec with the model entities lease (as lease)
// and unit (as unit, and as unit_old, which no partner entity syncs since
// unit is synced with the home's unit).
func homeSpec() *specs.Spec {
	return &specs.Spec{Sync: &specs.Sync{Entities: map[string]*specs.Entity{
		"lease": twoWay("lease"), "unit": twoWay("unit"), "unit_old": twoWay("unit")}}}
}

// hookSpec returns a partner spec whose webhooks carry a base64 HMAC,
// with the model entities lease (as tenant, which also pushes to
// contract) and unit (as apartment).
func hookSpec() *specs.Spec {
	contract := twoWay("lease")
	contract.List = nil // push only
	return &specs.Spec{Sync: &specs.Sync{Entities: map[string]*specs.Entity{
		"tenant": twoWay("lease"), "contract": contract, "apartment": twoWay("unit")}, Webhooks: &specs.Webhooks{
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
	w, err := NewWebhook(inst, homeSpec(), hookSpec(), WebhookConfig{LookupEnv: env})
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
		_, err := w.Verify(h, body, time.Now())
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
	want := RecordPayload{Instance: "hooked", Direction: instance.Push, Entity: "tenant", Key: "T-9", Action: "delete", Event: "tenant.deleted", Delivery: got.Digest}
	if diff := cmp.Diff([]RecordPayload{want}, got.Records); diff != "" || got.Event != "tenant.deleted" || len(got.Digest) != 32 {
		t.Errorf("delivery %+v; records (-want +got):\n%s", got, diff)
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

// TestWebhookEventFromHomeResolvesThroughTheModel: a home system's event
// names a home entity; it reaches every partner entity whose flow in the
// event's direction syncs the same model entity with it, whatever their
// names. An entity no flow syncs is an unknown event, with the reason.
func TestWebhookEventFromHomeResolvesThroughTheModel(t *testing.T) {
	t.Parallel()
	home := homeSpec()
	home.Sync.Webhooks = &specs.Webhooks{Event: "type", ID: "eventId", Events: map[string]*specs.WebhookEvent{
		"LEASE_CHANGED": {Entity: "lease", Direction: "push", Key: "{{ event.lease }}"},
		"LEASE_ASKED":   {Entity: "lease", Key: "{{ event.lease }}"},
		"UNIT_CHANGED":  {Entity: "unit", Direction: "push", Key: "{{ event.unit }}"},
		"OLD_CHANGED":   {Entity: "unit_old", Direction: "push", Key: "{{ event.unit }}"},
	}}
	partner := hookSpec()
	partner.Sync.Webhooks = nil
	w, err := NewWebhook(storedInstance("hooked", "acme"), home, partner, WebhookConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for body, want := range map[string][]string{
		`{"type":"LEASE_CHANGED","eventId":"e1","lease":"L-1"}`: {"push contract L-1", "push tenant L-1"},
		`{"type":"LEASE_ASKED","eventId":"e2","lease":"L-1"}`:   {"pull tenant L-1"},
		`{"type":"UNIT_CHANGED","eventId":"e3","unit":"U-1"}`:   {"push apartment U-1"},
	} {
		d, err := w.Event([]byte(body))
		if err != nil {
			t.Errorf("Event(%s): %v", body, err)
			continue
		}
		var got []string
		for _, r := range d.Records {
			got = append(got, string(r.Direction)+" "+r.Entity+" "+r.Key)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("Event(%s) records (-want +got):\n%s", body, diff)
		}
	}
	_, err = w.Event([]byte(`{"type":"OLD_CHANGED","unit":"U-1"}`))
	if !errors.Is(err, ErrUnknownEvent) || !strings.Contains(err.Error(), `home entity "unit_old"`) {
		t.Errorf("an event of a home entity no flow syncs: %v; want ErrUnknownEvent naming it", err)
	}
}

// TestWebhookEventDigest: deliveries with one event id are one event,
// whatever else they carry; without an id, deliveries are one event
// when their payload is the same.
func TestWebhookEventDigest(t *testing.T) {
	t.Parallel()
	w := newTestWebhook(t)
	digest := func(hooks *Webhook, body string) string {
		t.Helper()
		d, err := hooks.Event([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		return d.Digest
	}
	a := `{"meta":{"type":"tenant.updated","id":"ev-1","sent":"10:00"},"data":{"id":"T-1"}}`
	b := `{"meta":{"type":"tenant.updated","id":"ev-1","sent":"10:05"},"data":{"id":"T-1"}}`
	if again := digest(w, a); digest(w, a) != again || digest(w, a) == digest(w, b) {
		t.Error("without an id path, the digest is not the payload's")
	}
	w.hooks.ID = "meta.id"
	c := `{"meta":{"type":"tenant.updated","id":"ev-2","sent":"10:05"},"data":{"id":"T-1"}}`
	if digest(w, a) != digest(w, b) || digest(w, a) == digest(w, c) {
		t.Error("with an id path, deliveries of one event id differ or two ids are one")
	}
}

// TestSeenEvents: an event is first once within its window, again after
// it, and again once forgotten.
func TestSeenEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	srv := redistest.New(t)
	rdb, ns := srv.Client, keys.New(srv.Prefix)
	s := NewSeenEvents(rdb, ns)
	first := func(digest string) bool {
		t.Helper()
		ok, err := s.First(ctx, "x", digest, time.Now(), 300*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !first("d1") || first("d1") || !first("d2") {
		t.Fatal("an event is not first exactly once within the window")
	}
	if ttl := rdb.PTTL(ctx, ns.WebhookSeen("x", "d1")).Val(); ttl <= 0 || ttl > 300*time.Millisecond {
		t.Errorf("the mark lives %v; want the window", ttl)
	}
	if err := s.Forget(ctx, "x", "d2"); err != nil || !first("d2") {
		t.Errorf("a forgotten event is not first again: %v", err)
	}
	time.Sleep(400 * time.Millisecond)
	if srv.Mini != nil {
		srv.Mini.FastForward(400 * time.Millisecond) // the in-process Redis expires keys only when told
	}
	if !first("d1") {
		t.Error("an event is not first again after its window")
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

// TestRecordTaskIDTellsADeleteFromAChange: a repeated task for one
// record is one task within the window, but a delete after a change, or
// another delivery's event for the record, is not taken for a repeat of
// it (the first task may have read the record before the change).
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
	later := change
	later.Delivery = "another event"
	if RecordTaskID(change, at, time.Minute) == RecordTaskID(later, at, time.Minute) {
		t.Error("another event for the record within the window is taken for a repeat")
	}
}

// TestWebhookVerifyReadsOnlyUnixSeconds: a Stripe timestamp that is not
// plain digits of seconds up to the year 9999 (milliseconds, say) is
// refused naming the header, never taken for a time within the
// tolerance; old and future ones say so.
func TestWebhookVerifyReadsOnlyUnixSeconds(t *testing.T) {
	t.Parallel()
	w := newTestWebhook(t)
	sig, err := newSignatureCheck(&specs.Signature{Format: specs.FormatStripe, Secret: w.hooks.Signature.Secret})
	if err != nil {
		t.Fatal(err)
	}
	w.sig = sig
	body := []byte(`{"meta":{"type":"tenant.updated"},"data":{"id":"T-1"}}`)
	now := time.Unix(1_770_000_000, 0)
	for ts, want := range map[string]string{
		"+1770000000":          "not a Unix time",
		"1770000000.5":         "not a Unix time",
		"-1":                   "not a Unix time",
		"1770000000000":        "not a Unix time",
		"9223372036854775807":  "not a Unix time",
		"1770001000":           "ahead",
		"99999999999999999999": "not a Unix time",
		"1769999000":           "old",
	} {
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write([]byte(ts + "."))
		mac.Write(body)
		h := http.Header{}
		h.Set("Stripe-Signature", "t="+ts+",v1="+hex.EncodeToString(mac.Sum(nil)))
		_, err := w.Verify(h, body, now)
		if !errors.Is(err, ErrBadSignature) || !strings.Contains(err.Error(), "header Stripe-Signature") || !strings.Contains(err.Error(), want) {
			t.Errorf("t=%s: %v; want a bad signature whose timestamp is %s", ts, err, want)
		}
	}
}
