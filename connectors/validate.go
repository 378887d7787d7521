package connectors

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3filter"
)

// validator checks requests and responses against the operation's schemas
// with kin-openapi's openapi3filter. The route is the one the client
// compiled for the operation, not one found by a router: requests go to
// Config.BaseURL or a server with its variables filled, which a router
// matching the document's server URLs would not recognise.
type validator struct {
	mode   ValidationMode
	opts   *openapi3filter.Options
	redact *redactor
	log    *slog.Logger
	seen   mismatches // in warn mode, logged by Client.LogMismatches
}

func newValidator(mode ValidationMode, r *redactor, log *slog.Logger) *validator {
	return &validator{
		mode: mode,
		opts: &openapi3filter.Options{
			AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
			MultiError:          true,
			SkipSettingDefaults: true,
		},
		redact: r,
		log:    log,
	}
}

// request validates an encoded request before it is sent.
func (v *validator) request(ctx context.Context, op *operation, r *request, enc *encoded) error {
	if v.mode == ValidationOff {
		return nil
	}
	return v.report(ctx, op, "request", openapi3filter.ValidateRequest(ctx, v.requestInput(op, r, enc)))
}

// response validates a 2xx response.
func (v *validator) response(ctx context.Context, op *operation, r *request, enc *encoded, resp *response) error {
	if v.mode == ValidationOff {
		return nil
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: v.requestInput(op, r, enc),
		Status:                 resp.status,
		Header:                 resp.header,
		Options:                v.opts,
	}
	in.SetBodyBytes(resp.body())
	return v.report(ctx, op, "response", openapi3filter.ValidateResponse(ctx, in))
}

func (v *validator) requestInput(op *operation, r *request, enc *encoded) *openapi3filter.RequestValidationInput {
	var body io.ReadCloser = http.NoBody
	if enc.body != nil {
		body = io.NopCloser(bytes.NewReader(enc.body.Bytes()))
	}
	req := &http.Request{Method: enc.method, URL: enc.url, Header: enc.header, Body: body, Host: enc.url.Host}
	if enc.body != nil {
		req.ContentLength = int64(enc.body.Len())
	}
	return &openapi3filter.RequestValidationInput{Request: req, PathParams: r.pathParams(), Route: op.route, Options: v.opts}
}

// report counts err in warn mode (Client.LogMismatches logs the counts)
// and returns it as a *ValidationError in strict mode.
func (v *validator) report(ctx context.Context, op *operation, direction string, err error) error {
	if err == nil {
		return nil
	}
	if v.mode == ValidationWarn {
		v.seen.add(op.name, direction, err, v.redact)
		return nil
	}
	return &ValidationError{Operation: op.name, Direction: direction, Err: v.redact.wrap(err)}
}

// LogMismatches logs, in validation mode warn, each way requests and
// responses failed to match the spec since the last call, once with its
// count: the operation, the field (a JSON pointer, array indices as "*"),
// what the schema expected and what came. Call it at the end of a run.
func (c *Client) LogMismatches(ctx context.Context) {
	c.valid.seen.flush(ctx, c.log)
}
