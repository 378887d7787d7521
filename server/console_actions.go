package server

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// consoleAction is an action the console offers on an instance, with the
// options its confirmation asks for.
type consoleAction struct {
	Name    instance.Action
	Title   string
	Explain string
	// Options are checkboxes; Entity asks for one partner entity.
	Options []actionOption
	Entity  bool
}

// actionOption is a checkbox of a confirmation.
type actionOption struct {
	Name, Label string
}

var (
	optFull         = actionOption{"full", "Read everything, not only what changed since the last run"}
	optAllowDeletes = actionOption{"allowDeletes", "Allow more deletes than the delete guard lets through"}
	optRepair       = actionOption{"repair", "Repair: write the home's values back to the partner"}
)

// consoleActions are the actions by name.
var consoleActions = map[string]consoleAction{
	"run":       {Name: ActionRun, Title: "Run now", Explain: "Enqueue a run of the instance now; a worker takes it.", Options: []actionOption{optFull, optAllowDeletes}},
	"plan":      {Name: ActionPlan, Title: "Plan", Explain: "Read both systems and show what a run would do, writing nothing. The plan is made now and kept as the instance's last plan.", Options: []actionOption{optFull}},
	"reconcile": {Name: ActionReconcile, Title: "Reconcile", Explain: "Enqueue a comparison of the partner's records with the home's payloads; without repair nothing is written.", Options: []actionOption{optRepair, optAllowDeletes}, Entity: true},
	"retry":     {Name: ActionRetry, Title: "Retry failed", Explain: "Enqueue a retry of the records in the failure ledger."},
	"enable":    {Name: ActionEnable, Title: "Enable", Explain: "Let the schedule, webhooks and operators run the instance again."},
	"disable":   {Name: ActionDisable, Title: "Disable", Explain: "Stop scheduled and webhook runs of the instance until it is enabled."},
}

// actionFor returns the path's action and instance when the principal
// may take it; otherwise it answers and returns false.
func (s *Server) actionFor(w http.ResponseWriter, r *http.Request) (consoleAction, *instance.Instance, bool) {
	inst := s.consoleInstance(w, r)
	if inst == nil {
		return consoleAction{}, nil, false
	}
	if p, _ := principalOf(r); !p.May(RoleOperator) {
		s.message(w, r, http.StatusForbidden, "Not allowed", "Only an operator may act on instances; you may look.")
		return consoleAction{}, nil, false
	}
	act, ok := consoleActions[r.PathValue("action")]
	if !ok {
		s.message(w, r, http.StatusNotFound, "No such action", "The console offers run, plan, reconcile, retry, enable and disable.")
		return consoleAction{}, nil, false
	}
	return act, inst, true
}

// confirmPage asks the operator to confirm an action and choose its
// options.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	act, inst, ok := s.actionFor(w, r)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "confirm", map[string]any{"Inst": inst, "Action": act})
}

// act takes a confirmed action, audited with who asked, and returns to
// the instance's page.
func (s *Server) act(w http.ResponseWriter, r *http.Request) {
	if !s.formAllowed(r) {
		s.message(w, r, http.StatusForbidden, "Form refused", "The form's token is missing or wrong, or it came from another site; reload the page and try again.")
		return
	}
	act, inst, ok := s.actionFor(w, r)
	if !ok {
		return
	}
	p, _ := principalOf(r)
	opts := queue.RunPayload{Full: r.PostFormValue("full") != "", DeleteOverride: r.PostFormValue("allowDeletes") != ""}
	var err error
	switch act.Name {
	case ActionEnable, ActionDisable:
		err = s.setEnabled(r.Context(), inst, act.Name == ActionEnable)
	case ActionPlan:
		opts.DeleteOverride = false
		_, err = s.makePlan(r.Context(), p, inst, opts.Full)
	default:
		typ := map[instance.Action]string{ActionRun: queue.TaskRun, ActionRetry: queue.TaskRetry, ActionReconcile: queue.TaskReconcile}[act.Name]
		if act.Name == ActionReconcile {
			opts.Repair, opts.Entity = r.PostFormValue("repair") != "", strings.TrimSpace(r.PostFormValue("entity"))
		}
		err = s.enqueueTask(r.Context(), typ, inst, opts)
	}
	s.auditAction(r.Context(), p, inst, act.Name, payloadOptions(opts), err)
	switch {
	case errors.Is(err, errDisabled):
		s.message(w, r, http.StatusConflict, act.Title+" refused", "The instance is disabled; enable it first.")
	case errors.Is(err, errPending):
		s.message(w, r, http.StatusConflict, act.Title+" refused", "One is already pending or running; see the instance's runs.")
	case err != nil && act.Name != ActionPlan:
		s.fail(w, err)
	default: // a plan that failed is kept with its error and shown
		http.Redirect(w, r, "/instances/"+url.PathEscape(inst.ID)+"?done="+string(act.Name), http.StatusSeeOther)
	}
}

// formAllowed reports whether a console form may act: it carries its
// session's token, or, from a principal without a session (a token, or
// an installation without tokens), it comes from the console's own
// origin.
func (s *Server) formAllowed(r *http.Request) bool {
	if sess := s.session(r); sess != nil {
		return validCSRF(r, sess)
	}
	return s.crossOrigin.Check(r) == nil
}
