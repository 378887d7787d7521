// Package connectortest holds the conformance suite that every auth method
// and every paginator of package connectors passes, and the small fakes its
// tests share: a log capture, a data set and a spec builder; the clock
// that does not sleep is internal/clock's Manual.
//
// The suite runs a connectors.Client against httptest servers, the way
// testing/slogtest runs a slog.Handler: a method's tests supply a factory
// describing how the method looks on the wire, and the suite drives the
// cases every method must pass, failures included (wrong credentials, an
// expired token, a 401 that renewal cannot fix, pages of the wrong size, a
// repeated cursor, a server stuck on one page).
//
//	func TestAuthConformance(t *testing.T) {
//		connectortest.RunAuth(t, "apiKey", apiKeyFixture)
//	}
package connectortest
