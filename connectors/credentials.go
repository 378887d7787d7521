package connectors

import (
	"os"
	"strings"

	"github.com/specsync/specsync/specs"
)

// credentials resolves credential references to secrets and registers each
// secret it returns with the redactor.
type credentials struct {
	named     map[string]specs.Credential
	lookupEnv func(string) (string, bool)
	readFile  func(string) ([]byte, error)
	redact    *redactor
}

func newCredentials(cfg Config, r *redactor) *credentials {
	c := &credentials{named: cfg.Credentials, lookupEnv: cfg.LookupEnv, readFile: cfg.ReadFile, redact: r}
	if c.lookupEnv == nil {
		c.lookupEnv = os.LookupEnv
	}
	if c.readFile == nil {
		c.readFile = os.ReadFile
	}
	return c
}

// resolve returns the secret a reference points at. A named credential is
// looked up in the instance's map and must itself be an env or file
// reference. Errors describe the reference, never the secret.
func (c *credentials) resolve(ref specs.Credential) (string, error) {
	if ref.Credential != "" {
		named, ok := c.named[ref.Credential]
		if !ok {
			return "", &CredentialError{Ref: ref.String(), Reason: "the instance supplies no credential of this name; add it to the instance's credentials"}
		}
		if named.Credential != "" || named.IsZero() {
			return "", &CredentialError{Ref: ref.String(), Reason: "the instance's credential must be an env or file reference"}
		}
		ref = named
	}
	secret, err := c.read(ref)
	if err != nil {
		return "", err
	}
	c.redact.add(secret)
	return secret, nil
}

func (c *credentials) read(ref specs.Credential) (string, error) {
	switch {
	case ref.Env != "" && ref.File != "":
		return "", &CredentialError{Ref: ref.String(), Reason: "set env or file, not both"}
	case ref.Env != "":
		v, ok := c.lookupEnv(ref.Env)
		if !ok || v == "" {
			return "", &CredentialError{Ref: ref.String(), Reason: "the environment variable is not set or empty"}
		}
		return v, nil
	case ref.File != "":
		b, err := c.readFile(ref.File)
		if err != nil {
			return "", &CredentialError{Ref: ref.String(), Reason: "the file cannot be read", Err: err}
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return "", &CredentialError{Ref: ref.String(), Reason: "the file is empty"}
		}
		return v, nil
	}
	return "", &CredentialError{Ref: ref.String(), Reason: "no reference is set; give env, file or credential"}
}
