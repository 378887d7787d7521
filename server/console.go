package server

import (
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/specsync/specsync/engine"
)

// pageFiles are the console's templates: page_layout.html frames every
// other page.
//
//go:embed page_*.html
var pageFiles embed.FS

// consolePages are the console's pages by name.
var consolePages = []string{"signin", "instances", "instance", "run", "confirm", "message"}

// parsePages parses each console page with the layout.
func parsePages() (map[string]*template.Template, error) {
	out := make(map[string]*template.Template, len(consolePages))
	for _, name := range consolePages {
		t, err := template.New("page_layout.html").Funcs(pageFuncs).ParseFS(pageFiles, "page_layout.html", "page_"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("console page %s: %w", name, err)
		}
		out[name] = t
	}
	return out, nil
}

// pageFuncs are the functions the console's templates call.
var pageFuncs = template.FuncMap{
	"when":     formatTime,
	"counts":   nonZeroCounts,
	"duration": func(d time.Duration) string { return d.Round(time.Second).String() },
	"query":    func(v url.Values) template.URL { return template.URL(v.Encode()) },
	"summary":  func(e *engine.EntitySummary) []count { return nonZeroCounts(summaryCounts(e)) },
	"add":      func(a, b int) int { return a + b },
}

// formatTime writes a time with its zone, "–" for none.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "–"
	}
	return t.Format("2006-01-02 15:04:05 MST")
}

// count is one outcome's count on a page.
type count struct {
	Name  string
	Value int64
}

// countOrder is the order counts are shown in; others follow by name.
var countOrder = []string{"read", "created", "updated", "deleted", "adopted", "skipped", "unchanged", "denied", "conflicts", "guarded", "divergent", "failed", "drift", "repaired"}

// nonZeroCounts returns the counts that are not zero, in countOrder.
func nonZeroCounts(m map[string]int64) []count {
	var out []count
	for name, v := range m {
		if v != 0 {
			out = append(out, count{name, v})
		}
	}
	rank := func(n string) int {
		if i := slices.Index(countOrder, n); i >= 0 {
			return i
		}
		return len(countOrder)
	}
	slices.SortFunc(out, func(a, b count) int {
		if d := rank(a.Name) - rank(b.Name); d != 0 {
			return d
		}
		return strings.Compare(a.Name, b.Name)
	})
	return out
}

// view is what every console page gets: who is signed in, the token its
// forms carry, and the page's own data.
type view struct {
	Principal Principal
	// Session is set when the principal signed in (a token holder has
	// no session to sign out of, and its forms no token).
	Session bool
	CSRF    string
	// Operator is set when the principal may act on instances.
	Operator bool
	Data     any
}

// render writes the console page name with data.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	v := view{Data: data}
	if p, ok := principalOf(r); ok {
		v.Principal, v.Operator = p, p.May(RoleOperator)
	}
	if sess := s.session(r); sess != nil {
		v.Session, v.CSRF = true, sess.CSRF
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'none'; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := s.pages[name].Execute(w, v); err != nil {
		s.cfg.Logger.Error("console page", "page", name, "err", err)
	}
}

// message renders a page that says msg with status.
func (s *Server) message(w http.ResponseWriter, r *http.Request, status int, title, msg string) {
	s.render(w, r, status, "message", map[string]any{"Title": title, "Message": msg})
}

// console serves a console page to an authenticated principal; a browser
// without a session or token is sent to the sign-in page, a request with
// a wrong token refused.
func (s *Server) console(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := s.authenticate(r); ok {
			next(w, withPrincipal(r, p))
			return
		}
		if r.Header.Get("Authorization") != "" || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
			s.refuse(w, r, "sign in at /signin, or send Authorization: Bearer <token>")
			return
		}
		http.Redirect(w, r, "/signin?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	})
}

// consoleRoutes registers the sign-in and the console's pages.
func (s *Server) consoleRoutes() {
	s.mux.HandleFunc("GET /signin", s.signinPage)
	s.mux.HandleFunc("POST /signin", s.signin)
	s.mux.HandleFunc("POST /signout", s.signout)
	s.mux.Handle("GET /{$}", s.console(s.instancesPage))
	s.mux.Handle("GET /instances/{id}", s.console(s.instancePage))
	s.mux.Handle("GET /instances/{id}/runs/{run}", s.console(s.runPage))
	s.mux.Handle("GET /instances/{id}/actions/{action}", s.console(s.confirmPage))
	s.mux.Handle("POST /instances/{id}/actions/{action}", s.console(s.act))
}
