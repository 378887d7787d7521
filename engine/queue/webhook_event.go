package queue

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"net/http"
	"strings"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/specs"
	"github.com/specsync/specsync/transforms"
)

// Errors of webhook deliveries, matched with errors.Is.
var (
	// ErrUnknownEvent: the spec maps no sync to the delivery's event type.
	// The delivery is acknowledged and logged, not refused.
	ErrUnknownEvent = errors.New("unknown webhook event")
	// ErrBadSignature: the delivery's signature is missing or wrong.
	ErrBadSignature = errors.New("webhook signature missing or wrong")
	// ErrNoWebhooks: neither spec of the instance describes webhooks.
	ErrNoWebhooks = errors.New("the instance's specs describe no webhooks")
)

// WebhookConfig holds what a Webhook needs. The zero value works.
type WebhookConfig struct {
	// Templates compiles the event key templates. Nil means
	// transforms.NewEnv().
	Templates *transforms.Env
	// LookupEnv reads environment variables for the signature secret. Nil
	// means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
}

// Webhook turns the deliveries of one instance's webhooks into
// single-record syncs: it checks their signature and maps their event
// type to an entity, a direction and a key. It is safe for concurrent use.
type Webhook struct {
	inst  *instance.Instance
	sys   instance.System
	hooks *specs.Webhooks
	keys  map[string]*transforms.Template
	creds *connectors.Credentials
}

// NewWebhook compiles the webhooks of the instance's partner spec, or of
// its home spec when the partner describes none.
func NewWebhook(inst *instance.Instance, home, partner *specs.Spec, cfg WebhookConfig) (*Webhook, error) {
	w := &Webhook{inst: inst, keys: map[string]*transforms.Template{}}
	switch {
	case partner != nil && partner.Sync != nil && partner.Sync.Webhooks != nil:
		w.sys, w.hooks = inst.Partner, partner.Sync.Webhooks
	case home != nil && home.Sync != nil && home.Sync.Webhooks != nil:
		w.sys, w.hooks = inst.Home, home.Sync.Webhooks
	default:
		return nil, fmt.Errorf("instance %q: %w", inst.ID, ErrNoWebhooks)
	}
	w.creds = &connectors.Credentials{Named: w.sys.Credentials, LookupEnv: cfg.LookupEnv}
	env := cfg.Templates
	if env == nil {
		env = transforms.NewEnv()
	}
	for name, ev := range w.hooks.Events {
		t, err := env.Compile(ev.Key)
		if err != nil {
			return nil, fmt.Errorf("instance %q: x-sync/webhooks/events/%s/key: %w", inst.ID, name, err)
		}
		w.keys[name] = t
	}
	return w, nil
}

// Verify checks the delivery's signature when the spec asks for one.
func (w *Webhook) Verify(h http.Header, body []byte) error {
	sig := w.hooks.Signature
	if sig == nil {
		return nil
	}
	secret, err := w.creds.Resolve(sig.Secret)
	if err != nil {
		return fmt.Errorf("instance %q: webhook signature secret: %w", w.inst.ID, err)
	}
	got, ok := strings.CutPrefix(h.Get(sig.Header), sig.Prefix)
	if !ok || got == "" {
		return fmt.Errorf("instance %q: header %s: %w", w.inst.ID, sig.Header, ErrBadSignature)
	}
	mac := hmac.New(hasher(sig.Algorithm), []byte(secret))
	mac.Write(body)
	if !hmac.Equal([]byte(encodeSig(sig.Encoding, mac.Sum(nil))), []byte(got)) {
		return fmt.Errorf("instance %q: header %s: %w", w.inst.ID, sig.Header, ErrBadSignature)
	}
	return nil
}

// hasher returns the hash of an HMAC algorithm; empty means hmac-sha256.
func hasher(alg specs.SignatureAlgorithm) func() hash.Hash {
	if alg == specs.HMACSHA1 {
		return sha1.New
	}
	return sha256.New
}

// encodeSig encodes a MAC as the spec says; empty means hex.
func encodeSig(enc specs.SignatureEncoding, sum []byte) string {
	if enc == specs.EncodingBase64 {
		return base64.StdEncoding.EncodeToString(sum)
	}
	return hex.EncodeToString(sum)
}

// Event maps a delivery's JSON body to the record it names.
func (w *Webhook) Event(body []byte) (RecordPayload, error) {
	var event map[string]any
	if err := json.Unmarshal(body, &event); err != nil {
		return RecordPayload{}, fmt.Errorf("instance %q: webhook body is not a JSON object: %w", w.inst.ID, err)
	}
	typ := jsonvalue.TextAt(event, w.hooks.Event)
	ev, ok := w.hooks.Events[typ]
	if !ok {
		return RecordPayload{Event: typ}, fmt.Errorf("instance %q: event %q at %q: %w", w.inst.ID, typ, w.hooks.Event, ErrUnknownEvent)
	}
	key, err := w.keys[typ].Render(transforms.Vars{"event": event})
	if err != nil || key == "" {
		return RecordPayload{Event: typ}, fmt.Errorf("instance %q: event %q: its key template %q renders no key: %w", w.inst.ID, typ, ev.Key, errors.Join(err, ErrUnknownEvent))
	}
	return RecordPayload{Instance: w.inst.ID, Direction: instance.Direction(cmp.Or(ev.Direction, specs.WebhookPull)),
		Entity: ev.Entity, Key: key, Action: string(cmp.Or(ev.Action, specs.WebhookUpsert)), Event: typ}, nil
}
