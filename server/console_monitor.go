package server

import (
	"net/http"

	"github.com/hibiken/asynqmon"
)

// monitor serves the queue monitor: operators may act on tasks, viewers
// only look, and only at this installation's queue. The queue holds the tasks of every organisation, so a
// principal scoped to one organisation is refused.
func (s *Server) monitor() http.Handler {
	full := scopeMonitor(asynqmon.New(asynqmon.Options{RootPath: "/monitoring", RedisConnOpt: s.cfg.Monitor}), "/monitoring", s.cfg.Queue)
	readOnly := scopeMonitor(asynqmon.New(asynqmon.Options{RootPath: "/monitoring", RedisConnOpt: s.cfg.Monitor, ReadOnly: true}), "/monitoring", s.cfg.Queue)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := principalOf(r)
		switch {
		case p.Organisation != "":
			s.message(w, r, http.StatusForbidden, "Not allowed", "The queue monitor shows the tasks of every organisation; ask an administrator.")
		case p.May(RoleOperator):
			full.ServeHTTP(w, r)
		default:
			readOnly.ServeHTTP(w, r)
		}
	})
}
