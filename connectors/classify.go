package connectors

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
)

// Disposition is what the engine should do about a failed request.
type Disposition int

const (
	// Success is the disposition of a nil error.
	Success Disposition = iota
	// RetryNow: the failure is transient (5xx, 408, 429, a timeout, a
	// dropped connection); trying the same request again later in the same
	// run may succeed. The client already retried within its budget.
	RetryNow
	// RetryNextRun: the system refused this record (a 4xx such as 400, 404,
	// 409 or 422, a GraphQL error, a validation failure) or the listing
	// failed; record it in the failure ledger and try again on the next run,
	// when the data may have changed. The run goes on with other records.
	RetryNextRun
	// GiveUp: no request to this system can succeed until an operator acts
	// (wrong or missing credentials, 401/403, a refused outbound URL, a
	// spec that does not fit the system, a system never reached in this
	// run: ErrUnreachable). The engine should stop the phase
	// for this instance and report it.
	GiveUp
)

// String returns the disposition's name.
func (d Disposition) String() string {
	switch d {
	case Success:
		return "success"
	case RetryNow:
		return "retry-now"
	case RetryNextRun:
		return "retry-next-run"
	case GiveUp:
		return "give-up"
	}
	return "unknown"
}

// Classify maps an error returned by a Client to a Disposition, with
// errors.Is and errors.As only. The rules, first match wins:
//
//   - nil: Success;
//   - ErrMaybeWritten: RetryNextRun (a retry now could write twice);
//   - ErrOutboundRefused, ErrUnreachable, *CredentialError: GiveUp;
//   - *AuthError: RetryNow when the token endpoint failed transiently (5xx,
//     429, no response), GiveUp otherwise (the credentials are refused);
//   - *HTTPError: 408, 425, 429 and 5xx other than 501 and 505: RetryNow;
//     401, 403, 501, 505: GiveUp; any other status (400, 404, 409, 410,
//     422...): RetryNextRun. A 409 Conflict is a record-level clash (a
//     duplicate, a stale version) that the next run's read resolves;
//   - *GraphQLError, *ValidationError, *PagingError: RetryNextRun;
//   - context.Canceled: RetryNextRun (the run was stopped, not the record
//     refused);
//   - timeouts, refused or reset connections, truncated responses: RetryNow;
//   - anything else: RetryNextRun.
func Classify(err error) Disposition {
	if err == nil {
		return Success
	}
	if errors.Is(err, ErrMaybeWritten) {
		return RetryNextRun
	}
	if d, ok := classifyTyped(err); ok {
		return d
	}
	if errors.Is(err, context.Canceled) {
		return RetryNextRun
	}
	if transient(err) {
		return RetryNow
	}
	return RetryNextRun
}

// classifyTyped classifies the package's own error types.
func classifyTyped(err error) (Disposition, bool) {
	var (
		httpErr *HTTPError
		authErr *AuthError
		credErr *CredentialError
		gqlErr  *GraphQLError
		valErr  *ValidationError
		pageErr *PagingError
	)
	switch {
	case errors.Is(err, ErrOutboundRefused), errors.Is(err, ErrUnreachable), errors.As(err, &credErr):
		return GiveUp, true
	case errors.As(err, &authErr):
		return classifyAuth(authErr), true
	case errors.As(err, &httpErr):
		return classifyStatus(httpErr.Status), true
	case errors.As(err, &gqlErr), errors.As(err, &valErr), errors.As(err, &pageErr):
		return RetryNextRun, true
	}
	return 0, false
}

func classifyAuth(e *AuthError) Disposition {
	switch {
	case e.Status == 0 && e.Err != nil && transient(e.Err):
		return RetryNow
	case e.Status == http.StatusTooManyRequests, e.Status >= 500:
		return RetryNow
	}
	return GiveUp
}

// classifyStatus classifies a non-2xx status.
func classifyStatus(status int) Disposition {
	switch status {
	case http.StatusRequestTimeout, http.StatusTooEarly, http.StatusTooManyRequests:
		return RetryNow
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotImplemented, http.StatusHTTPVersionNotSupported:
		return GiveUp
	}
	if status >= 500 {
		return RetryNow
	}
	return RetryNextRun
}

// transient reports whether err is a network-level failure worth retrying:
// a timeout, a refused, reset or dropped connection, a truncated response.
func transient(err error) bool {
	var netErr net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, syscall.ECONNABORTED):
		return true
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr)
}
