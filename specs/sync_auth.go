package specs

import "encoding/json"

// Auth selects the auth method named by Type. Its other keys configure the
// method: Load keeps them as JSON, and a Plugins registry checks them
// against the method's config struct (see Plugin).
type Auth struct {
	// Type names the auth method ("oauth2", "tokenLogin").
	Type string `json:"type" doc:"The auth method." example:"tokenLogin"`
	// Config holds the method's keys, all but type, as a JSON object.
	Config json.RawMessage `json:"-"`
	// Settings is Config decoded into the method's config struct (a
	// pointer): set by Load when it has a Plugins registry, and by NewAuth.
	// Nil otherwise; clients then decode Config themselves.
	Settings any `json:"-"`
}

// NewAuth returns the Auth of method typ configured by config, a pointer
// to the method's config struct. It is for specs built in Go.
func NewAuth(typ string, config any) *Auth {
	return &Auth{Type: typ, Config: ConfigJSON(config), Settings: config}
}

// UnmarshalJSON reads type and keeps the other keys as Config.
func (a *Auth) UnmarshalJSON(data []byte) error {
	rest, err := splitPluginJSON(data, map[string]any{"type": &a.Type})
	a.Config = rest
	return err
}

// MarshalJSON writes type beside the method's keys.
func (a Auth) MarshalJSON() ([]byte, error) {
	return joinPluginJSON(a.Config, map[string]any{"type": a.Type})
}
