package server

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// maxBody caps request bodies.
const maxBody = 1 << 20

// apiRoutes registers the admin API.
func (s *Server) apiRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/instances", s.listInstances)
	mux.HandleFunc("GET /api/instances/{id}", s.showInstance)
	mux.HandleFunc("PUT /api/instances/{id}", s.applyInstance)
	mux.HandleFunc("POST /api/instances/{id}/enable", s.setEnabled(true))
	mux.HandleFunc("POST /api/instances/{id}/disable", s.setEnabled(false))
	mux.HandleFunc("POST /api/instances/{id}/run", s.enqueue(queue.TaskRun))
	mux.HandleFunc("POST /api/instances/{id}/retry", s.enqueue(queue.TaskRetry))
	mux.HandleFunc("POST /api/instances/{id}/reconcile", s.enqueue(queue.TaskReconcile))
	mux.HandleFunc("GET /api/instances/{id}/runs", s.listRuns)
	mux.HandleFunc("GET /api/instances/{id}/runs/{run}", s.showRun)
	mux.HandleFunc("GET /api/instances/{id}/failures", s.listFailures)
	mux.HandleFunc("GET /api/instances/{id}/audit", s.searchAudit)
	mux.HandleFunc("POST /api/instances/{id}/erase", s.erase)
	mux.HandleFunc("POST /api/instances/{id}/resolve", s.resolve)
	return mux
}

// instanceView is an instance as the API shows it.
type instanceView struct {
	*instance.Instance
	WebhookPath string           `json:"webhookPath,omitempty"`
	ActiveRun   *queue.RunRecord `json:"activeRun,omitempty"`
	LastRun     *queue.RunRecord `json:"lastRun,omitempty"`
}

// listInstances lists the instances the principal sees, of one
// organisation with ?organisation=.
func (s *Server) listInstances(w http.ResponseWriter, r *http.Request) {
	list, err := s.visibleInstances(r, instance.ListFilter{Organisation: r.URL.Query().Get("organisation")})
	if err != nil {
		s.fail(w, err)
		return
	}
	out := make([]instanceView, 0, len(list))
	for _, inst := range list {
		out = append(out, instanceView{Instance: inst})
	}
	writeJSON(w, http.StatusOK, out)
}

// showInstance shows an instance with its webhook path and runs.
func (s *Server) showInstance(w http.ResponseWriter, r *http.Request) {
	inst, ok := s.instance(w, r)
	if !ok {
		return
	}
	v := instanceView{Instance: inst}
	tok, err := s.tokens.Token(r.Context(), inst.ID)
	if err == nil {
		v.WebhookPath = "/webhooks/" + inst.ID + "/" + tok
		v.ActiveRun, err = s.history.Active(r.Context(), inst.ID)
	}
	if err == nil {
		v.LastRun, err = s.history.Last(r.Context(), inst.ID)
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, v)
}

// applyInstance stores the instance in the body (JSON or YAML) with the
// content of its specs and model, read from the spec folder now; runs use
// that content until the instance is applied again.
func (s *Server) applyInstance(w http.ResponseWriter, r *http.Request) {
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		writeError(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	inst, findings, err := instance.DecodeInstance(r.PathValue("id")+".json", data)
	if err != nil || findings.HasErrors() {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": errText(err, "the instance has error findings"), "findings": findings})
		return
	}
	if inst.ID != r.PathValue("id") {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("/id: the body's id %q differs from the path's %q", inst.ID, r.PathValue("id")))
		return
	}
	if status, msg, err := s.mayApply(r, inst); err != nil || status != 0 {
		s.refuseApply(w, status, msg, err)
		return
	}
	inst.ResolvePaths(s.specDir())
	files, findings := engine.Capture(inst)
	if findings.HasErrors() {
		writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"error": "the instance, its specs or its model have error findings", "findings": findings})
		return
	}
	change, err := s.store.Apply(r.Context(), inst, files)
	var invalid *instance.InvalidInstanceError
	if errors.As(err, &invalid) {
		writeError(w, http.StatusUnprocessableEntity, err.Error())
		return
	}
	if err != nil {
		s.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": inst.ID, "change": change})
}

// refuseApply answers an apply that mayApply refused, or failed.
func (s *Server) refuseApply(w http.ResponseWriter, status int, msg string, err error) {
	if err != nil {
		s.fail(w, err)
		return
	}
	writeError(w, status, msg)
}

// specDir is the folder relative paths of applied instances resolve
// against.
func (s *Server) specDir() string {
	if s.cfg.SpecDir != "" {
		return s.cfg.SpecDir
	}
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	return dir
}

// errText returns err's text, or def when err is nil.
func errText(err error, def string) string {
	if err != nil {
		return err.Error()
	}
	return def
}

// setEnabled enables or disables an instance.
func (s *Server) setEnabled(on bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if _, ok := s.instance(w, r); !ok {
			return
		}
		set := s.store.Disable
		if on {
			set = s.store.Enable
		}
		if err := set(r.Context(), r.PathValue("id")); err != nil {
			s.fail(w, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"id": r.PathValue("id"), "enabled": on})
	}
}

// enqueue enqueues a run, a ledger retry or a reconciliation now; 409
// when one is already pending or running. The document has checked the
// query's booleans.
func (s *Server) enqueue(typ string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		inst, ok := s.instance(w, r)
		if !ok {
			return
		}
		if !inst.Enabled {
			writeError(w, http.StatusConflict, fmt.Sprintf("instance %q is disabled; enable it first (POST /api/instances/%s/enable)", inst.ID, inst.ID))
			return
		}
		q := r.URL.Query()
		p := queue.RunPayload{Instance: r.PathValue("id"), Trigger: queue.TriggerManual, Full: isTrue(q.Get("full")), DeleteOverride: isTrue(q.Get("allowDeletes"))}
		newTask := queue.NewRunTask
		switch typ {
		case queue.TaskRetry:
			newTask = queue.NewRetryTask
		case queue.TaskReconcile:
			newTask, p.Repair, p.Entity = queue.NewReconcileTask, isTrue(q.Get("repair")), q.Get("entity")
		}
		task, err := newTask(p, s.route())
		if err == nil {
			_, err = s.client.EnqueueContext(r.Context(), task)
		}
		if errors.Is(err, asynq.ErrTaskIDConflict) {
			s.cfg.Metrics.EnqueueSkipped(typ, p.Instance)
			writeError(w, http.StatusConflict, fmt.Sprintf("a %s of %q is already pending or running; see its runs", typ, p.Instance))
			return
		}
		if err != nil {
			s.fail(w, err)
			return
		}
		writeJSON(w, http.StatusAccepted, map[string]any{"id": p.Instance, "task": typ, "status": "enqueued"})
	}
}

// isTrue reads a boolean query parameter ("true", "1"); absent is false.
func isTrue(v string) bool {
	b, _ := strconv.ParseBool(v) // the document refused anything else
	return b
}

// instance loads the path's instance, answering 404 when there is none
// or the request's principal may not see it.
func (s *Server) instance(w http.ResponseWriter, r *http.Request) (*instance.Instance, bool) {
	inst, err := s.visibleInstance(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return nil, false
	}
	if inst == nil {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no instance %q; list them with GET /api/instances", r.PathValue("id")))
		return nil, false
	}
	return inst, true
}

// fail answers 500 for an error of Redis or the engine, and logs it.
func (s *Server) fail(w http.ResponseWriter, err error) {
	s.cfg.Logger.Error("admin request failed", "err", err)
	writeError(w, http.StatusInternalServerError, err.Error())
}
