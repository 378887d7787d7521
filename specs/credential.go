package specs

// Credential is a reference to a secret: an environment variable, a file,
// or a named credential the instance supplies. Exactly one is set. A literal
// secret in a spec is refused (code literal-secret).
type Credential struct {
	Env        string `json:"env,omitempty" choice:"source" doc:"Environment variable holding the secret." example:"EVERREAL_CLIENT_SECRET"`
	File       string `json:"file,omitempty" choice:"source" doc:"File holding the secret (trailing newline dropped)."`
	Credential string `json:"credential,omitempty" choice:"source" doc:"Name of a credential the instance supplies." example:"client_secret"`
}

// IsZero reports whether no reference is set.
func (c Credential) IsZero() bool { return c.Env == "" && c.File == "" && c.Credential == "" }

// String describes the reference without revealing any secret.
func (c Credential) String() string {
	switch {
	case c.Env != "":
		return "env:" + c.Env
	case c.File != "":
		return "file:" + c.File
	case c.Credential != "":
		return "credential:" + c.Credential
	}
	return "none"
}
