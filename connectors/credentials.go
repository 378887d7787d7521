package connectors

import (
	"os"
	"strings"

	"github.com/specsync/specsync/specs"
)

// Credentials resolves credential references to secrets: the one resolver
// of the module, used by clients for auth, by webhooks for signature
// secrets and by notifications for their URLs and passwords. The zero
// value reads the process's environment and files. Resolve is safe for
// concurrent use once the fields are set.
type Credentials struct {
	// Named are the credentials an instance supplies by name, each an env
	// or file reference. Nil means none: a named reference fails.
	Named map[string]specs.Credential
	// LookupEnv reads environment variables. Nil means os.LookupEnv.
	LookupEnv func(name string) (string, bool)
	// ReadFile reads secret files. Nil means os.ReadFile.
	ReadFile func(name string) ([]byte, error)

	redact *redactor // registers each secret returned; nil means none
}

// Resolve returns the secret a reference points at: the environment
// variable's value, or the file's content without its trailing line
// break. A named credential is looked up in Named and must itself be an
// env or file reference. Errors are *CredentialError values that describe
// the reference, never the secret.
func (c *Credentials) Resolve(ref specs.Credential) (string, error) {
	ref, err := c.Reference(ref)
	if err != nil {
		return "", err
	}
	secret, err := c.read(ref)
	if err != nil {
		return "", err
	}
	if c.redact != nil {
		c.redact.add(secret)
	}
	return secret, nil
}

// Reference returns the env or file reference ref stands for: ref itself,
// or the instance's credential it names, looked up in Named. It reads no
// secret.
func (c *Credentials) Reference(ref specs.Credential) (specs.Credential, error) {
	if ref.Credential == "" {
		return ref, nil
	}
	named, ok := c.Named[ref.Credential]
	if !ok {
		return ref, &CredentialError{Ref: ref.String(), Reason: "the instance supplies no credential of this name; add it to the instance's credentials"}
	}
	if named.Credential != "" || named.IsZero() {
		return ref, &CredentialError{Ref: ref.String(), Reason: "the instance's credential must be an env or file reference"}
	}
	return named, nil
}

func (c *Credentials) read(ref specs.Credential) (string, error) {
	switch {
	case ref.Env != "" && ref.File != "":
		return "", &CredentialError{Ref: ref.String(), Reason: "set env or file, not both"}
	case ref.Env != "":
		lookup := c.LookupEnv
		if lookup == nil {
			lookup = os.LookupEnv
		}
		v, ok := lookup(ref.Env)
		if !ok || v == "" {
			return "", &CredentialError{Ref: ref.String(), Reason: "the environment variable is not set or empty"}
		}
		return v, nil
	case ref.File != "":
		return c.readFile(ref)
	}
	return "", &CredentialError{Ref: ref.String(), Reason: "no reference is set; give env, file or credential"}
}

func (c *Credentials) readFile(ref specs.Credential) (string, error) {
	read := c.ReadFile
	if read == nil {
		read = os.ReadFile
	}
	b, err := read(ref.File)
	if err != nil {
		return "", &CredentialError{Ref: ref.String(), Reason: "the file cannot be read", Err: err}
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", &CredentialError{Ref: ref.String(), Reason: "the file is empty"}
	}
	return v, nil
}
