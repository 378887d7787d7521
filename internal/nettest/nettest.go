// Package nettest holds network helpers shared by tests.
package nettest

import (
	"net"
	"testing"
)

// ClosedURL returns the base URL of a local port nothing listens on: a
// system that refuses every connection.
func ClosedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}
