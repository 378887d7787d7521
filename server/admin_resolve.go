package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// resolveRequest is the body of a resolution.
type resolveRequest struct {
	Key       string `json:"key"`
	Entity    string `json:"entity"`
	Direction string `json:"direction"`
	Created   string `json:"created"`
	Absent    bool   `json:"absent"`
}

// resolve settles a create whose outcome is unknown, as the operator
// found the record at the destination (engine.Resolve).
func (s *Server) resolve(w http.ResponseWriter, r *http.Request) {
	inst, ok := s.instance(w, r)
	if !ok {
		return
	}
	var req resolveRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	opts := engine.ResolveOptions{Key: req.Key, Entity: req.Entity, Direction: instance.Direction(req.Direction), Created: req.Created, Absent: req.Absent}
	res, err := s.cfg.Engine.ResolveApplied(r.Context(), s.store, inst, opts)
	if err != nil {
		status := resolveStatus(err)
		writeError(w, status, err.Error())
		if status == http.StatusInternalServerError {
			s.cfg.Logger.Error("resolve failed", "instance", inst.ID, "err", err)
		}
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// resolveStatus is the answer's status for a resolution's error.
func resolveStatus(err error) int {
	switch {
	case errors.Is(err, engine.ErrCannotResolve):
		return http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrInstanceBusy):
		return http.StatusConflict
	}
	return http.StatusInternalServerError
}
