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
		if s.cfg.Insecure || s.authorised(r) {
			next.ServeHTTP(w, r)
			return
		}
		s.cfg.Logger.Warn("admin request refused: missing or wrong token", "path", r.URL.Path, "remote", r.RemoteAddr)
		w.Header().Set("WWW-Authenticate", `Bearer realm="specsync", Basic realm="specsync"`)
		writeError(w, http.StatusUnauthorized, "missing or wrong admin token: send Authorization: Bearer <SPECSYNC_ADMIN_TOKEN>")
	})
}

// authorised compares the request's token with the admin token in
// constant time.
func (s *Server) authorised(r *http.Request) bool {
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		_, got, ok = r.BasicAuth()
	}
	return ok && subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.AdminToken)) == 1
}
