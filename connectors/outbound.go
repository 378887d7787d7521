package connectors

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// outbound decides which URLs the client may call: those on an origin
// (scheme, host and port) of one of the spec's servers, with their
// variables filled, or of Config.BaseURL.
type outbound struct {
	// base is where operation paths are appended: Config.BaseURL or the
	// spec's first server.
	base *url.URL
	// origins are the allowed "scheme://host:port" values.
	origins []string
	// vars are the server variables: the instance's values over the spec's
	// defaults.
	vars map[string]string
	// moved maps the origin of each spec server that Config.BaseURL
	// replaces to the path the base puts before that server's paths (a
	// proxy's prefix, usually none); URLs the spec gives on them follow
	// the base (follow).
	moved map[string]string
}

// forbiddenInVariable are the characters that would let a server variable
// change a URL's structure (its host, user info, port, path or query).
const forbiddenInVariable = "/@:?#\\% \t\r\n[]"

func newOutbound(doc *openapi3.T, vars map[string]string, baseURL string) (*outbound, error) {
	o := &outbound{vars: serverVariables(doc, vars)}
	if err := o.checkVariables(doc); err != nil {
		return nil, err
	}
	var servers []*url.URL
	for i, s := range doc.Servers {
		u, err := o.parse(s.URL)
		switch {
		case err != nil && baseURL == "":
			return nil, fmt.Errorf("servers/%d: %w", i, err)
		case err == nil:
			o.allow(u)
			servers = append(servers, u)
		}
	}
	if baseURL != "" {
		u, err := parseAbsolute(baseURL)
		if err != nil {
			return nil, fmt.Errorf("base URL: %w", err)
		}
		// The base replaces the servers; their origins stay allowed, and
		// URLs the spec gives on them follow the base.
		base := originOf(u)
		o.moved = map[string]string{}
		for _, s := range servers {
			origin := originOf(s)
			if _, seen := o.moved[origin]; origin != base && !seen {
				o.moved[origin] = pathPrefix(s, u)
			}
		}
		o.base = u
		if !slices.Contains(o.origins, base) {
			o.origins = append(o.origins, base)
		}
	}
	if o.base == nil {
		return nil, fmt.Errorf("the spec declares no servers; add one or set Config.BaseURL")
	}
	return o, nil
}

// serverVariables merges the defaults of every server's variables with the
// instance's values.
func serverVariables(doc *openapi3.T, given map[string]string) map[string]string {
	vars := map[string]string{}
	for _, s := range doc.Servers {
		for name, v := range s.Variables {
			if v != nil && v.Default != "" {
				if _, seen := vars[name]; !seen {
					vars[name] = v.Default
				}
			}
		}
	}
	for name, v := range given {
		vars[name] = v
	}
	return vars
}

// checkVariables refuses values that would change a URL's structure, and
// values outside a variable's declared enum.
func (o *outbound) checkVariables(doc *openapi3.T) error {
	for name, v := range o.vars {
		if i := strings.IndexAny(v, forbiddenInVariable); i >= 0 {
			return fmt.Errorf("%w: server variable %q contains %q, which would change the URL; give only the value (such as a subdomain)", ErrOutboundRefused, name, v[i])
		}
		for _, s := range doc.Servers {
			if d := s.Variables[name]; d != nil && len(d.Enum) > 0 && !slices.Contains(d.Enum, v) {
				return fmt.Errorf("%w: server variable %q is %q; the spec allows only %s", ErrOutboundRefused, name, v, strings.Join(d.Enum, ", "))
			}
		}
	}
	return nil
}

// allow adds u's origin; the first allowed URL becomes the base.
func (o *outbound) allow(u *url.URL) {
	if o.base == nil {
		o.base = u
	}
	if origin := originOf(u); !slices.Contains(o.origins, origin) {
		o.origins = append(o.origins, origin)
	}
}

// follow moves u onto the base URL's origin when u is on the origin of a
// spec server that Config.BaseURL replaces: a spec's OAuth2 token endpoint
// next to its API ("https://{subdomain}.everreal.co/accounts/oauth/token")
// then goes where the instance sends the API, to a sandbox or a stand-in,
// and not to the production server. Its path stays, behind the prefix the
// base adds to the server's own path (pathPrefix). URLs on other origins
// stay as they are.
func (o *outbound) follow(u *url.URL) *url.URL {
	prefix, ok := o.moved[originOf(u)]
	if !ok {
		return u
	}
	moved := *u
	moved.Scheme, moved.Host = o.base.Scheme, o.base.Host
	if prefix != "" {
		plain, _ := url.PathUnescape(prefix) // cut before a "/" of an escaped path: valid
		moved.Path, moved.RawPath = plain+u.Path, prefix+u.EscapedPath()
	}
	return &moved
}

// pathPrefix is what the base puts before a server's path: "/everreal"
// when "https://x.everreal.co/api/reporting" is replaced by
// "http://proxy/everreal/api/reporting", and nothing when the base's path
// does not end with the server's.
func pathPrefix(server, base *url.URL) string {
	sp := strings.TrimSuffix(server.EscapedPath(), "/")
	bp := strings.TrimSuffix(base.EscapedPath(), "/")
	if !strings.HasSuffix(bp, sp) {
		return ""
	}
	return bp[:len(bp)-len(sp)]
}

// parse fills the server variables of raw ("https://{subdomain}.x.co") and
// parses the result as an absolute http(s) URL.
func (o *outbound) parse(raw string) (*url.URL, error) {
	filled, err := o.fill(raw)
	if err != nil {
		return nil, err
	}
	return parseAbsolute(filled)
}

// fill replaces each {name} in raw with the variable's value.
func (o *outbound) fill(raw string) (string, error) {
	var b strings.Builder
	for {
		open := strings.IndexByte(raw, '{')
		if open < 0 {
			b.WriteString(raw)
			return b.String(), nil
		}
		end := strings.IndexByte(raw[open:], '}')
		if end < 0 {
			return "", fmt.Errorf("unclosed { in %q", raw)
		}
		name := raw[open+1 : open+end]
		v, ok := o.vars[name]
		if !ok {
			return "", fmt.Errorf("server variable %q has no value and no default; set it in the instance's server variables", name)
		}
		b.WriteString(raw[:open])
		b.WriteString(v)
		raw = raw[open+end+1:]
	}
}

// check refuses a URL whose origin is not allowed.
func (o *outbound) check(u *url.URL) error {
	if o.base != nil && u.Scheme == o.base.Scheme && u.Host == o.base.Host {
		return nil // the base's origin, allowed first; no need to build it
	}
	if slices.Contains(o.origins, originOf(u)) {
		return nil
	}
	return fmt.Errorf("%w: %s://%s is not one of the spec's servers (%s)", ErrOutboundRefused, u.Scheme, u.Host, strings.Join(o.origins, ", "))
}

// resolve turns a link from a response (absolute or relative to from) into
// a URL, refusing it when it leaves the allowed origins.
func (o *outbound) resolve(from *url.URL, link string) (*url.URL, error) {
	ref, err := url.Parse(link)
	if err != nil {
		return nil, fmt.Errorf("next link %q is not a URL: %w", link, err)
	}
	u := from.ResolveReference(ref)
	if err := o.check(u); err != nil {
		return nil, err
	}
	return u, nil
}

func parseAbsolute(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text repeats the URL, which may hold a password
		}
		return nil, fmt.Errorf("a server or base URL does not parse: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%w: %q must be an absolute http or https URL", ErrOutboundRefused, u.Redacted())
	}
	if u.Host == "" || u.User != nil {
		return nil, fmt.Errorf("%w: %q must name a host and carry no user info", ErrOutboundRefused, u.Redacted())
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	return u, nil
}

// originOf returns "scheme://host:port" with the default port made explicit.
func originOf(u *url.URL) string {
	scheme := strings.ToLower(u.Scheme)
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	return scheme + "://" + strings.ToLower(u.Hostname()) + ":" + port
}

// guardTransport refuses requests outside the allowed origins before they
// leave; every request of the client passes it, token requests and
// redirects included.
type guardTransport struct {
	next  http.RoundTripper
	guard *outbound
}

func (t guardTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := t.guard.check(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// checkRedirect follows at most 10 redirects, and only within the allowed
// origins.
func (o *outbound) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return fmt.Errorf("stopped after 10 redirects")
	}
	return o.check(req.URL)
}
