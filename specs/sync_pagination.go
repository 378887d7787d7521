package specs

import "encoding/json"

// Pagination selects the paging style named by Type, plus the stop rules
// and guards shared by all styles. Its other keys configure the style: Load
// keeps them as JSON, and a Plugins registry checks them against the
// style's config struct (see Plugin). Parameters name a query parameter of
// the list operation or, for GraphQL, a dotted variable path
// ("input.paging.skip"). Response paths are dotted paths into the body.
type Pagination struct {
	// Type names the paging style ("page", "cursor").
	Type string `json:"type" doc:"The paging style." example:"page"`
	// Stop adds stop rules to the style's own.
	Stop *StopRules `json:"stop,omitempty" doc:"When a listing is complete."`
	// MaxPages stops a listing with an error after this many pages. Zero
	// means 100000.
	MaxPages int `json:"maxPages,omitempty" default:"100000" doc:"Guard: a listing longer than this fails."`
	// Config holds the style's keys, all but the shared ones, as a JSON
	// object.
	Config json.RawMessage `json:"-"`
	// Settings is Config decoded into the style's config struct (a
	// pointer): set by Load when it has a Plugins registry, and by
	// NewPagination. Nil otherwise; clients then decode Config themselves.
	Settings any `json:"-"`
}

// NewPagination returns the Pagination of style typ configured by config,
// a pointer to the style's config struct. It is for specs built in Go.
func NewPagination(typ string, config any, stop *StopRules) *Pagination {
	return &Pagination{Type: typ, Config: ConfigJSON(config), Settings: config, Stop: stop}
}

// UnmarshalJSON reads the shared keys and keeps the other keys as Config.
func (p *Pagination) UnmarshalJSON(data []byte) error {
	rest, err := splitPluginJSON(data, map[string]any{"type": &p.Type, "stop": &p.Stop, "maxPages": &p.MaxPages})
	p.Config = rest
	return err
}

// MarshalJSON writes the shared keys beside the style's keys.
func (p Pagination) MarshalJSON() ([]byte, error) {
	shared := map[string]any{"type": p.Type}
	if p.Stop != nil {
		shared["stop"] = p.Stop
	}
	if p.MaxPages != 0 {
		shared["maxPages"] = p.MaxPages
	}
	return joinPluginJSON(p.Config, shared)
}

// StopRules end a listing. The style's natural end (no next link, no
// cursor) always applies; an empty page always ends it.
type StopRules struct {
	// Short ends the listing after a page with fewer records than the size.
	Short bool `json:"short,omitempty" doc:"A page shorter than the page size is the last."`
	// Total is the path of the total record count.
	Total string `json:"total,omitempty" doc:"Dotted path of the total record count; the listing ends when it is reached." example:"data.tenants.total"`
	// HasMore is the path of a boolean that is false on the last page.
	HasMore string `json:"hasMore,omitempty" doc:"Dotted path of a has-more flag." example:"meta.hasMore"`
}
