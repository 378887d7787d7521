package server

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// admin refuses a request without the admin token: as a bearer token,
// or as the basic-auth password a browser sends after a prompt.
func (s *Server) admin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := s.authenticate(r); ok {
			next.ServeHTTP(w, withPrincipal(r, p))
			return
		}
		s.refuse(w, r, "missing or wrong admin token: send Authorization: Bearer <SPECSYNC_ADMIN_TOKEN>")
	})
}

// metricsAuth refuses a scrape without the metrics or the admin token,
// unless the metrics are public (MetricsPublic, or Insecure without a
// metrics token): queue counts and instance ids are not for everyone.
func (s *Server) metricsAuth(next http.Handler) http.Handler {
	open := s.cfg.MetricsPublic || (s.cfg.Insecure && s.cfg.MetricsToken == "")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if open || s.authorised(r, s.cfg.MetricsToken) || (!s.cfg.Insecure && s.authorised(r, s.cfg.AdminToken)) {
			next.ServeHTTP(w, r)
			return
		}
		s.refuse(w, r, "missing or wrong token: send Authorization: Bearer <SPECSYNC_METRICS_TOKEN or SPECSYNC_ADMIN_TOKEN>, or start serve with --metrics-public")
	})
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
// password) r carries. Today the admin token (or Insecure) is the only
// principal: an admin of every organisation.
func (s *Server) tokenPrincipal(r *http.Request) (Principal, bool) {
	if s.cfg.Insecure || s.authorised(r, s.cfg.AdminToken) {
		return Principal{Name: "admin", Role: RoleAdmin}, true
	}
	return Principal{}, false
}

// signIn returns the principal whose name and secret match, for the
// console's sign-in form. Today the admin token is the only secret.
func (s *Server) signIn(name, secret string) (Principal, bool) {
	if s.cfg.AdminToken != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(s.cfg.AdminToken)) == 1 {
		return Principal{Name: "admin", Role: RoleAdmin}, true
	}
	return Principal{}, false
}

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
