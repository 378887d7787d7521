package mock

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/specsync/specsync/specs"
)

// maxBody caps the size of a request body.
const maxBody = 32 << 20

// Options tune a Server. The zero value serves the spec faithfully: no
// faults, no rate limit, requests validated, credentials accepted when
// present but not required, tokens valid for an hour.
type Options struct {
	// ErrorRate is the share (0..1) of requests answered 500 before they
	// are handled. Zero means none.
	ErrorRate float64
	// RateLimit is the number of requests per second the server accepts;
	// above it, it answers 429 with Retry-After and X-RateLimit-Limit,
	// -Remaining and -Reset (seconds) headers. Zero means unlimited.
	RateLimit float64
	// RateBurst is the size of the rate limit's token bucket. Zero means a
	// tenth of RateLimit, at least 1.
	RateBurst int
	// Latency is added to every request. Zero means none.
	Latency time.Duration
	// LatencySpikeRate is the share (0..1) of requests delayed by a further
	// LatencySpike. Zero means none.
	LatencySpikeRate float64
	LatencySpike     time.Duration
	// ResetRate is the share (0..1) of requests whose connection is dropped
	// without an answer (a TCP reset). Zero means none.
	ResetRate float64
	// TruncateRate is the share (0..1) of list pages cut short: the page
	// holds fewer records than asked, while its cursor, next link, total and
	// has-more flag describe the full page, so the records cut are skipped.
	// A client notices by the total, or by a short page that says more
	// follow. Zero means none.
	TruncateRate float64
	// Seed seeds the random source of faults and of server ids and tokens:
	// the same sequence of requests meets the same faults.
	Seed int64
	// NoValidation turns off the validation of requests against the spec.
	// Zero means requests are validated (400 with the offending fields).
	NoValidation bool
	// DuplicateCreates makes a create with a key that already exists add a
	// second record, as a naive API does, instead of answering 409. Tests
	// of crash safety use it to detect duplicates.
	DuplicateCreates bool
	// IgnoreIdempotency makes creates ignore the idempotency header their
	// operation names: a repeated key creates again, as a system that
	// does not honour the header does. With DuplicateCreates it is a
	// create-only system without any uniqueness check.
	IgnoreIdempotency bool
	// RequireAuth refuses requests without credentials with 401 for API key,
	// basic and bearer auth. Token logins and OAuth2 always require a token
	// this server issued.
	RequireAuth bool
	// TokenTTL is the lifetime of issued tokens. Zero means one hour.
	TokenTTL time.Duration
	// Now is the clock for token expiry and modification times. Nil
	// means time.Now.
	Now func() time.Time
	// RateClock is the clock of the rate limit. Nil means time.Now, not
	// Now: clients wait out a 429's Retry-After in real time, and a
	// limiter on a clock that stands still while they wait (a test's
	// manual clock) never refills, so that every request after the
	// first burst is refused.
	RateClock func() time.Time
	// Logger receives a debug line per request and warnings. Nil means
	// no logging.
	Logger *slog.Logger
}

// check refuses impossible values.
func (o Options) check() error {
	rates := []struct {
		name string
		v    float64
	}{{"ErrorRate", o.ErrorRate}, {"LatencySpikeRate", o.LatencySpikeRate}, {"ResetRate", o.ResetRate}, {"TruncateRate", o.TruncateRate}}
	for _, r := range rates {
		if !(r.v >= 0 && r.v <= 1) {
			return fmt.Errorf("mock option %s is %v; give a share between 0 and 1", r.name, r.v)
		}
	}
	switch {
	case !(o.RateLimit >= 0):
		return fmt.Errorf("mock option RateLimit is %v; give requests per second, or 0 for unlimited", o.RateLimit)
	case o.RateBurst < 0, o.Latency < 0, o.LatencySpike < 0, o.TokenTTL < 0:
		return fmt.Errorf("mock options RateBurst, Latency, LatencySpike and TokenTTL must not be negative")
	}
	return nil
}

// setup is the part of a Server that SetOptions replaces.
type setup struct {
	opts   Options
	faults *faults
	log    *slog.Logger
}

func newSetup(o Options) *setup {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &setup{opts: o, faults: newFaults(o), log: log}
}

func (rt *setup) now() time.Time {
	if rt.opts.Now != nil {
		return rt.opts.Now()
	}
	return time.Now()
}

// rateNow is the time the rate limit sees.
func (rt *setup) rateNow() time.Time {
	if rt.opts.RateClock != nil {
		return rt.opts.RateClock()
	}
	return time.Now()
}

func (rt *setup) tokenTTL() time.Duration {
	if rt.opts.TokenTTL > 0 {
		return rt.opts.TokenTTL
	}
	return defaultTokenTTL
}

// Server serves a connector spec from memory: every entity's declared
// operations over the spec's own paths (or its GraphQL endpoint), with the
// spec's pagination, auth and request schemas, plus injected faults.
//
// A Server is an http.Handler and is safe for concurrent use.
type Server struct {
	spec    *specs.Spec
	cat     *catalog
	router  *router
	auth    *authenticator
	gqlOp   string // operationId of the GraphQL envelope; "" for REST specs
	valOpts *openapi3filter.Options
	ids     *idSource
	stats   statsRecorder
	cur     atomic.Pointer[setup]
}

// New builds a server for spec. It fails when an entity's operation is
// not in the document or the options are impossible.
func New(spec *specs.Spec, opts Options) (*Server, error) {
	if spec == nil || spec.Doc == nil || spec.Sync == nil {
		return nil, errors.New("mock: the spec is not loaded (no OpenAPI document or no x-sync)")
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	rt := newSetup(opts)
	cat, err := newCatalog(spec, rt.log)
	if err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	s := &Server{spec: spec, cat: cat, router: newRouter(spec.Doc), ids: newIDSource(opts.Seed),
		valOpts: &openapi3filter.Options{MultiError: true, SkipSettingDefaults: true,
			AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
	if s.auth, err = newAuthenticator(spec.Sync.Auth, s.ids.uuid); err != nil {
		return nil, fmt.Errorf("mock: %w", err)
	}
	if spec.Sync.GraphQL != nil {
		s.gqlOp = spec.Sync.GraphQL.Operation
	}
	s.stats.reset()
	s.cur.Store(rt)
	return s, nil
}

// SetOptions replaces the options, faults included, of a running server;
// the fault sequence restarts from the new Seed. Stored records stay.
func (s *Server) SetOptions(opts Options) error {
	if err := opts.check(); err != nil {
		return err
	}
	s.cur.Store(newSetup(opts))
	return nil
}

// exchange is one request on its way through the server.
type exchange struct {
	w    *statusWriter
	r    *http.Request
	rt   *setup
	d    draw
	ref  *opRef
	path map[string]string
	body []byte
	name string // operation name for statistics
}

// ServeHTTP answers one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := s.cur.Load()
	x := &exchange{r: r, rt: rt, d: rt.faults.next(), name: "unrouted"}
	// Requests are counted as their status is written, before the client
	// can see it, so Stats is current once a client has its answer.
	x.w = &statusWriter{ResponseWriter: w, onStatus: func(code int) {
		s.stats.request(x.name, code)
		rt.log.Debug("mock request", "method", r.Method, "path", r.URL.Path, "operation", x.name, "status", code)
	}}
	s.serve(x)
	x.w.finish(0)
}

func (s *Server) serve(x *exchange) {
	if s.auth.tokenPath != "" && x.r.URL.Path == s.auth.tokenPath {
		x.name = "auth.token"
		if s.injectFaults(x) {
			s.auth.serveToken(x.w, x.r, x.rt)
		}
		return
	}
	ref, path, status := s.router.match(x.r)
	if ref != nil {
		x.ref, x.path, x.name = ref, path, ref.id
	}
	if !s.injectFaults(x) {
		return
	}
	if ref == nil {
		writeProblem(x.w, status, fmt.Sprintf("%s %s matches no operation of the spec", x.r.Method, x.r.URL.Path), nil)
		return
	}
	if s.readBody(x) && s.authorize(x) && s.validate(x) {
		s.dispatch(x)
	}
}

// dispatch hands a routed, authorized and valid request to its handler.
func (s *Server) dispatch(x *exchange) {
	switch x.ref.id {
	case s.auth.loginOp:
		x.name = "auth.login"
		s.serveLogin(x)
	case s.gqlOp:
		x.name = "graphql"
		s.serveGraphQL(x)
	default:
		s.serveREST(x)
	}
}

// injectFaults applies latency, the rate limit, connection resets and
// errors; it reports whether the request goes on.
func (s *Server) injectFaults(x *exchange) bool {
	f := x.rt.faults
	if x.d.spike {
		s.stats.add(func(st *Stats) { st.Faults.Spikes++ })
	}
	if !sleep(x.r.Context(), f.delay(x.d)) {
		return false
	}
	if ok, wait := f.admit(x.rt.rateNow(), x.w.Header()); !ok {
		s.stats.add(func(st *Stats) { st.Faults.RateLimited++ })
		writeProblem(x.w, http.StatusTooManyRequests, fmt.Sprintf("rate limit of %v requests/s exceeded; retry after %ds", f.opts.RateLimit, wait), nil)
		return false
	}
	if x.d.reset {
		s.stats.add(func(st *Stats) { st.Faults.Resets++ })
		x.w.finish(0)
		resetConn(x.w)
		return false
	}
	if x.d.fail {
		s.stats.add(func(st *Stats) { st.Faults.Errors++ })
		writeProblem(x.w, http.StatusInternalServerError, "injected fault: internal server error; retry the request", nil)
		return false
	}
	return true
}

// readBody reads the request body, up to maxBody.
func (s *Server) readBody(x *exchange) bool {
	body, err := io.ReadAll(http.MaxBytesReader(x.w, x.r.Body, maxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			writeProblem(x.w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", maxBody), nil)
		} else {
			writeProblem(x.w, http.StatusBadRequest, "request body could not be read: "+err.Error(), nil)
		}
		return false
	}
	x.body = body
	return true
}

// authorize checks credentials; the login operation needs none.
func (s *Server) authorize(x *exchange) bool {
	if x.ref.id == s.auth.loginOp && s.auth.loginOp != "" {
		return true
	}
	err := s.auth.check(x.r, x.rt)
	if err == nil {
		return true
	}
	var ae *authError
	if errors.As(err, &ae) && ae.challenge != "" {
		x.w.Header().Set("WWW-Authenticate", ae.challenge)
	}
	writeProblem(x.w, http.StatusUnauthorized, err.Error(), nil)
	return false
}

// validate checks the request against its operation in the spec.
func (s *Server) validate(x *exchange) bool {
	if x.rt.opts.NoValidation {
		return true
	}
	x.r.Body = io.NopCloser(bytes.NewReader(x.body))
	x.r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(x.body)), nil }
	in := &openapi3filter.RequestValidationInput{Request: x.r, PathParams: x.path, Route: x.ref.route, Options: s.valOpts}
	err := openapi3filter.ValidateRequest(x.r.Context(), in)
	if err == nil {
		return true
	}
	writeProblem(x.w, http.StatusBadRequest, fmt.Sprintf("request does not match operation %q of the spec", x.ref.id), validationErrors(err))
	return false
}

// serveLogin answers the token login operation.
func (s *Server) serveLogin(x *exchange) {
	body := map[string]any{}
	if len(bytes.TrimSpace(x.body)) > 0 {
		var err error
		if body, err = decodeObject(x.body); err != nil {
			writeProblem(x.w, http.StatusBadRequest, "login body: "+err.Error(), nil)
			return
		}
	}
	out, err := s.auth.login(body, x.rt)
	if err != nil {
		writeProblem(x.w, http.StatusUnauthorized, err.Error(), nil)
		return
	}
	writeValue(x.w, successStatus(x.ref.op, http.StatusOK), out)
}

// idSource makes server ids and tokens: random version 4 UUIDs from a
// seeded source, so a seed gives the same ids to the same sequence of
// creates.
//
// An idSource is safe for concurrent use.
type idSource struct {
	mu  sync.Mutex
	rng *rand.Rand
}

func newIDSource(seed int64) *idSource {
	return &idSource{rng: rand.New(rand.NewPCG(uint64(seed), 0x1d5))}
}

func (s *idSource) uuid() string {
	var b [16]byte
	s.mu.Lock()
	binary.LittleEndian.PutUint64(b[:8], s.rng.Uint64())
	binary.LittleEndian.PutUint64(b[8:], s.rng.Uint64())
	s.mu.Unlock()
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// statusWriter reports the status of an answer once, when it is written.
type statusWriter struct {
	http.ResponseWriter
	onStatus func(code int)
	code     int // 0 until written; stays 0 for dropped connections
	done     bool
}

// finish reports code unless a status was reported already.
func (w *statusWriter) finish(code int) {
	if !w.done {
		w.done, w.code = true, code
		w.onStatus(code)
	}
}

func (w *statusWriter) WriteHeader(code int) {
	w.finish(code)
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.done {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
