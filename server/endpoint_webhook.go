package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"sync"
	"time"

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
// for a bad signature or one whose timestamp is outside its tolerance,
// 409 for a replayed signature, 202 for an enqueued or unknown event, 200
// for a repeat of an event seen within the instance's dedupe window.
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
	s.cfg.Metrics.Webhook(nil, "refused")
	writeError(w, http.StatusNotFound, "no such webhook")
}

// deliver checks the delivery and enqueues its records' syncs.
func (s *Server) deliver(w http.ResponseWriter, r *http.Request, inst *instance.Instance, body []byte) {
	hook, err := s.cfg.Webhooks.Webhook(r.Context(), inst)
	var signed queue.Signed
	if err == nil {
		signed, err = hook.Verify(r.Header, body, s.cfg.Clock.Now())
	}
	if errors.Is(err, queue.ErrBadSignature) {
		s.cfg.Logger.Warn("webhook refused: bad signature", "instance", inst.ID, "err", err)
		s.cfg.Metrics.Webhook(inst, "bad-signature")
		writeError(w, http.StatusUnauthorized, err.Error())
		return
	}
	if err == nil && !s.firstSignature(w, r, inst, signed) {
		return
	}
	var d queue.Delivery
	if err == nil {
		d, err = hook.Event(body)
	}
	if err != nil {
		s.ignoreEvent(w, inst, err)
		return
	}
	s.enqueueRecords(w, r, inst, d, signed)
}

// firstSignature refuses a replay: a timestamped signature received
// before within its tolerance is answered 409. A signature without a time
// is not judged here; repeats of its event are the dedupe window's.
func (s *Server) firstSignature(w http.ResponseWriter, r *http.Request, inst *instance.Instance, signed queue.Signed) bool {
	id := inst.ID
	if signed.Digest == "" {
		return true
	}
	first, err := s.seen.FirstSignature(r.Context(), id, signed, s.cfg.Clock.Now())
	switch {
	case err != nil:
		s.cfg.Logger.Error("webhook: replay check failed", "instance", id, "err", err)
		writeError(w, http.StatusServiceUnavailable, "try again later")
	case !first:
		s.cfg.Logger.Warn("webhook refused: replayed signature", "instance", id, "header", signed.Header, "signed", signed.At.UTC())
		s.cfg.Metrics.Webhook(inst, "replayed")
		writeError(w, http.StatusConflict, fmt.Sprintf("instance %q: header %s: this signature (signed at %s) was received before: %v; a sender's retry carries a new timestamp and signature",
			id, signed.Header, signed.At.UTC().Format(time.RFC3339), queue.ErrReplayed))
	}
	return err == nil && first
}

// forgetSignature drops the replay mark of a delivery that was not taken,
// so that the sender's retry of the same request is not refused.
func (s *Server) forgetSignature(ctx context.Context, id string, signed queue.Signed) {
	if signed.Digest == "" {
		return
	}
	if err := s.seen.ForgetSignature(context.WithoutCancel(ctx), id, signed); err != nil {
		s.cfg.Logger.Error("webhook: signature not forgotten; a resend of the same request is refused as a replay until its tolerance ends", "instance", id, "err", err)
	}
}

// ignoreEvent acknowledges a delivery that triggers nothing, so that the
// sender does not retry it, and logs why.
func (s *Server) ignoreEvent(w http.ResponseWriter, inst *instance.Instance, err error) {
	s.cfg.Logger.Warn("webhook event ignored", "instance", inst.ID, "err", err)
	s.cfg.Metrics.Webhook(inst, "ignored")
	writeJSON(w, http.StatusAccepted, map[string]string{"status": "ignored", "reason": err.Error()})
}

// DuplicateHeader is set on the answer to a repeated webhook delivery.
const DuplicateHeader = "Specsync-Duplicate"

// enqueueRecords enqueues the single-record syncs of a delivery once per
// dedupe window: a repeat of an event seen within the window is
// acknowledged as a duplicate and not run again, even when the first
// delivery's syncs already ran.
func (s *Server) enqueueRecords(w http.ResponseWriter, r *http.Request, inst *instance.Instance, d queue.Delivery, signed queue.Signed) {
	ctx := r.Context()
	now, window := s.cfg.Clock.Now(), inst.Options.Dedupe(s.cfg.DedupeWindow)
	first, err := s.seen.First(ctx, inst.ID, d.Digest, now, window)
	if err != nil {
		s.forgetSignature(ctx, inst.ID, signed)
		s.cfg.Logger.Error("webhook: dedupe check failed", "instance", inst.ID, "err", err)
		writeError(w, http.StatusServiceUnavailable, "try again later")
		return
	}
	if !first {
		s.duplicate(w, inst, d, window)
		return
	}
	enqueued := 0
	for _, rec := range d.Records {
		task, err := queue.NewRecordTask(rec, s.route(), now, window)
		if err == nil {
			_, err = s.client.EnqueueContext(ctx, task)
		}
		switch {
		case errors.Is(err, asynq.ErrTaskIDConflict):
		case err != nil:
			s.cfg.Logger.Error("webhook: enqueue failed", "instance", inst.ID, "event", d.Event, "err", err)
			s.forgetSignature(ctx, inst.ID, signed)
			if ferr := s.seen.Forget(context.WithoutCancel(ctx), inst.ID, d.Digest); ferr != nil {
				s.cfg.Logger.Error("webhook: event not forgotten; its next delivery is taken for a repeat until the window ends", "instance", inst.ID, "err", ferr)
			}
			writeError(w, http.StatusServiceUnavailable, "try again later")
			return
		default:
			enqueued++
		}
	}
	if enqueued == 0 {
		s.duplicate(w, inst, d, window)
		return
	}
	s.cfg.Metrics.Webhook(inst, "enqueued")
	writeJSON(w, http.StatusAccepted, map[string]any{"status": "enqueued", "event": d.Event, "records": enqueued})
}

// duplicate acknowledges a repeated delivery: 200, status duplicate and
// the DuplicateHeader, so that the sender stops retrying it.
func (s *Server) duplicate(w http.ResponseWriter, inst *instance.Instance, d queue.Delivery, window time.Duration) {
	s.cfg.Metrics.Webhook(inst, "duplicate")
	w.Header().Set(DuplicateHeader, "true")
	writeJSON(w, http.StatusOK, map[string]string{"status": "duplicate", "event": d.Event,
		"reason": fmt.Sprintf("the same event was received within the dedupe window of %s; it is not run again", window)})
}
