package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// admin refuses a request of no principal: neither a console session nor
// a token (as a bearer token, or as the basic-auth password a browser
// sends after a prompt) nor an account's name and password.
func (s *Server) admin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := s.authenticate(r); ok {
			next.ServeHTTP(w, withPrincipal(r, p))
			return
		}
		s.refuse(w, r, "missing or wrong token: send Authorization: Bearer <SPECSYNC_ADMIN_TOKEN or a token of the users file>")
	})
}

// metricsAuth refuses a scrape without the metrics token or the token
// of an admin of every organisation (the metrics name every
// organisation's instances), unless the metrics are public (MetricsPublic, or Insecure without a
// metrics token): queue counts and instance ids are not for everyone.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	open := s.cfg.MetricsPublic || (s.cfg.Insecure && s.cfg.MetricsToken == "")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if open || s.authorised(r, s.cfg.MetricsToken) || (!s.cfg.Insecure && s.allOrganisations(r)) {
			next.ServeHTTP(w, r)
			return
		}
		s.refuse(w, r, "missing or wrong token: send Authorization: Bearer <SPECSYNC_METRICS_TOKEN or SPECSYNC_ADMIN_TOKEN>, or start serve with --metrics-public")
	})
}

// allOrganisations reports whether r carries the token of an admin of
// every organisation.
func (s *Server) allOrganisations(r *http.Request) bool {
	p, ok := s.tokenPrincipal(r)
	return ok && p.May(RoleAdmin) && p.Organisation == ""
}

// authenticate returns who sent r: the holder of a console session, else
// of the token the request carries.
func (s *Server) authenticate(r *http.Request) (Principal, bool) {
	if p, ok := s.sessionPrincipal(r); ok {
		return p, true
	}
	return s.tokenPrincipal(r)
}

// tokenPrincipal returns the principal of the bearer token (or basic-auth
// password) r carries: the admin token's (or Insecure's), an admin of
// every organisation; else the users file's account whose token it is; a
// basic-auth user name and password sign that account in.
func (s *Server) tokenPrincipal(r *http.Request) (Principal, bool) {
	if s.cfg.Insecure || s.authorised(r, s.cfg.AdminToken) {
		return adminPrincipal, true
	}
	if got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return s.cfg.Accounts.Token(got)
	}
	name, secret, ok := r.BasicAuth()
	if !ok {
		return Principal{}, false
	}
	if p, ok := s.cfg.Accounts.Token(secret); ok {
		return p, true
	}
	return s.cfg.Accounts.SignIn(name, secret)
}

// adminPrincipal holds the admin token: an admin of every organisation.
var adminPrincipal = Principal{Name: "admin", Role: RoleAdmin}

// signIn returns the principal whose name and secret match, for the
// console's sign-in form: the admin token under any name, or an account
// of the users file with its token or password.
func (s *Server) signIn(name, secret string) (Principal, bool) {
	if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.AdminToken)) == 1 {
		return adminPrincipal, true
	}
	return s.cfg.Accounts.SignIn(name, secret)
}

// sessionPrincipal returns the principal of r's console session cookie.
// Today there are no sessions.
func (s *Server) sessionPrincipal(*http.Request) (Principal, bool) { return Principal{}, false }

// refuse answers 401 with a challenge and logs the refusal, without the
// token that was sent.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, msg string) {
	s.cfg.Logger.Warn("request refused: missing or wrong token", "path", r.URL.Path, "remote", r.RemoteAddr)
	w.Header().Set("WWW-Authenticate", `Bearer realm="specsync", Basic realm="specsync"`)
	writeError(w, http.StatusUnauthorized, msg)
}

// authorised compares the request's token with want in constant time; an
// empty want accepts nothing.
func (s *Server) authorised(r *http.Request, want string) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		_, got, ok = r.BasicAuth()
	}
	return ok && want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}
