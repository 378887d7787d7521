package server

import (
	"context"
	"errors"
	"io"
	"net/http"
	"reflect"
	"sync"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// WebhookLoader builds the webhook checker of an instance. It must be
// safe for concurrent use.
type WebhookLoader interface {
	Webhook(ctx context.Context, inst *instance.Instance) (*queue.Webhook, error)
}

// SpecWebhooks builds an instance's webhook checker from the specs it was
// applied with (engine.LoadWebhook over InstanceStore.Files) and keeps it
// until the stored instance or its documents change. It is safe for
// concurrent use.
type SpecWebhooks struct {
	store *instance.InstanceStore
	cfg   queue.WebhookConfig
	mu    sync.Mutex
	cache map[string]cachedWebhook
}

// cachedWebhook is a built checker and the instance it was built from.
type cachedWebhook struct {
	inst *instance.Instance
	hook *queue.Webhook
}

// NewSpecWebhooks returns a loader that reads applied specs from store
// and compiles templates with cfg.
func NewSpecWebhooks(store *instance.InstanceStore, cfg queue.WebhookConfig) *SpecWebhooks {
	return &SpecWebhooks{store: store, cfg: cfg, cache: map[string]cachedWebhook{}}
}

// Webhook returns the checker of inst, building it anew when inst is
// new or changed.
func (s *SpecWebhooks) Webhook(ctx context.Context, inst *instance.Instance) (*queue.Webhook, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cache[inst.ID]; ok && sameInstance(c.inst, inst) {
		return c.hook, nil
	}
	files, err := s.store.Files(ctx, inst)
	if err != nil {
		return nil, err
	}
	hook, err := queue.LoadWebhook(inst, files, s.cfg)
	if err != nil {
		return nil, err
	}
	s.cache[inst.ID] = cachedWebhook{inst: inst, hook: hook}
	return hook, nil
}

// sameInstance reports whether two stored versions have the same systems
// (specs and credential references) and documents.
func sameInstance(a, b *instance.Instance) bool {
	return reflect.DeepEqual(a.Home, b.Home) && reflect.DeepEqual(a.Partner, b.Partner) &&
		reflect.DeepEqual(a.Documents, b.Documents)
}

// webhook answers a delivery: 404 for an unknown instance or token, 401
// for a bad signature, 202 for an enqueued, duplicate or unknown event.
func (s *Server) webhook(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("instance")
	if ok, err := s.tokens.Check(r.Context(), id, r.PathValue("token")); err != nil || !ok {
		s.webhookRefused(w, id, err)
		return
	}
	inst, err := s.store.Get(r.Context(), id)
	if err != nil || !inst.Enabled {
		s.webhookRefused(w, id, err)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "webhook body: "+err.Error())
		return
	}
	s.deliver(w, r, inst, body)
}

// webhookRefused answers 404 without saying whether the instance or the
// token was wrong; a Redis error is a 503 so that the sender retries.
func (s *Server) webhookRefused(w http.ResponseWriter, id string, err error) {
	if err != nil && !errors.Is(err, instance.ErrNotFound) {
		s.cfg.Logger.Error("webhook: lookup failed", "instance", id, "err", err)
		writeError(w, http.StatusServiceUnavailable, "try again later")
		return
	}
	s.cfg.Metrics.Webhook(id, "refused")
	writeError(w, http.StatusNotFound, "no such webhook")
}

// deliver checks the delivery and enqueues its record's sync.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, inst *instance.Instance, body []byte) {
	hook, err := s.cfg.Webhooks.Webhook(r.Context(), inst)
	if err == nil {
		err = hook.Verify(r.Header, body)
	}
	if errors.Is(err, queue.ErrBadSignature) {
		s.cfg.Metrics.Webhook(inst.ID, "bad-signature")
		writeError(w, http.StatusUnauthorized, "webhook signature missing or wrong")
		return
	}
	var rec queue.RecordPayload
	if err == nil {
		rec, err = hook.Event(body)
	}
	if err != nil {
		s.ignoreEvent(w, inst.ID, err)
		return
	}
	s.enqueueRecord(w, r, rec)
}

// ignoreEvent acknowledges a delivery that triggers nothing, so that the
// sender does not retry it, and logs why.
func (s *Server) ignoreEvent(w http.ResponseWriter, id string, err error) {
	s.cfg.Logger.Warn("webhook event ignored", "instance", id, "err", err)
	s.cfg.Metrics.Webhook(id, "ignored")
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "ignored", "reason": err.Error()})
}

// enqueueRecord enqueues the single-record sync, once per dedupe window.
func (s *Server) enqueueRecord(w http.ResponseWriter, r *http.Request, rec queue.RecordPayload) {
	task, err := queue.NewRecordTask(rec, s.cfg.Queue, s.cfg.Clock.Now(), s.cfg.DedupeWindow)
	if err == nil {
		_, err = s.client.EnqueueContext(r.Context(), task)
	}
	switch {
	case errors.Is(err, asynq.ErrTaskIDConflict):
		s.cfg.Metrics.Webhook(rec.Instance, "duplicate")
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "duplicate"})
	case err != nil:
		s.cfg.Logger.Error("webhook: enqueue failed", "instance", rec.Instance, "err", err)
		writeError(w, http.StatusServiceUnavailable, "try again later")
	default:
		s.cfg.Metrics.Webhook(rec.Instance, "enqueued")
		writeJSON(w, http.StatusAccepted, map[string]string{"status": "enqueued"})
	}
}
