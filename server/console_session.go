package server

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/clock"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/stored"
)

// DefaultSessionTTL is how long a console session lasts after sign-in
// when Config.SessionTTL is zero.
const DefaultSessionTTL = 12 * time.Hour

// sessionCookie names the cookie that carries a console session's id.
const sessionCookie = "specsync_session"

// sessionFormat marks every stored session with the version of its
// format.
const sessionFormat stored.Version = "v1"

// session is a signed-in console user: who it is, the token its forms
// carry against cross-site requests, and when it ends.
type session struct {
	ID        string    `json:"-"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Org       string    `json:"organisation,omitempty"`
	CSRF      string    `json:"csrf"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// principal is who the session signed in as.
func (ss *session) principal() Principal {
	return Principal{Name: ss.Name, Role: ss.Role, Organisation: ss.Org}
}

// sessions keeps console sessions in Redis under the installation's
// prefix, each under its random id and expiring with it. It is safe for
// concurrent use.
type sessions struct {
	rdb   redis.UniversalClient
	keys  keys.Namespace
	ttl   time.Duration
	clock clock.Clock
}

// randomToken returns 32 random bytes, URL-safe base64.
func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// create starts a session of p.
func (ss *sessions) create(ctx context.Context, p Principal) (*session, error) {
	id, err := randomToken()
	if err != nil {
		return nil, err
	}
	csrf, err := randomToken()
	if err != nil {
		return nil, err
	}
	sess := &session{ID: id, Name: p.Name, Role: p.Role, Org: p.Organisation, CSRF: csrf, ExpiresAt: ss.clock.Now().Add(ss.ttl)}
	data, err := json.Marshal(sess)
	if err != nil {
		return nil, fmt.Errorf("console session: %w", err)
	}
	if err := ss.rdb.Set(ctx, ss.keys.Session(id), sessionFormat.Mark(string(data)), ss.ttl).Err(); err != nil {
		return nil, fmt.Errorf("console session: store: %w", err)
	}
	return sess, nil
}

// get returns the live session of id, or nil when there is none.
func (ss *sessions) get(ctx context.Context, id string) (*session, error) {
	val, err := ss.rdb.Get(ctx, ss.keys.Session(id)).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("console session: read: %w", err)
	}
	data, ok := sessionFormat.Open(val)
	if !ok {
		return nil, nil // of another version: signing in again replaces it
	}
	var sess session
	if err := json.Unmarshal([]byte(data), &sess); err != nil {
		return nil, stored.Damaged("console session", err)
	}
	if !ss.clock.Now().Before(sess.ExpiresAt) {
		return nil, nil
	}
	sess.ID = id
	return &sess, nil
}

// delete ends the session of id.
func (ss *sessions) delete(ctx context.Context, id string) error {
	if err := ss.rdb.Del(ctx, ss.keys.Session(id)).Err(); err != nil {
		return fmt.Errorf("console session: delete: %w", err)
	}
	return nil
}

// session returns the live session r's cookie names, or nil.
func (s *Server) session(r *http.Request) *session {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil
	}
	sess, err := s.sessions.get(r.Context(), c.Value)
	if err != nil {
		s.cfg.Logger.Error("console session", "err", err)
		return nil
	}
	return sess
}

// sessionPrincipal returns the principal of r's console session cookie.
// A request that changes something is taken for the session's only when
// the browser says it comes from the console's own origin: the cookie
// alone does not let another site act in the user's name.
func (s *Server) sessionPrincipal(r *http.Request) (Principal, bool) {
	sess := s.session(r)
	if sess == nil {
		return Principal{}, false
	}
	if err := s.crossOrigin.Check(r); err != nil {
		s.cfg.Logger.Warn("session refused for a cross-origin request", "path", r.URL.Path, "remote", r.RemoteAddr)
		return Principal{}, false
	}
	return sess.principal(), true
}

// validCSRF reports whether r's form carries the token of sess.
func validCSRF(r *http.Request, sess *session) bool {
	got := r.PostFormValue("csrf")
	return sess != nil && got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRF)) == 1
}

// secure reports whether r came over TLS, directly or through a proxy
// that says so: its cookies then carry the Secure flag.
func secure(r *http.Request) bool {
	return r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https"
}

// setCookie sets a console cookie: HttpOnly, SameSite=Lax, Secure over
// TLS; a negative maxAge deletes it.
func setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: secure(r)})
}
