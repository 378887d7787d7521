package server

import (
	"fmt"
	"net/http"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// listRuns lists an instance's runs, newest first (?offset=&limit=).
func (s *Server) listRuns(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.instance(w, r); !ok {
		return
	}
	recs, err := s.history.List(r.Context(), r.PathValue("id"), int64(intParam(r, "offset", 0)), int64(intParam(r, "limit", 20)))
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"runs": recs})
}

// showRun shows one run record.
func (s *Server) showRun(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.instance(w, r); !ok {
		return
	}
	rec, err := s.history.Get(r.Context(), r.PathValue("id"), r.PathValue("run"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if rec == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no run %q of instance %q is kept; list them with GET /api/instances/%s/runs", r.PathValue("run"), r.PathValue("id"), r.PathValue("id")))
		return
	}
	writeJSON(w, http.StatusOK, rec)
}

// listFailures lists an instance's failure ledger (?direction=&entity=&limit=).
func (s *Server) listFailures(w http.ResponseWriter, r *http.Request) {
	inst, ok := s.instance(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	l := store.NewLedger(s.cfg.Redis, s.cfg.Keys, inst.ID, store.LedgerConfig{})
	fs, err := l.List(r.Context(), store.LedgerFilter{Direction: instance.Direction(q.Get("direction")), Entity: q.Get("entity"), Limit: intParam(r, "limit", 100)})
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"failures": fs})
}

// searchAudit pages through an instance's audit log with the CLI's
// filters (?failed=&direction=&entity=&key=&run=&since=&until=&limit=&cursor=).
func (s *Server) searchAudit(w http.ResponseWriter, r *http.Request) {
	inst, ok := s.instance(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	query := store.Query{Instance: inst.ID, Failed: q.Get("failed") == "true", Direction: instance.Direction(q.Get("direction")),
		Entity: q.Get("entity"), Key: q.Get("key"), RunID: q.Get("run"), Limit: intParam(r, "limit", 0), Cursor: q.Get("cursor")}
	query.Since, _ = time.Parse(time.RFC3339, q.Get("since")) // validated as date-time by the API document
	query.Until, _ = time.Parse(time.RFC3339, q.Get("until"))
	page, err := store.NewAudit(s.cfg.Redis, s.cfg.Keys, store.AuditConfig{}).Query(r.Context(), query)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"entries": page.Entries, "cursor": page.Cursor})
}
