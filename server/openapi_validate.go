package server

import (
	"context"
	_ "embed"
	"fmt"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// apiDocument is the OpenAPI document of the admin API.
//
//go:embed openapi.json
var apiDocument []byte

// apiValidator checks admin requests against apiDocument.
type apiValidator struct {
	router routers.Router
	roles  map[*openapi3.Operation]Role // the least role of each operation
}

// newAPIValidator loads and validates apiDocument.
func newAPIValidator() (*apiValidator, error) {
	doc, err := openapi3.NewLoader().LoadFromData(apiDocument)
	if err != nil {
		return nil, fmt.Errorf("server: admin API document: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("server: admin API document: %w", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("server: admin API routes: %w", err)
	}
	roles, err := operationRoles(doc)
	if err != nil {
		return nil, fmt.Errorf("server: admin API document: %w", err)
	}
	return &apiValidator{router: router, roles: roles}, nil
}

// operationRoles reads the least role of each operation from its x-role;
// an operation without one is an error, so that no route is left open by
// omission.
func operationRoles(doc *openapi3.T) (map[*openapi3.Operation]Role, error) {
	roles := map[*openapi3.Operation]Role{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			name, _ := op.Extensions["x-role"].(string)
			role, err := ParseRole(name)
			if err != nil {
				return nil, fmt.Errorf("%s %s: x-role: %w", method, path, err)
			}
			roles[op] = role
		}
	}
	return roles, nil
}

// validate answers 404 or 405 for a request the document does not
// describe, 403 for one its principal's role does not allow (the
// operation's x-role) and 400 for one it refuses, saying which parameter
// is wrong.
func (v *apiValidator) validate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		route, params, err := v.router.FindRoute(r)
		if err != nil {
			status := http.StatusNotFound
			if err == routers.ErrMethodNotAllowed {
				status = http.StatusMethodNotAllowed
			}
			writeError(w, status, fmt.Sprintf("%s %s is not part of the admin API; see /openapi.json", r.Method, r.URL.Path))
			return
		}
		if need := v.roles[route.Operation]; !mayDo(r, need) {
			writeError(w, http.StatusForbidden, fmt.Sprintf("%s takes the %s role; ask an admin for it", route.Operation.OperationID, need))
			return
		}
		in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route,
			Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, ExcludeRequestBody: true}}
		if err := openapi3filter.ValidateRequest(r.Context(), in); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// openapi serves the admin API's document.
func (s *Server) openapi(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(apiDocument) // the client went away; nothing left to tell it
}

// mayDo reports whether r's principal has at least role need; a request
// without a principal may do nothing.
func mayDo(r *http.Request, need Role) bool {
	p, ok := principalOf(r)
	return ok && need != 0 && p.May(need)
}
