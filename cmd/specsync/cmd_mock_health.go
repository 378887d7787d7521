package main

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/examples/standins"
)

// mockHealthPath answers a stand-in's health, ahead of the spec's paths.
const mockHealthPath = "/healthz"

// mockHealth is the answer of GET /healthz: the stand-in's counts.
type mockHealth struct {
	Status   string           `json:"status"`
	Requests int64            `json:"requests"`
	Creates  int64            `json:"creates"`
	Updates  int64            `json:"updates"`
	Deletes  int64            `json:"deletes"`
	ByOp     map[string]int64 `json:"byOperation"`
}

// withMockHealth answers GET /healthz with srv's counts and passes every
// other request to srv.
func withMockHealth(srv *mock.Server) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != mockHealthPath {
			srv.ServeHTTP(w, r)
			return
		}
		st := srv.Stats()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(mockHealth{Status: "ok", Requests: st.Requests, Creates: st.Creates, Updates: st.Updates,
			Deletes: st.Deletes, ByOp: st.ByOperation}) // a client gone away is not the stand-in's failure
	})
}

// seedDemoData seeds the example ERP's stand-in with the demo's records.
func seedDemoData(srv *mock.Server, system string) error {
	if system != "erp" {
		return fmt.Errorf("--seed-demo: only the example ERP (x-sync system erp) has demo records; this spec's system is %q (use --seed FILE)", system)
	}
	for entity, records := range standins.ERPData() {
		if err := srv.Seed(entity, records); err != nil {
			return fmt.Errorf("--seed-demo: %s: %w", entity, err)
		}
	}
	return nil
}
