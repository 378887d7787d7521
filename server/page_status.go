package server

import (
	"context"
	_ "embed"
	"html/template"
	"net/http"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/engine/store"
)

// statusTemplate is the status page.
//
//go:embed page_status.html
var statusTemplate string

// statusPage is parsed once; it holds no state.
var statusPage = template.Must(template.New("status").Parse(statusTemplate))

// statusRow is one instance on the status page.
type statusRow struct {
	Inst     *instance.Instance
	Active   *queue.RunRecord
	Last     *queue.RunRecord
	Failures int64
	Next     time.Time
}

// statusPage lists the instances the principal sees, their last run per entity, open failures
// and next scheduled run.
func (s *Server) statusPage(w http.ResponseWriter, r *http.Request) {
	insts, err := s.visibleInstances(r, instance.ListFilter{})
	if err != nil {
		s.fail(w, err)
		return
	}
	rows := make([]statusRow, 0, len(insts))
	for _, inst := range insts {
		row, err := s.statusRow(r.Context(), inst)
		if err != nil {
			s.fail(w, err)
			return
		}
		rows = append(rows, row)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if err := statusPage.Execute(w, map[string]any{"Rows": rows, "Now": s.cfg.Clock.Now()}); err != nil {
		s.cfg.Logger.Error("status page", "err", err)
	}
}

// statusRow reads what the page shows of one instance.
func (s *Server) statusRow(ctx context.Context, inst *instance.Instance) (statusRow, error) {
	row := statusRow{Inst: inst}
	var err error
	if row.Active, err = s.history.Active(ctx, inst.ID); err != nil {
		return row, err
	}
	if row.Last, err = s.history.Last(ctx, inst.ID); err != nil {
		return row, err
	}
	row.Failures, err = store.NewLedger(s.cfg.Redis, s.cfg.Keys, inst.ID, store.LedgerConfig{}).Count(ctx, store.LedgerFilter{})
	if err != nil {
		return row, err
	}
	row.Next = s.nextRun(inst)
	return row, nil
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
