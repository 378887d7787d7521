package connectortest

import (
	"fmt"
	"net/http"
	"testing"
)

// LoopbackOnly is a transport that sends requests for 127.0.0.1 through
// http.DefaultTransport and fails t on a request for any other host: a
// test of stand-ins then proves that nothing left for a real system.
func LoopbackOnly(t testing.TB) http.RoundTripper { return loopbackOnly{t} }

type loopbackOnly struct{ t testing.TB }

func (o loopbackOnly) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Hostname() != "127.0.0.1" {
		o.t.Errorf("a request left for %s", r.URL)
		return nil, fmt.Errorf("not a loopback address: %s", r.URL.Host)
	}
	return http.DefaultTransport.RoundTrip(r)
}
