package server

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
)

// instanceRow is one instance on the instances page.
type instanceRow struct {
	Inst      *instance.Instance
	Active    *queue.RunRecord
	Last      *queue.RunRecord
	Reconcile *queue.RunRecord
	Failures  int64
	Next      time.Time
}

// instancesPage lists the instances the principal sees: last run, next
// run, open failures and the drift the last reconciliation left.
func (s *Server) instancesPage(w http.ResponseWriter, r *http.Request) {
	p, _ := principalOf(r)
	insts, err := s.store.List(r.Context(), instance.ListFilter{})
	if err != nil {
		s.fail(w, err)
		return
	}
	rows := make([]instanceRow, 0, len(insts))
	for _, inst := range insts {
		if !p.Sees(inst.Organisation) {
			continue
		}
		row, err := s.instanceRow(r.Context(), inst)
		if err != nil {
			s.fail(w, err)
			return
		}
		rows = append(rows, row)
	}
	s.render(w, r, http.StatusOK, "instances", map[string]any{"Rows": rows, "Monitor": s.cfg.Monitor != nil && p.Organisation == ""})
}

// instanceRow reads what the console shows of one instance at a glance.
func (s *Server) instanceRow(ctx context.Context, inst *instance.Instance) (instanceRow, error) {
	row := instanceRow{Inst: inst, Next: s.nextRun(inst)}
	var err error
	if row.Active, err = s.history.Active(ctx, inst.ID); err != nil {
		return row, err
	}
	runs, err := s.history.List(ctx, inst.ID, 0, 0)
	if err != nil {
		return row, err
	}
	for i := range runs {
		if row.Last == nil {
			row.Last = &runs[i]
		}
		if runs[i].Task == queue.TaskReconcile {
			row.Reconcile = &runs[i]
			break
		}
	}
	row.Failures, err = store.NewLedger(s.cfg.Redis, s.cfg.Keys, inst.ID, store.LedgerConfig{}).Count(ctx, store.LedgerFilter{})
	return row, err
}

// nextRun is when inst runs next on its schedule; zero when disabled or
// unknown.
func (s *Server) nextRun(inst *instance.Instance) time.Time {
	if s.cfg.Schedules == nil || !inst.Enabled {
		return time.Time{}
	}
	spec, _ := s.cfg.Schedules.Cronspecs(inst)
	sched, err := cron.ParseStandard(spec)
	if err != nil {
		return time.Time{}
	}
	return sched.Next(s.cfg.Clock.Now())
}

// consoleInstance loads the path's instance when the principal sees it;
// otherwise it answers 404 (an instance of another organisation is not
// told apart from a missing one) and returns nil.
func (s *Server) consoleInstance(w http.ResponseWriter, r *http.Request) *instance.Instance {
	inst, err := s.visibleInstance(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, err)
		return nil
	}
	if inst == nil {
		s.message(w, r, http.StatusNotFound, "No such instance", fmt.Sprintf("There is no instance %q.", r.PathValue("id")))
		return nil
	}
	return inst
}

// runsPerPage is how many runs the instance page shows at once.
const runsPerPage = 10

// instanceDetail is what the instance page shows.
type instanceDetail struct {
	instanceRow
	Runs      []queue.RunRecord
	RunsFrom  int
	MoreRuns  bool
	Ledger    []store.Failure
	Audit     auditSearch
	Plan      *lastPlan
	DriftSeen []store.Entry
	Notice    string
}

// instancePage shows one instance: its runs with their counts per
// entity, its failure ledger, an audit search, the last plan and the
// last reconciliation.
func (s *Server) instancePage(w http.ResponseWriter, r *http.Request) {
	inst := s.consoleInstance(w, r)
	if inst == nil {
		return
	}
	d, err := s.instanceDetail(r, inst)
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, http.StatusOK, "instance", d)
}

// instanceDetail reads everything the instance page shows.
func (s *Server) instanceDetail(r *http.Request, inst *instance.Instance) (*instanceDetail, error) {
	ctx := r.Context()
	row, err := s.instanceRow(ctx, inst)
	if err != nil {
		return nil, err
	}
	d := &instanceDetail{instanceRow: row, Notice: noticeOf(r.URL.Query().Get("done"))}
	d.RunsFrom, _ = strconv.Atoi(r.URL.Query().Get("runs"))
	d.RunsFrom = max(d.RunsFrom, 0)
	if d.Runs, err = s.history.List(ctx, inst.ID, int64(d.RunsFrom), runsPerPage+1); err != nil {
		return nil, err
	}
	if d.MoreRuns = len(d.Runs) > runsPerPage; d.MoreRuns {
		d.Runs = d.Runs[:runsPerPage]
	}
	ledger := store.NewLedger(s.cfg.Redis, s.cfg.Keys, inst.ID, store.LedgerConfig{})
	if d.Ledger, err = ledger.List(ctx, store.LedgerFilter{Limit: 100}); err != nil {
		return nil, err
	}
	if d.Plan, err = s.lastPlanOf(ctx, inst.ID); err != nil {
		return nil, err
	}
	audit := store.NewAudit(s.cfg.Redis, s.cfg.Keys, store.AuditConfig{})
	if d.Reconcile != nil {
		page, err := audit.Query(ctx, store.Query{Instance: inst.ID, RunID: d.Reconcile.ID, Outcome: "drift", Limit: 50})
		if err != nil {
			return nil, err
		}
		d.DriftSeen = page.Entries
	}
	d.Audit = s.searchAuditPage(ctx, audit, inst.ID, r.URL.Query())
	return d, nil
}

// noticeOf says what an action that just ended did, for the page it
// returns to.
func noticeOf(done string) string {
	switch instance.Action(done) {
	case ActionRun, ActionRetry, ActionReconcile:
		return "The " + done + " was enqueued; it shows under Runs once a worker has taken it."
	case ActionPlan:
		return "The plan was made; see Last plan."
	case ActionEnable:
		return "The instance is enabled."
	case ActionDisable:
		return "The instance is disabled."
	}
	return ""
}

// runPage shows one run with its counts per entity and its audit entries.
func (s *Server) runPage(w http.ResponseWriter, r *http.Request) {
	inst := s.consoleInstance(w, r)
	if inst == nil {
		return
	}
	rec, err := s.history.Get(r.Context(), inst.ID, r.PathValue("run"))
	if err != nil {
		s.fail(w, err)
		return
	}
	if rec == nil {
		s.message(w, r, http.StatusNotFound, "No such run", fmt.Sprintf("No run %q of instance %q is kept.", r.PathValue("run"), inst.ID))
		return
	}
	page, err := store.NewAudit(s.cfg.Redis, s.cfg.Keys, store.AuditConfig{}).Query(r.Context(), store.Query{Instance: inst.ID, RunID: rec.ID, Limit: 100})
	if err != nil {
		s.fail(w, err)
		return
	}
	s.render(w, r, http.StatusOK, "run", map[string]any{"Inst": inst, "Run": rec, "Entries": page.Entries, "More": page.Cursor != ""})
}
