package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/specsync/specsync/engine"
	"github.com/specsync/specsync/engine/store"
)

// eraseRequest is the body of an erase.
type eraseRequest struct {
	Entity string `json:"entity"`
	Key    string `json:"key"`
	// DryRun lists what would be erased; omitted means true, so that only
	// an explicit false erases.
	DryRun             *bool `json:"dryRun"`
	OverridePermission bool  `json:"overridePermission"`
}

// erase erases one person's record of the instance (engine.Erase), or on
// a dry run lists what it would erase.
func (s *Server) erase(w http.ResponseWriter, r *http.Request) {
	inst, ok := s.instance(w, r)
	if !ok {
		return
	}
	var req eraseRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "request body: "+err.Error())
		return
	}
	opts := engine.EraseOptions{Entity: req.Entity, Key: req.Key, DryRun: req.DryRun == nil || *req.DryRun, OverridePermission: req.OverridePermission}
	res, err := s.cfg.Engine.EraseApplied(r.Context(), s.store, inst, opts)
	if err != nil {
		writeError(w, eraseStatus(err), err.Error())
		if eraseStatus(err) == http.StatusInternalServerError {
			s.cfg.Logger.Error("erase failed", "instance", inst.ID, "err", err)
		}
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// eraseStatus is the answer's status for an erase's error.
func eraseStatus(err error) int {
	switch {
	case errors.Is(err, engine.ErrErasePermission):
		return http.StatusForbidden
	case errors.Is(err, engine.ErrCannotErase):
		return http.StatusUnprocessableEntity
	case errors.Is(err, store.ErrInstanceBusy):
		return http.StatusConflict
	case errors.Is(err, engine.ErrEraseRefused):
		return http.StatusBadGateway
	}
	return http.StatusInternalServerError
}
