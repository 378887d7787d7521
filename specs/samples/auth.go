package samples

import (
	"regexp"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/names"
)

var (
	// secretHeader matches the names of request headers that carry
	// credentials (X-Api-Key, X-Auth-Token...).
	secretHeader = regexp.MustCompile(`(?i)^(x-)?(api[-_]?token|auth[-_]?token|access[-_]?token|token|secret|client[-_]?secret|session[-_]?(id|token))$|api[-_]?key`)
	// secretQuery matches the names of query parameters that carry
	// credentials.
	secretQuery = regexp.MustCompile(`(?i)^(api[-_]?key|key|access[-_]?token|token|auth|auth[-_]?token|secret|client[-_]?secret|sig|signature|password|jwt|session[-_]?id|sid)$`)
)

// sessionCookie matches cookie names that hold a session.
var sessionCookie = regexp.MustCompile(`(?i)sess|sid|token|auth|jwt`)

// auth is what the samples tell of authentication: the schemes seen, and
// per sample the names of those it used. Values are looked at, never kept.
type auth struct {
	schemes openapi3.SecuritySchemes
	used    map[*Sample][]string
}

// detectAuth finds the auth methods the samples used: an Authorization
// header (Bearer, Basic, Digest, or any other as an API key in that
// header), an API-key header or query parameter, or, when no sample used
// any of those, a session cookie (a browser sends its cookies with every
// call, a login's too).
func detectAuth(samples []*Sample) *auth {
	a := &auth{schemes: openapi3.SecuritySchemes{}, used: map[*Sample][]string{}}
	for _, s := range samples {
		for _, h := range s.RequestHeaders {
			if name, scheme := headerScheme(h); scheme != nil {
				a.use(s, name, scheme)
			}
		}
		for _, q := range s.Query {
			if secretQuery.MatchString(q.Name) {
				a.use(s, camel(append(names.Words(q.Name), "query")), &openapi3.SecurityScheme{Type: "apiKey", In: "query", Name: q.Name})
			}
		}
	}
	if len(a.schemes) == 0 {
		for _, s := range samples {
			a.cookie(s)
		}
	}
	return a
}

func (a *auth) use(s *Sample, name string, scheme *openapi3.SecurityScheme) {
	if a.schemes[name] == nil {
		a.schemes[name] = &openapi3.SecuritySchemeRef{Value: scheme}
	}
	if !slices.Contains(a.used[s], name) {
		a.used[s] = append(a.used[s], name)
	}
}

// headerScheme returns the scheme a request header stands for, if any.
func headerScheme(h Pair) (string, *openapi3.SecurityScheme) {
	lower := strings.ToLower(h.Name)
	if lower == "authorization" {
		kind, token, _ := strings.Cut(strings.TrimSpace(h.Value), " ")
		switch strings.ToLower(kind) {
		case "bearer":
			s := &openapi3.SecurityScheme{Type: "http", Scheme: "bearer"}
			if strings.HasPrefix(token, "ey") && strings.Count(token, ".") == 2 {
				s.BearerFormat = "JWT"
			}
			return "bearerAuth", s
		case "basic":
			return "basicAuth", &openapi3.SecurityScheme{Type: "http", Scheme: "basic"}
		case "digest":
			return "digestAuth", &openapi3.SecurityScheme{Type: "http", Scheme: "digest"}
		}
		return "authorizationHeader", &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: "Authorization"}
	}
	if lower == "cookie" || lower == "proxy-authorization" || !secretHeader.MatchString(h.Name) {
		return "", nil
	}
	return camel(names.Words(h.Name)), &openapi3.SecurityScheme{Type: "apiKey", In: "header", Name: h.Name}
}

// cookie records a session cookie of a sample as an API key in a cookie.
func (a *auth) cookie(s *Sample) {
	for _, h := range s.RequestHeaders {
		if !strings.EqualFold(h.Name, "cookie") {
			continue
		}
		for part := range strings.SplitSeq(h.Value, ";") {
			name, _, _ := strings.Cut(strings.TrimSpace(part), "=")
			if name != "" && sessionCookie.MatchString(name) {
				a.use(s, "cookieAuth", &openapi3.SecurityScheme{Type: "apiKey", In: "cookie", Name: name})
				return
			}
		}
	}
}

// isAuthParam reports whether a query parameter is a credential, which
// becomes a security scheme instead of a parameter.
func isAuthParam(name string) bool {
	return secretQuery.MatchString(name)
}

// requirements returns the security requirements of samples: one
// alternative per scheme set they used, none when no sample used any.
func (a *auth) requirements(samples []*Sample) openapi3.SecurityRequirements {
	var out openapi3.SecurityRequirements
	seen := map[string]bool{}
	for _, s := range samples {
		names := a.used[s]
		if len(names) == 0 {
			continue
		}
		key := strings.Join(slices.Sorted(slices.Values(names)), " ")
		if seen[key] {
			continue
		}
		seen[key] = true
		req := openapi3.SecurityRequirement{}
		for _, n := range names {
			req[n] = []string{}
		}
		out = append(out, req)
	}
	return out
}
