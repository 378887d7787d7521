package connectors

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// ErrOutboundRefused is wrapped by every error of a request the outbound
// guard refused: a URL outside the spec's servers (or Config.BaseURL), a
// redirect or next link to another host, or a server variable that would
// change the host.
var ErrOutboundRefused = errors.New("outbound request refused")

// ErrNotFound is matched (errors.Is) by a 404 or 410 *HTTPError, and
// returned by Get and Lookup when there is no such record.
var ErrNotFound = errors.New("not found")

// ErrMaybeWritten is wrapped by the error of a create that failed in a way
// that leaves open whether the system stored the record (a timeout, a reset
// connection, a 5xx), when the client could not retry it safely: the
// operation has no idempotency key and the entity no lookup. Classify
// reports RetryNextRun for it, never RetryNow.
var ErrMaybeWritten = errors.New("the write may have been applied")

// maxErrorBody is how much of a response body an HTTPError keeps.
const maxErrorBody = 1024

// HTTPError is a response with a status outside 2xx.
type HTTPError struct {
	// Operation names the spec operation ("tenant.create (createTenant)").
	Operation string
	// Method and URL of the request; the URL has no query string.
	Method string
	URL    string
	// Status is the response's status code.
	Status int
	// Header is the response's header without cookies.
	Header http.Header
	// Body is the start of the response body (at most 1 KiB), with secrets
	// redacted.
	Body string
	// RetryAfter is the wait the server asked for (Retry-After or
	// X-RateLimit-Reset); zero when it asked for none.
	RetryAfter time.Duration
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: %d %s", e.Operation, e.Method, e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.Body != "" {
		b.WriteString(": ")
		b.WriteString(e.Body)
	}
	return b.String()
}

// Is makes a 404 or 410 match ErrNotFound.
func (e *HTTPError) Is(target error) bool {
	return target == ErrNotFound && (e.Status == http.StatusNotFound || e.Status == http.StatusGone)
}

// GraphQLError is a GraphQL response whose error array is not empty, even
// when it came with status 200 and partial data.
type GraphQLError struct {
	// Operation names the spec operation.
	Operation string
	// Errors are the entries of the error array, in order.
	Errors []GraphQLMessage
}

// GraphQLMessage is one entry of a GraphQL error array.
type GraphQLMessage struct {
	Message string
	// Path is the response path the error is about, when given.
	Path []any
	// Code is extensions.code, when given ("BAD_USER_INPUT").
	Code string
}

func (e *GraphQLError) Error() string {
	msgs := make([]string, len(e.Errors))
	for i, m := range e.Errors {
		msgs[i] = m.Message
		if m.Code != "" {
			msgs[i] += " [" + m.Code + "]"
		}
		if len(m.Path) > 0 {
			msgs[i] += fmt.Sprintf(" at %v", m.Path)
		}
	}
	return fmt.Sprintf("%s: graphql: %s", e.Operation, strings.Join(msgs, "; "))
}

// PagingKind says why a listing stopped with an error.
type PagingKind string

const (
	// PagingRepeatedRequest: the next request would repeat an earlier one
	// (same URL and parameters), usually because the server sent the same
	// cursor or next link again.
	PagingRepeatedRequest PagingKind = "repeated-request"
	// PagingRepeatedPage: a page starts with the same record as an earlier
	// page, usually because the server ignores the paging parameter.
	PagingRepeatedPage PagingKind = "repeated-page"
	// PagingMaxPages: the listing reached pagination.maxPages.
	PagingMaxPages PagingKind = "max-pages"
	// PagingIncomplete: the listing ended with fewer records than the total
	// the server announced.
	PagingIncomplete PagingKind = "incomplete"
	// PagingBadResponse: a response lacks what the pagination needs (the
	// record array, a cursor, pageInfo).
	PagingBadResponse PagingKind = "bad-response"
)

// PagingError stops a listing that cannot be completed. A listing that ends
// with an error is never complete: the engine must not decide deletes from
// it.
type PagingError struct {
	// Entity is the entity being listed.
	Entity string
	// Page is the 1-based number of the page at fault.
	Page int
	Kind PagingKind
	// Detail says what was seen and what to check.
	Detail string
	// Err is the underlying error, if any (ErrOutboundRefused for a next
	// link to another host).
	Err error
}

func (e *PagingError) Error() string {
	return fmt.Sprintf("list %s: page %d: %s: %s", e.Entity, e.Page, e.Kind, e.Detail)
}

func (e *PagingError) Unwrap() error { return e.Err }

// ValidationError is a request or response that does not match the spec,
// in ValidationStrict mode.
type ValidationError struct {
	// Operation names the spec operation.
	Operation string
	// Direction is "request" or "response".
	Direction string
	// Err is kin-openapi's error, with secrets redacted from its text.
	Err error
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s does not match the spec: %v", e.Operation, e.Direction, e.Err)
}

func (e *ValidationError) Unwrap() error { return e.Err }

// AuthError is a failure of the credentials: a token endpoint or login
// operation that refused the client, or answered without a usable token,
// or a system that answered a request with 401 or 403 (with a token
// obtained anew after the first 401, for methods that obtain tokens).
type AuthError struct {
	// System names the system ("everreal"); the client fills it in.
	System string
	// Method is the auth method ("oauth2", "tokenLogin"); empty when the
	// spec declares none.
	Method string
	// Credentials are the references the method uses
	// ("credential:client_secret"), never the secrets; the client fills
	// them in.
	Credentials []string
	// Status is the HTTP status of the token or login response; zero when
	// there was no response.
	Status int
	// Code is the OAuth2 error code ("invalid_client"), when given.
	Code string
	// Detail says what went wrong, with secrets redacted.
	Detail string
	// Err is the underlying transport error, if any.
	Err error
}

func (e *AuthError) Error() string {
	var b strings.Builder
	if e.System != "" {
		b.WriteString(e.System + ": ")
	}
	b.WriteString(strings.TrimSpace("auth " + e.Method))
	b.WriteString(": " + e.Detail)
	if e.Status != 0 {
		fmt.Fprintf(&b, " (status %d)", e.Status)
	}
	if e.Code != "" {
		b.WriteString(" [" + e.Code + "]")
	}
	if len(e.Credentials) > 0 && classifyAuth(e) == GiveUp {
		fmt.Fprintf(&b, "; check the credentials %s and what they may do at the system, then run again", strings.Join(e.Credentials, ", "))
		if e.Err != nil {
			b.WriteString("; cause")
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *AuthError) Unwrap() error { return e.Err }

// CredentialError is a credential reference that does not resolve: an
// unset environment variable, an unreadable file, an unknown name.
type CredentialError struct {
	// Ref describes the reference ("env:EVERREAL_CLIENT_SECRET"), never
	// the secret.
	Ref string
	// Reason says what is wrong and what to do.
	Reason string
	// Err is the underlying error (reading a file), if any.
	Err error
}

func (e *CredentialError) Error() string {
	s := "credential " + e.Ref + ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *CredentialError) Unwrap() error { return e.Err }
