package server

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// signinCookie carries the token the sign-in form must repeat, so that
// another site cannot sign a browser in under its own account.
const signinCookie = "specsync_signin"

// signinPage shows the sign-in form.
func (s *Server) signinPage(w http.ResponseWriter, r *http.Request) {
	s.showSignin(w, r, http.StatusOK, "")
}

// showSignin renders the sign-in form with a fresh form token and msg.
func (s *Server) showSignin(w http.ResponseWriter, r *http.Request, status int, msg string) {
	tok, err := randomToken()
	if err != nil {
		s.fail(w, err)
		return
	}
	setCookie(w, r, signinCookie, tok, 600)
	s.render(w, r, status, "signin", map[string]any{"CSRF": tok, "Next": localPath(r.FormValue("next")), "Error": msg, "Name": r.PostFormValue("name")})
}

// signin checks the form's token and credentials, starts a session and
// sends the browser where it was going.
func (s *Server) signin(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(signinCookie)
	form := r.PostFormValue("csrf")
	if err != nil || form == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(form)) != 1 {
		s.showSignin(w, r, http.StatusForbidden, "The form expired or came from another site; sign in again.")
		return
	}
	p, ok := s.signIn(strings.TrimSpace(r.PostFormValue("name")), r.PostFormValue("secret"))
	if !ok {
		s.cfg.Logger.Warn("sign-in refused", "remote", r.RemoteAddr)
		s.showSignin(w, r, http.StatusUnauthorized, "Wrong name or secret.")
		return
	}
	sess, err := s.sessions.create(r.Context(), p)
	if err != nil {
		s.fail(w, err)
		return
	}
	setCookie(w, r, signinCookie, "", -1)
	setCookie(w, r, sessionCookie, sess.ID, int(s.sessions.ttl.Seconds()))
	http.Redirect(w, r, localPath(r.PostFormValue("next")), http.StatusSeeOther)
}

// signout ends the session whose form token the request carries.
func (s *Server) signout(w http.ResponseWriter, r *http.Request) {
	sess := s.session(r)
	if sess == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	if !validCSRF(r, sess) {
		http.Error(w, "the form's token is missing or wrong; reload the page and try again", http.StatusForbidden)
		return
	}
	if err := s.sessions.delete(r.Context(), sess.ID); err != nil {
		s.fail(w, err)
		return
	}
	setCookie(w, r, sessionCookie, "", -1)
	http.Redirect(w, r, "/signin", http.StatusSeeOther)
}

// localPath returns p when it is a path on this server, else "/": a
// sign-in never sends the browser to another site.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || p == "" || !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, `/\`) || u.Host != "" || u.Scheme != "" {
		return "/"
	}
	return p
}
