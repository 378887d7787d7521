package queue

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine"
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
	// ErrBadSignature: the delivery's signature is missing or wrong, or
	// its timestamp is outside the tolerance.
	ErrBadSignature = errors.New("webhook signature missing or wrong")
	// ErrReplayed: the delivery's signature was received before, within
	// its tolerance.
	ErrReplayed = errors.New("webhook signature received before")
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
// type to the entities, direction and key of the records to sync. It is
// safe for concurrent use.
type Webhook struct {
	inst          *instance.Instance
	sys           instance.System
	home, partner *specs.Spec
	fromHome      bool // the home system sends the events
	hooks         *specs.Webhooks
	keys          map[string]*transforms.Template
	creds         *connectors.Credentials
	sig           *signatureCheck
}

// NewWebhook compiles the webhooks of the instance's partner spec, or of
// its home spec when the partner describes none.
func NewWebhook(inst *instance.Instance, home, partner *specs.Spec, cfg WebhookConfig) (*Webhook, error) {
	w := &Webhook{inst: inst, home: home, partner: partner, keys: map[string]*transforms.Template{}}
	switch {
	case partner != nil && partner.Sync != nil && partner.Sync.Webhooks != nil:
		w.sys, w.hooks = inst.Partner, partner.Sync.Webhooks
	case home != nil && home.Sync != nil && home.Sync.Webhooks != nil:
		w.sys, w.hooks, w.fromHome = inst.Home, home.Sync.Webhooks, true
	default:
		return nil, fmt.Errorf("instance %q: %w", inst.ID, ErrNoWebhooks)
	}
	w.creds = &connectors.Credentials{Named: w.sys.Credentials, LookupEnv: cfg.LookupEnv}
	if w.hooks.Signature != nil {
		sig, err := newSignatureCheck(w.hooks.Signature)
		if err != nil {
			return nil, fmt.Errorf("instance %q: x-sync/webhooks/signature: %w", inst.ID, err)
		}
		w.sig = sig
	}
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

// Delivery is what one webhook delivery asks for.
type Delivery struct {
	// Event is the delivery's event type.
	Event string
	// ID is the event's id, where the spec's webhooks.id finds one.
	ID string
	// Digest names the event for the dedupe window: a hash of its type
	// and id, or, without an id, of its type, record and payload.
	Digest string
	// Records are the single-record syncs it triggers: one per partner
	// entity whose flow syncs the entity the event names.
	Records []RecordPayload
}

// Event maps a delivery's JSON body to the records it names. The event's
// entity is one of the sending system's; it is resolved through its model
// entity to the partner entities that sync it in the event's direction
// (engine.EventEntities), so that a home `unit` reaches the partner's
// `apartment`. An event whose entity no flow syncs that way is unknown.
func (w *Webhook) Event(body []byte) (Delivery, error) {
	var event map[string]any
	if err := json.Unmarshal(body, &event); err != nil {
		return Delivery{}, fmt.Errorf("instance %q: webhook body is not a JSON object: %w", w.inst.ID, err)
	}
	typ := jsonvalue.TextAt(event, w.hooks.Event)
	d := Delivery{Event: typ}
	ev, ok := w.hooks.Events[typ]
	if !ok {
		return d, fmt.Errorf("instance %q: event %q at %q: %w", w.inst.ID, typ, w.hooks.Event, ErrUnknownEvent)
	}
	key, err := w.keys[typ].Render(transforms.Vars{"event": event})
	if err != nil || key == "" {
		return d, fmt.Errorf("instance %q: event %q: its key template %q renders no key: %w", w.inst.ID, typ, ev.Key, errors.Join(err, ErrUnknownEvent))
	}
	dir := instance.Direction(cmp.Or(ev.Direction, specs.WebhookPull))
	action := string(cmp.Or(ev.Action, specs.WebhookUpsert))
	entities := engine.EventEntities(w.home, w.partner, w.fromHome, ev.Entity, dir)
	if len(entities) == 0 {
		return d, fmt.Errorf("instance %q: event %q names the %s entity %q, which no %s flow of the instance syncs; name an entity of the %s spec whose model entity the other spec syncs: %w",
			w.inst.ID, typ, w.sender(), ev.Entity, dir, w.sender(), ErrUnknownEvent)
	}
	if w.hooks.ID != "" {
		d.ID = jsonvalue.TextAt(event, w.hooks.ID)
	}
	d.Digest = digest(d, ev.Entity, action, key, body)
	for _, name := range entities {
		d.Records = append(d.Records, RecordPayload{Instance: w.inst.ID, Direction: dir, Entity: name, Key: key,
			Action: action, Event: typ, EventID: d.ID, Delivery: d.Digest})
	}
	return d, nil
}

// sender names the system that sends the events.
func (w *Webhook) sender() string {
	if w.fromHome {
		return "home"
	}
	return "partner"
}

// digest names a delivery's event: by its type and id when it has one,
// else by its type, the entity, action and key it names and the payload.
func digest(d Delivery, entity, action, key string, body []byte) string {
	h := sha256.New()
	if d.ID != "" {
		fmt.Fprintf(h, "id\x00%s\x00%s", d.Event, d.ID)
	} else {
		fmt.Fprintf(h, "payload\x00%s\x00%s\x00%s\x00%s\x00", d.Event, entity, action, key)
		h.Write(body)
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
