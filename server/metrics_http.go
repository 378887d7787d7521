package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routeKey is the context key of the *route a request is matched to.
type routeKey struct{}

// route holds the pattern an inner mux matched a request to.
type route struct{ pattern string }

// Count wraps h so that every request is counted by route pattern,
// method and status code, and timed. The route is the pattern of the
// innermost mux wrapped with matchedRoute, else the one h's own mux set;
// a path no route matches counts as "none", so the series are bounded by
// the routes, never by the paths requested.
func (m *Metrics) Count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rt := &route{}
		r = r.WithContext(context.WithValue(r.Context(), routeKey{}, rt))
		sw := &statusWriter{ResponseWriter: w, code: http.StatusOK}
		h.ServeHTTP(sw, r)
		pattern := rt.pattern
		if pattern == "" {
			pattern = patternPath(r.Pattern)
		}
		if pattern == "" {
			pattern = "none"
		}
		method := methodLabel(r.Method)
		m.served.WithLabelValues(pattern, method, strconv.Itoa(sw.code)).Inc()
		m.serving.WithLabelValues(pattern, method).Observe(time.Since(start).Seconds())
	})
}

// matchedRoute wraps an inner mux so that Count labels its requests with
// the inner mux's pattern rather than the outer one's ("/api/").
func matchedRoute(mux http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mux.ServeHTTP(w, r)
		if rt, ok := r.Context().Value(routeKey{}).(*route); ok && r.Pattern != "" {
			rt.pattern = patternPath(r.Pattern)
		}
	})
}

// patternPath drops the method of a pattern ("GET /metrics" -> "/metrics").
func patternPath(p string) string {
	if _, path, ok := strings.Cut(p, " "); ok {
		return path
	}
	return p
}

// methodLabel keeps the standard methods and names any other "other".
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions:
		return m
	}
	return "other"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	code  int
	wrote bool
}

// WriteHeader remembers the first code and writes it.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.code, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write marks the status as written.
func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	return w.ResponseWriter.Write(b)
}

// Unwrap returns the underlying writer, for http.ResponseController
// (flushing the monitor's answers).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
