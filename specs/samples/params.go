package samples

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// ordinaryHeaders are request headers every client sends, which are no
// parameters of an API.
var ordinaryHeaders = map[string]bool{
	"accept": true, "accept-encoding": true, "accept-language": true, "cache-control": true,
	"connection": true, "content-length": true, "content-type": true, "cookie": true, "host": true,
	"origin": true, "pragma": true, "referer": true, "user-agent": true, "dnt": true, "te": true,
	"upgrade-insecure-requests": true, "priority": true, "if-none-match": true, "if-modified-since": true,
	"x-requested-with": true, "authorization": true, "proxy-authorization": true, "keep-alive": true,
	"expect": true, "traceparent": true, "tracestate": true, "baggage": true,
}

// isUsefulResponseHeader reports whether a response header is worth
// declaring: paging, locations, rate limits, versions. Others (Set-Cookie
// among them) are left out.
func isUsefulResponseHeader(name string) bool {
	lower := strings.ToLower(name)
	switch lower {
	case "link", "location", "retry-after", "etag", "x-total-count", "x-total", "x-total-pages",
		"x-page", "x-per-page", "x-page-size", "x-next-page", "x-next-cursor", "x-cursor", "x-request-id":
		return true
	}
	return strings.HasPrefix(lower, "ratelimit-") || strings.HasPrefix(lower, "x-ratelimit-")
}

// values collects what was seen of one parameter: in how many samples,
// its values (for their type only) and whether one sample sent it twice.
type values struct {
	name     string
	samples  int
	list     []string
	repeated bool
}

// collect gathers the parameters of the samples that keep says are
// parameters, by name in order of first appearance; names compare
// case-insensitively when fold is set (headers).
func collect(samples []*Sample, of func(*Sample) []Pair, keep func(string) bool, fold bool) []*values {
	var order []*values
	byName := map[string]*values{}
	for _, s := range samples {
		inSample := map[string]int{}
		for _, p := range of(s) {
			if !keep(p.Name) {
				continue
			}
			key := p.Name
			if fold {
				key = strings.ToLower(key)
			}
			v := byName[key]
			if v == nil {
				v = &values{name: p.Name}
				byName[key] = v
				order = append(order, v)
			}
			if inSample[key]++; inSample[key] == 1 {
				v.samples++
			} else {
				v.repeated = true
			}
			v.list = append(v.list, p.Value)
		}
	}
	return order
}

// queryParameters returns the query parameters of an operation's samples;
// credentials are left to the security schemes. A parameter is required
// when every one of two or more samples sent it; one sample cannot tell.
func queryParameters(samples []*Sample) openapi3.Parameters {
	var out openapi3.Parameters
	for _, v := range collect(samples, func(s *Sample) []Pair { return s.Query }, func(n string) bool { return !isAuthParam(n) }, false) {
		p := openapi3.NewQueryParameter(v.name)
		p.Required = v.samples == len(samples) && len(samples) >= 2
		p.Schema = openapi3.NewSchemaRef("", scalarSchema(v.list))
		if v.repeated {
			p.Schema = openapi3.NewSchemaRef("", openapi3.NewArraySchema().WithItems(p.Schema.Value))
			p.Explode = openapi3.Ptr(true)
		}
		out = append(out, &openapi3.ParameterRef{Value: p})
	}
	return out
}

// headerParameters returns the request headers of an operation's samples
// that are neither ordinary (Accept, User-Agent, Sec-*) nor credentials:
// X-Tenant-Id, Idempotency-Key... They are never required: a header a
// browser adds by itself would otherwise be demanded of every call.
func headerParameters(samples []*Sample) openapi3.Parameters {
	keep := func(n string) bool {
		lower := strings.ToLower(n)
		return !ordinaryHeaders[lower] && !strings.HasPrefix(lower, "sec-") && !strings.HasPrefix(lower, ":") &&
			!strings.HasPrefix(lower, "if-") && !secretHeader.MatchString(n)
	}
	var out openapi3.Parameters
	for _, v := range collect(samples, func(s *Sample) []Pair { return s.RequestHeaders }, keep, true) {
		p := openapi3.NewHeaderParameter(v.name)
		p.Description = fmt.Sprintf("sent in %d of %s", v.samples, plural(len(samples), "sample"))
		p.Schema = openapi3.NewSchemaRef("", scalarSchema(v.list))
		out = append(out, &openapi3.ParameterRef{Value: p})
	}
	return out
}

// responseHeaders returns the useful headers of the responses with one
// status code.
func responseHeaders(samples []*Sample, code int) openapi3.Headers {
	var with []*Sample
	for _, s := range samples {
		if s.Status == code {
			with = append(with, s)
		}
	}
	found := collect(with, func(s *Sample) []Pair { return s.ResponseHeaders }, isUsefulResponseHeader, true)
	if len(found) == 0 {
		return nil
	}
	out := openapi3.Headers{}
	for _, v := range found {
		h := &openapi3.Header{Parameter: openapi3.Parameter{Schema: openapi3.NewSchemaRef("", scalarSchema(v.list))}}
		out[v.name] = &openapi3.HeaderRef{Value: h}
	}
	return out
}

// pathParameters returns the parameters of a route's template.
func pathParameters(r *route) openapi3.Parameters {
	var out openapi3.Parameters
	for _, seg := range r.segments {
		if seg.literal != "" {
			continue
		}
		p := openapi3.NewPathParameter(seg.param)
		p.Schema = openapi3.NewSchemaRef("", scalarSchema(seg.values))
		out = append(out, &openapi3.ParameterRef{Value: p})
	}
	return out
}

// scalarSchema returns the type all values of a parameter share:
// integer, number, boolean, or a string with the format they all have.
func scalarSchema(list []string) *openapi3.Schema {
	kinds := map[string]bool{}
	for _, v := range list {
		kinds[scalarKind(v)] = true
	}
	switch k := slices.Sorted(maps.Keys(kinds)); {
	case len(k) == 0:
		return openapi3.NewStringSchema()
	case len(k) == 1 && k[0] == "integer":
		return openapi3.NewIntegerSchema()
	case len(k) <= 2 && !slices.ContainsFunc(k, func(s string) bool { return s != "integer" && s != "number" }):
		return openapi3.NewFloat64Schema()
	case len(k) == 1 && k[0] == "boolean":
		return openapi3.NewBoolSchema()
	case len(k) == 1 && strings.HasPrefix(k[0], "string:"):
		s := openapi3.NewStringSchema()
		s.Format = strings.TrimPrefix(k[0], "string:")
		return s
	}
	return openapi3.NewStringSchema()
}

// scalarKind names the type of one text value.
func scalarKind(v string) string {
	switch {
	case isDigits(strings.TrimPrefix(v, "-")) && len(v) < 16 && (v[0] != '0' || v == "0"):
		return "integer"
	case v == "true" || v == "false":
		return "boolean"
	case isDecimal(v):
		return "number"
	}
	if f := stringFormat(v); f != "" {
		return "string:" + f
	}
	return "string"
}

// isDecimal reports whether v is a plain decimal number ("12.5").
func isDecimal(v string) bool {
	whole, frac, ok := strings.Cut(strings.TrimPrefix(v, "-"), ".")
	return ok && isDigits(whole) && isDigits(frac)
}
