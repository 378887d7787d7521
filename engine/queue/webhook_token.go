package queue

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"errors"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

// WebhookTokens keeps the unguessable token of each instance's webhook
// URL (/webhooks/{instance}/{token}) in Redis. It is safe for concurrent
// use.
type WebhookTokens struct {
	rdb redis.UniversalClient
	ns  keys.Namespace
}

// NewWebhookTokens returns the webhook tokens under ns.
func NewWebhookTokens(rdb redis.UniversalClient, ns keys.Namespace) *WebhookTokens {
	return &WebhookTokens{rdb: rdb, ns: ns}
}

// key names the token of instance.
func (w *WebhookTokens) key(instance string) string {
	return w.ns.WebhookToken(instance)
}

// Token returns the token of instance, creating it on first use.
func (w *WebhookTokens) Token(ctx context.Context, instance string) (string, error) {
	tok := rand.Text()
	if err := w.rdb.SetNX(ctx, w.key(instance), tok, 0).Err(); err != nil {
		return "", fmt.Errorf("webhook token of %q: %w", instance, err)
	}
	got, err := w.rdb.Get(ctx, w.key(instance)).Result()
	if err != nil {
		return "", fmt.Errorf("webhook token of %q: %w", instance, err)
	}
	return got, nil
}

// Rotate replaces the token of instance; the old URL stops working.
func (w *WebhookTokens) Rotate(ctx context.Context, instance string) (string, error) {
	tok := rand.Text()
	if err := w.rdb.Set(ctx, w.key(instance), tok, 0).Err(); err != nil {
		return "", fmt.Errorf("webhook token of %q: %w", instance, err)
	}
	return tok, nil
}

// Check reports whether token is the token of instance, comparing in
// constant time. An instance without a token accepts none.
func (w *WebhookTokens) Check(ctx context.Context, instance, token string) (bool, error) {
	want, err := w.rdb.Get(ctx, w.key(instance)).Result()
	if errors.Is(err, redis.Nil) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("webhook token of %q: %w", instance, err)
	}
	return subtle.ConstantTimeCompare([]byte(want), []byte(token)) == 1, nil
}
