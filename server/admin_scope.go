package server

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/specsync/specsync/engine/instance"
)

// visibleInstance returns the instance id when r's principal sees its
// organisation; nil, as for an instance that does not exist, when there
// is none or the principal may not see it, so that an answer never tells
// one organisation of another's instances.
func (s *Server) visibleInstance(r *http.Request, id string) (*instance.Instance, error) {
	inst, err := s.store.Get(r.Context(), id)
	if errors.Is(err, instance.ErrNotFound) || (err == nil && !sees(r, inst.Organisation)) {
		return nil, nil
	}
	return inst, err
}

// visibleInstances lists the instances f selects that r's principal sees.
func (s *Server) visibleInstances(r *http.Request, f instance.ListFilter) ([]*instance.Instance, error) {
	p, ok := principalOf(r)
	if !ok {
		return nil, nil
	}
	if p.Organisation != "" {
		if f.Organisation != "" && f.Organisation != p.Organisation {
			return nil, nil
		}
		f.Organisation = p.Organisation
	}
	return s.store.List(r.Context(), f)
}

// sees reports whether r's principal sees the instances of org; a request
// without a principal sees none.
func sees(r *http.Request, org string) bool {
	p, ok := principalOf(r)
	return ok && p.Sees(org)
}

// mayApply answers 0 when r's principal may apply inst, else the status
// and message of the refusal: an admin of one organisation applies
// instances of its own only, and never over an id another organisation
// holds. Ids are unique across organisations, so that refusal tells that
// the id is taken, and nothing more. The error is Redis's.
func (s *Server) mayApply(r *http.Request, inst *instance.Instance) (int, string, error) {
	if !sees(r, inst.Organisation) {
		return http.StatusForbidden, fmt.Sprintf("/organisation: you may apply instances of your own organisation only, not of %q", inst.Organisation), nil
	}
	old, err := s.store.Get(r.Context(), inst.ID)
	if errors.Is(err, instance.ErrNotFound) {
		return 0, "", nil
	}
	if err != nil {
		return 0, "", err
	}
	if !sees(r, old.Organisation) {
		return http.StatusConflict, fmt.Sprintf("/id: the id %q is taken; choose another", inst.ID), nil
	}
	return 0, "", nil
}

// allOrganisationsAdmin refuses a request whose principal is not an admin
// of every organisation: the queue monitor shows every organisation's
// tasks.
func (s *Server) allOrganisationsAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, ok := principalOf(r); ok && p.May(RoleAdmin) && p.Organisation == "" {
			next.ServeHTTP(w, r)
			return
		}
		writeError(w, http.StatusForbidden, "the queue monitor shows every organisation's tasks: it takes an admin of every organisation")
	})
}
