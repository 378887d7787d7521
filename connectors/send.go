package connectors

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// response is a 2xx response read whole. Its body lives in a pooled
// buffer, or for a list response in text: call release when done with it.
type response struct {
	status int
	header http.Header
	url    *url.URL
	buf    *bytes.Buffer
	text   string
}

func (r *response) body() []byte { return r.buf.Bytes() }

func (r *response) release() {
	if r.buf != nil {
		putBuf(r.buf)
		r.buf = nil
	}
}

// answer is a 2xx response decoded.
type answer struct {
	body   any
	flaws  []jsonvalue.Flaw // strings that were not clean text, repaired
	status int
	header http.Header
}

// decodeChecked is decode that also reports the strings that were not
// clean text.
func (r *response) decodeChecked() (any, []jsonvalue.Flaw, error) {
	b := bytes.TrimSpace(r.body())
	if len(b) == 0 {
		return nil, nil, nil
	}
	v, flaws, err := jsonvalue.DecodeChecked(b)
	if err != nil {
		return nil, nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	return v, flaws, nil
}

// decode parses the body as JSON, numbers as json.Number; an empty body
// is nil.
func (r *response) decode() (any, error) {
	b := bytes.TrimSpace(r.body())
	if len(b) == 0 {
		return nil, nil
	}
	v, err := jsonvalue.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("the response is not JSON: %w", err)
	}
	return v, nil
}

// retryGuard is asked before an attempt of a request that is not
// idempotent is repeated after a failure that may have been applied. It
// reports whether repeating is safe. A nil guard means it never is.
type retryGuard func(ctx context.Context) (bool, error)

// exchange sends enc until it succeeds, fails for good, or the retry policy
// is spent. It renews credentials once after a 401, honours the server's
// requested waits (and pauses the shared limiter for them), and repeats
// transient failures with exponential backoff and full jitter.
func (c *Client) exchange(ctx context.Context, op *operation, enc *encoded, guard retryGuard) (*response, error) {
	start := c.clock.Now()
	renewed, anew := false, false
	for attempt := 1; ; attempt++ {
		resp, req, err := c.attempt(ctx, op, enc)
		if err == nil {
			return resp, nil
		}
		if ctx.Err() != nil {
			return nil, settled(op, err)
		}
		if c.renew(req, err, &renewed) {
			anew = true
			continue
		}
		wait, reason, ok := c.retryWait(ctx, err, attempt, start)
		if !ok {
			return nil, c.refused(settled(op, err), anew)
		}
		if err := c.mayRepeat(ctx, op, err, guard); err != nil {
			return nil, err
		}
		c.log.DebugContext(ctx, "retrying", "operation", op.name, "attempt", attempt+1, "wait", wait, "error", err)
		if serr := sleep(ctx, c.clock, reason, wait); serr != nil {
			return nil, errors.Join(err, serr)
		}
	}
}

// renew asks the authenticator to renew a credential refused with 401,
// once per request.
func (c *Client) renew(req *http.Request, err error, renewed *bool) bool {
	var he *HTTPError
	if c.auth == nil || *renewed || req == nil || !errors.As(err, &he) || he.Status != http.StatusUnauthorized {
		return false
	}
	*renewed = true
	return c.auth.Refused(req)
}

// refused makes a failure of the credentials one *AuthError that names
// the system, the auth method and the credentials it uses: a 401 or 403
// answer (anew: with a token obtained after a first 401), or a method
// that could not obtain or send its credentials. Other errors are
// returned as they are.
func (c *Client) refused(err error, anew bool) error {
	var ae *AuthError
	if errors.As(err, &ae) {
		named := *ae
		named.System, named.Credentials = c.label(), c.authRefs
		return &named
	}
	var he *HTTPError
	if !errors.As(err, &he) || (he.Status != http.StatusUnauthorized && he.Status != http.StatusForbidden) {
		return err
	}
	detail := "the system refused the credentials"
	switch {
	case c.auth == nil:
		detail = "the system refused a request without credentials, and the spec declares no auth; describe the system's auth in x-sync.auth"
	case anew:
		detail += ", also with a token obtained anew"
	}
	return &AuthError{System: c.label(), Method: c.authName, Credentials: c.authRefs, Status: he.Status, Detail: detail, Err: err}
}

// retryWait says whether err is worth another attempt, how long to wait
// first and why: the server's requested wait for 429 and 503, backoff
// otherwise. A wait past the budget is not taken.
func (c *Client) retryWait(ctx context.Context, err error, attempt int, start time.Time) (time.Duration, WaitReason, bool) {
	if attempt >= c.retry.maxAttempts || Classify(err) != RetryNow {
		return 0, "", false
	}
	wait, reason := c.retry.backoff(attempt), WaitBackoff
	var he *HTTPError
	if errors.As(err, &he) && he.RetryAfter > 0 {
		wait, reason = he.RetryAfter, WaitRetryAfter
		if perr := c.limit.pause(ctx, wait); perr != nil {
			c.log.WarnContext(ctx, "could not pause the shared rate limit", "error", perr)
		}
	}
	if c.clock.Now().Add(wait).Sub(start) > c.retry.budget {
		return 0, "", false
	}
	return wait, reason, true
}

// mayRepeat refuses to repeat a request that is not idempotent after a
// failure that may have been applied, unless the guard says it is safe.
func (c *Client) mayRepeat(ctx context.Context, op *operation, err error, guard retryGuard) error {
	if op.idempotent || !maybeApplied(err) {
		return nil
	}
	if guard == nil {
		return fmt.Errorf("%w (not repeated: the operation has no idempotency key and the entity no lookup): %w", ErrMaybeWritten, err)
	}
	ok, gerr := guard(ctx)
	if gerr != nil {
		return fmt.Errorf("%w (the lookup before repeating failed: %w): %w", ErrMaybeWritten, gerr, err)
	}
	if !ok {
		return errStopRetry
	}
	return nil
}

// settled marks the final error of a request that is not idempotent with
// ErrMaybeWritten when the system may have acted on it, so that nobody
// repeats it blindly.
func settled(op *operation, err error) error {
	if op.idempotent || !maybeApplied(err) || errors.Is(err, ErrMaybeWritten) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrMaybeWritten, err)
}

// errStopRetry tells exchange's caller that the guard settled the request
// (a lookup found the record); the caller knows the outcome.
var errStopRetry = errors.New("the record was found; not repeating")

// maybeApplied reports whether the system may have acted on a failed
// request: a 5xx other than 503 (the system failed while working on it), a
// timeout or a connection lost after sending. Answers refusing the request
// (4xx, 503) and connections never made (dial errors, a refused outbound
// URL, a failed rate limit or credential step) were not applied.
func maybeApplied(err error) bool {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.Status >= 500 && he.Status != http.StatusServiceUnavailable
	}
	var (
		op     *net.OpError
		unsent *unsentError
	)
	switch {
	case errors.As(err, &unsent), errors.As(err, &op) && op.Op == "dial",
		errors.Is(err, ErrOutboundRefused), errors.Is(err, errStopRetry):
		return false
	}
	var ue *url.Error
	return errors.As(err, &ue) || transient(err) || errors.Is(err, context.Canceled)
}

// unsentError is a failure before the request left the client (waiting for
// the rate limit or a slot, adding credentials).
type unsentError struct{ err error }

func (e *unsentError) Error() string { return e.err.Error() }
func (e *unsentError) Unwrap() error { return e.err }

// attempt sends enc once: it waits for the rate limit and a concurrency
// slot, adds credentials, and reads the whole response. It returns the
// *http.Request sent, for a 401 renewal.
func (c *Client) attempt(ctx context.Context, op *operation, enc *encoded) (resp *response, req *http.Request, err error) {
	if err := c.limit.wait(ctx); err != nil {
		return nil, nil, &unsentError{err}
	}
	s, err := c.slots.acquire(ctx)
	if err != nil {
		return nil, nil, &unsentError{err}
	}
	defer func() { err = c.slots.release(s, err) }() // also when attemptIn panics
	return c.attemptIn(s.ctx(), op, enc)
}

// attemptIn is attempt in a slot's context.
func (c *Client) attemptIn(ctx context.Context, op *operation, enc *encoded) (*response, *http.Request, error) {
	req, err := enc.httpRequest(ctx, c.auth != nil)
	if err != nil {
		return nil, nil, &unsentError{err}
	}
	if c.auth != nil {
		if err := c.auth.Authorize(ctx, req); err != nil {
			return nil, nil, &unsentError{err}
		}
	}
	resp, err := c.roundTrip(op, req, enc.text)
	return resp, req, err
}

// roundTrip sends req and reads the response; a non-2xx status is an
// *HTTPError. With text, a 2xx body is read into a string of its own
// rather than a pooled buffer (see listing.fetch).
func (c *Client) roundTrip(op *operation, req *http.Request, text bool) (*response, error) {
	res, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, c.scrubURLError(err))
	}
	defer res.Body.Close()
	if text && res.StatusCode >= 200 && res.StatusCode <= 299 {
		var b strings.Builder
		if n := res.ContentLength; n > 0 && n <= c.cfg.MaxResponseBytes {
			b.Grow(int(n))
		}
		if err := c.readBody(op, &b, res.Body); err != nil {
			return nil, err
		}
		return &response{status: res.StatusCode, header: res.Header, url: req.URL, text: b.String()}, nil
	}
	buf := getBuf()
	if err := c.readBody(op, buf, res.Body); err != nil {
		putBuf(buf)
		return nil, err
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		defer putBuf(buf)
		return nil, c.httpError(op, req, res, buf.Bytes())
	}
	return &response{status: res.StatusCode, header: res.Header, url: req.URL, buf: buf}, nil
}

// readBody copies a response body to w, up to Config.MaxResponseBytes.
func (c *Client) readBody(op *operation, w io.Writer, body io.Reader) error {
	n, err := io.Copy(w, io.LimitReader(body, c.cfg.MaxResponseBytes+1))
	if err != nil {
		return c.scrubURLError(fmt.Errorf("%s: reading the response: %w", op.name, err))
	}
	if n > c.cfg.MaxResponseBytes {
		return fmt.Errorf("%s: the response is larger than %d bytes; raise Config.MaxResponseBytes or ask for smaller pages", op.name, c.cfg.MaxResponseBytes)
	}
	return nil
}

// httpError describes a non-2xx response without secrets.
func (c *Client) httpError(op *operation, req *http.Request, res *http.Response, body []byte) *HTTPError {
	h := res.Header.Clone()
	h.Del("Set-Cookie")
	if len(body) > maxErrorBody {
		body = append(body[:maxErrorBody:maxErrorBody], "..."...)
	}
	return &HTTPError{
		Operation:  op.name,
		Method:     req.Method,
		URL:        c.redact.redact(stripQuery(req.URL)),
		Status:     res.StatusCode,
		Header:     h,
		Body:       c.redact.redact(string(bytes.ToValidUTF8(body, []byte("?")))),
		RetryAfter: serverWait(res.Header, c.clock.Now()),
	}
}

func stripQuery(u *url.URL) string {
	v := *u
	v.RawQuery, v.ForceQuery, v.Fragment, v.User = "", false, "", nil
	return v.String()
}

// scrubURLError drops the query (which may carry an API key) from the URL
// that net/http puts in its errors.
func (c *Client) scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = c.redact.redact(stripQuery(u))
		} else {
			ue.URL = redacted
		}
	}
	return err
}

// send validates and sends a request, validates the response, decodes it
// and checks a GraphQL error array.
func (c *Client) send(ctx context.Context, op *operation, r *request, enc *encoded, guard retryGuard) (*answer, error) {
	resp, err := c.checkedExchange(ctx, op, r, enc, guard)
	if err != nil {
		return nil, err
	}
	defer resp.release()
	a := &answer{status: resp.status, header: resp.header}
	if a.body, a.flaws, err = resp.decodeChecked(); err != nil {
		return nil, fmt.Errorf("%s: %w", op.name, err)
	}
	if op.graphql != nil {
		if err := graphqlErrors(op.name, c.gqlErrors, a.body); err != nil {
			return nil, err
		}
	}
	return a, nil
}

// checkedExchange validates and sends a request and validates the
// response; the caller releases it.
func (c *Client) checkedExchange(ctx context.Context, op *operation, r *request, enc *encoded, guard retryGuard) (*response, error) {
	if err := c.valid.request(ctx, op, r, enc); err != nil {
		return nil, err
	}
	resp, err := c.exchange(ctx, op, enc, guard)
	if err != nil {
		return nil, err
	}
	if err := c.valid.response(ctx, op, r, enc, resp); err != nil {
		resp.release()
		return nil, err
	}
	return resp, nil
}
