package queue

import (
	"context"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/keys"
)

// SeenEvents remembers the webhook events of each instance for its dedupe
// window, in Redis under the instance's hash tag, so that a repeated
// delivery is recognised for the whole window: also after the sync of
// the first one ran, when the queue no longer holds its task. It is safe
// for concurrent use.
type SeenEvents struct {
	rdb redis.UniversalClient
	ns  keys.Namespace
}

// NewSeenEvents returns the seen webhook events under ns.
func NewSeenEvents(rdb redis.UniversalClient, ns keys.Namespace) *SeenEvents {
	return &SeenEvents{rdb: rdb, ns: ns}
}

// First marks the event named by digest (Delivery.Digest) as seen by
// instance at at, for window, and reports whether this is its first
// delivery within the window. Several servers on one Redis agree: exactly
// one of them sees the first.
func (s *SeenEvents) First(ctx context.Context, instance, digest string, at time.Time, window time.Duration) (bool, error) {
	first, err := s.rdb.SetNX(ctx, s.ns.WebhookSeen(instance, digest), at.UTC().Format(time.RFC3339Nano), window).Result()
	if err != nil {
		return false, fmt.Errorf("webhook event of %q: %w", instance, err)
	}
	return first, nil
}

// Forget drops the mark of an event whose sync could not be enqueued, so
// that the sender's next try is not taken for a repeat.
func (s *SeenEvents) Forget(ctx context.Context, instance, digest string) error {
	if err := s.rdb.Del(ctx, s.ns.WebhookSeen(instance, digest)).Err(); err != nil {
		return fmt.Errorf("webhook event of %q: %w", instance, err)
	}
	return nil
}

// FirstSignature marks the timestamped signature named by digest
// (Signed.Digest) as received by instance until its timestamp leaves the
// tolerance (Signed.Until, judged at now), and reports whether this is
// its first delivery: a repeat is a replay. Several servers on one Redis
// agree.
func (s *SeenEvents) FirstSignature(ctx context.Context, instance string, signed Signed, now time.Time) (bool, error) {
	ttl := max(signed.Until.Sub(now), 0) + time.Second // a mark never outlives the tolerance by more than a second, and always expires
	first, err := s.rdb.SetNX(ctx, s.ns.WebhookSignature(instance, signed.Digest), now.UTC().Format(time.RFC3339Nano), ttl).Result()
	if err != nil {
		return false, fmt.Errorf("webhook signature of %q: %w", instance, err)
	}
	return first, nil
}

// ForgetSignature drops the mark of a signature whose delivery could not
// be taken, so that the sender may send it again.
func (s *SeenEvents) ForgetSignature(ctx context.Context, instance string, signed Signed) error {
	if err := s.rdb.Del(ctx, s.ns.WebhookSignature(instance, signed.Digest)).Err(); err != nil {
		return fmt.Errorf("webhook signature of %q: %w", instance, err)
	}
	return nil
}
