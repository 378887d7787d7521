package connectors

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
)

// reach notes whether a system answered: a transport that every request
// of a client passes (token requests and redirects included) marks the
// first answer, whatever its status, and keeps the last error of a request
// that never reached the system. It is safe for concurrent use.
type reach struct {
	mu       sync.Mutex
	answered bool
	last     error
}

// reachTransport sends requests with next and tells r how they went.
type reachTransport struct {
	next http.RoundTripper
	r    *reach
}

func (t reachTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := t.next.RoundTrip(req)
	t.r.mu.Lock()
	defer t.r.mu.Unlock()
	switch {
	case err == nil:
		t.r.answered = true
	case notReached(err):
		t.r.last = err
	}
	return res, err
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
	if c.reach.answered || c.reach.last == nil {
		return nil
	}
	return c.redact.wrap(fmt.Errorf("%s could not be reached: %w", c.label(), c.reach.last))
}
