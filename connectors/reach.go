package connectors

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
)

// reachTrips is how many requests in a row must fail before reaching a
// system that never answered for the client to stop asking it: further
// requests fail at once with ErrUnreachable.
const reachTrips = 3

// ErrUnreachable: the system never answered this client and its last
// requests could not reach it (DNS, a refused or timed-out connection,
// TLS), so the client no longer sends it requests. Classify reports
// GiveUp for it: no request can succeed until the system is up, and the
// records not sent are tried again by the next run.
var ErrUnreachable = errors.New("the system could not be reached; no further requests are sent to it")

// reach notes whether a system answered: a transport that every request
// of a client passes (token requests and redirects included) marks the
// first answer, whatever its status, and keeps the last error of a request
// that never reached the system. After reachTrips such failures with no
// answer ever, it stops sending requests (a breaker that, once the system
// answered, never opens). It is safe for concurrent use.
type reach struct {
	// answered is read without the lock, so that a request to a system
	// that answers takes no lock at all.
	answered atomic.Bool
	mu       sync.Mutex
	last     error
	fails    int // requests that did not reach the system, before any answer
}

// reachTransport sends requests with next and tells r how they went.
type reachTransport struct {
	next http.RoundTripper
	r    *reach
}

func (t reachTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.r.open(); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	res, err := t.next.RoundTrip(req)
	if err == nil {
		if !t.r.answered.Load() {
			t.r.answered.Store(true)
		}
		return res, nil
	}
	if !notReached(err) {
		return res, err
	}
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	t.r.last = err
	t.r.fails++
	if !t.r.answered.Load() && t.r.fails >= reachTrips {
		return nil, t.r.tripped()
	}
	return res, err
}

// open returns the error a request fails with at once when the system
// never answered and reachTrips requests could not reach it; nil otherwise.
func (r *reach) open() error {
	if r.answered.Load() {
		return nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.answered.Load() || r.fails < reachTrips {
		return nil
	}
	return r.tripped()
}

// tripped is ErrUnreachable with the last failure's cause; r.mu is held.
func (r *reach) tripped() error {
	return fmt.Errorf("%w (%d attempts): %w", ErrUnreachable, r.fails, r.last)
}

// notReached reports whether err says that a request never reached the
// system: the name did not resolve, the connection was refused or timed
// out while dialing, or TLS failed (handshake, certificate).
func notReached(err error) bool {
	var (
		dns      *net.DNSError
		op       *net.OpError
		hostname x509.HostnameError
		unknown  x509.UnknownAuthorityError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		header   tls.RecordHeaderError
		alert    tls.AlertError
	)
	switch {
	case errors.As(err, &dns), errors.As(err, &op) && op.Op == "dial":
		return true
	case errors.As(err, &hostname), errors.As(err, &unknown), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &header), errors.As(err, &alert):
		return true
	}
	return false
}

// Unreachable says why the system could not be reached at all: it is
// non-nil when at least one request since the client was built failed
// before the system answered (DNS, a refused or timed-out connection, a
// TLS handshake or certificate failure) and no request got an answer of
// any status. A system that answered once, even with an error status, was
// reached; one that was never asked was not found unreachable. Safe for
// concurrent use.
func (c *Client) Unreachable() error {
	c.reach.mu.Lock()
	defer c.reach.mu.Unlock()
	if c.reach.answered.Load() || c.reach.last == nil {
		return nil
	}
	return c.redact.wrap(fmt.Errorf("%s could not be reached: %w", c.label(), c.reach.last))
}
