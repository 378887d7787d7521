package connectors_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/internal/nettest"
)

// listAll lists the tenants and returns the listing's error.
func listAll(c *connectors.Client) error {
	for _, err := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		if err != nil {
			return err
		}
	}
	return nil
}

// A system whose port is closed, whose TLS certificate is not trusted or
// whose name does not resolve was not reached; one that answered, even
// with 500, was; one never asked is not called unreachable.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	dnsFails := roundTripFunc(func(*http.Request) (*http.Response, error) {
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "erp.invalid", IsNotFound: true}}
	})
	cases := []struct {
		name        string
		cfg         connectors.Config
		fault       bool
		list        bool
		unreachable bool
	}{
		{name: "closed port", cfg: connectors.Config{BaseURL: nettest.ClosedURL(t)}, list: true, unreachable: true},
		{name: "untrusted certificate", cfg: connectors.Config{BaseURL: tlsSrv.URL + "/api/v1"}, list: true, unreachable: true},
		{name: "name does not resolve", cfg: connectors.Config{Transport: dnsFails}, list: true, unreachable: true},
		{name: "answers 500", fault: true, list: true},
		{name: "answers 200", list: true},
		{name: "never asked", cfg: connectors.Config{BaseURL: nettest.ClosedURL(t)}},
	}
	for _, tc := range cases {
		c := api.client(t, tc.cfg)
		if tc.fault {
			c = newFaultyAPI(t).client(t, tc.cfg)
		}
		if tc.list {
			err := listAll(c)
			if (err != nil) != (tc.unreachable || tc.fault) {
				t.Errorf("%s: listing error %v", tc.name, err)
			}
		}
		err := c.Unreachable()
		if (err != nil) != tc.unreachable {
			t.Errorf("%s: Unreachable() = %v; want unreachable %v", tc.name, err, tc.unreachable)
		}
		if err != nil && !strings.Contains(err.Error(), "could not be reached") {
			t.Errorf("%s: Unreachable() = %q; want it to say the system could not be reached", tc.name, err)
		}
	}
}

// newFaultyAPI is a tenants API that answers every request with 500.
func newFaultyAPI(t *testing.T) *tenantsAPI {
	api := newTenantsAPI(t)
	api.fault = func(w http.ResponseWriter, _ *http.Request) bool {
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
		return true
	}
	return api
}

// A system that answered once and then went away was reached: its
// records fail, the run does not.
func TestReachedThenGone(t *testing.T) {
	t.Parallel()
	api := newTenantsAPI(t)
	c := api.client(t, connectors.Config{})
	if err := listAll(c); err != nil {
		t.Fatal(err)
	}
	api.srv.Close()
	err := listAll(c)
	if err == nil {
		t.Fatal("listing a closed server succeeded")
	}
	if errors.Is(err, connectors.ErrUnreachable) || connectors.Classify(err) == connectors.GiveUp {
		t.Errorf("listing after the system went away: %v; want its own failure, retried, not unreachable", err)
	}
	if err := c.Unreachable(); err != nil {
		t.Errorf("Unreachable() = %v; want nil for a system that answered before", err)
	}
}

// Unreachable wraps the error that kept the request from the system.
func TestUnreachableWrapsCause(t *testing.T) {
	t.Parallel()
	c := newTenantsAPI(t).client(t, connectors.Config{BaseURL: nettest.ClosedURL(t)})
	_ = listAll(c)
	var op *net.OpError
	if err := c.Unreachable(); !errors.As(err, &op) || op.Op != "dial" {
		t.Errorf("Unreachable() = %v; want it to wrap the dial error", err)
	}
}

// A system that never answered is asked a few times only: then every
// request fails at once with ErrUnreachable, which stops the run.
func TestUnreachableStopsAsking(t *testing.T) {
	t.Parallel()
	var dials atomic.Int64
	refused := roundTripFunc(func(*http.Request) (*http.Response, error) {
		dials.Add(1)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	})
	c := newTenantsAPI(t).client(t, connectors.Config{Transport: refused})
	for range 4 {
		err := listAll(c)
		if !errors.Is(err, connectors.ErrUnreachable) || connectors.Classify(err) != connectors.GiveUp {
			t.Fatalf("listing: %v (%s); want ErrUnreachable, give-up", err, connectors.Classify(err))
		}
	}
	if n := dials.Load(); n != 3 {
		t.Errorf("%d requests sent; want 3, then none", n)
	}
	var op *net.OpError
	if err := c.Unreachable(); !errors.As(err, &op) {
		t.Errorf("Unreachable() = %v; want the dial error", err)
	}
}

// roundTripFunc is an http.RoundTripper made of a function.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
