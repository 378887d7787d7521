package connectors_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"testing"

	"github.com/specsync/specsync/connectors"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	status := func(s int) error { return fmt.Errorf("tenant.create: %w", &connectors.HTTPError{Status: s}) }
	cases := []struct {
		err  error
		want connectors.Disposition
	}{
		{nil, connectors.Success},
		{status(http.StatusTooManyRequests), connectors.RetryNow},
		{status(http.StatusRequestTimeout), connectors.RetryNow},
		{status(http.StatusBadGateway), connectors.RetryNow},
		{status(http.StatusServiceUnavailable), connectors.RetryNow},
		{status(http.StatusBadRequest), connectors.RetryNextRun},
		{status(http.StatusNotFound), connectors.RetryNextRun},
		{status(http.StatusConflict), connectors.RetryNextRun},
		{status(http.StatusUnprocessableEntity), connectors.RetryNextRun},
		{status(http.StatusUnauthorized), connectors.GiveUp},
		{status(http.StatusForbidden), connectors.GiveUp},
		{status(http.StatusNotImplemented), connectors.GiveUp},
		{fmt.Errorf("%w: %w", connectors.ErrMaybeWritten, &connectors.HTTPError{Status: 502}), connectors.RetryNextRun},
		{&connectors.GraphQLError{}, connectors.RetryNextRun},
		{&connectors.ValidationError{Err: errors.New("x")}, connectors.RetryNextRun},
		{&connectors.PagingError{Kind: connectors.PagingMaxPages}, connectors.RetryNextRun},
		{&connectors.PagingError{Kind: connectors.PagingBadResponse, Err: fmt.Errorf("%w: elsewhere", connectors.ErrOutboundRefused)}, connectors.GiveUp},
		{&connectors.CredentialError{Ref: "env:X"}, connectors.GiveUp},
		{&connectors.AuthError{Status: 401}, connectors.GiveUp},
		{&connectors.AuthError{Status: 503}, connectors.RetryNow},
		{&connectors.AuthError{Err: &net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}}, connectors.RetryNow},
		{fmt.Errorf("get: %w", context.DeadlineExceeded), connectors.RetryNow},
		{fmt.Errorf("get: %w", os.ErrDeadlineExceeded), connectors.RetryNow},
		{fmt.Errorf("get: %w", syscall.ECONNRESET), connectors.RetryNow},
		{fmt.Errorf("run: %w", context.Canceled), connectors.RetryNextRun},
		{errors.New("something else"), connectors.RetryNextRun},
	}
	for _, tc := range cases {
		if got := connectors.Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %v; want %v", tc.err, got, tc.want)
		}
	}
}
