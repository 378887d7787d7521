package connectors

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"strings"

	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/specs"
)

// limitKey returns the Redis key, in ns, of the client's shared rate
// limit: the partner account's, unless the spec scopes the limit to the
// instance.
func (c *Client) limitKey(ns keys.Namespace) (string, error) {
	if c.spec.Sync.RateLimit.Scope == specs.ScopeInstance {
		return ns.RateLimit(c.cfg.Instance, c.system), nil
	}
	account, err := c.account()
	if err != nil {
		return "", err
	}
	return ns.AccountRateLimit(c.system, account), nil
}

// account identifies the partner account the client calls: a truncated
// SHA-256, in hex, of the system, the server the requests go to, the auth
// method and its credential references, each named credential replaced by
// the env or file reference the instance gives for it. Two instances with
// the same references at the same server share the account. No secret is
// read: a reference names where a secret is, and the server is taken
// without user info, query or fragment.
func (c *Client) account() (string, error) {
	h := sha256.New()
	hashField(h, c.system)
	hashField(h, serverOf(c.out.base))
	if a := c.spec.Sync.Auth; a != nil {
		hashField(h, a.Type)
	}
	refs, err := c.authReferences()
	if err != nil {
		return "", err
	}
	for _, ref := range refs {
		hashField(h, ref.String())
	}
	return hex.EncodeToString(h.Sum(nil)[:16]), nil
}

// authReferences lists the credential references of the auth method's
// config, resolved to env or file references where the instance gives
// them. A named credential the instance lacks stays as it is: building
// the auth method reports it.
func (c *Client) authReferences() ([]specs.Credential, error) {
	a := c.spec.Sync.Auth
	if a == nil {
		return nil, nil
	}
	cfg, err := c.cfg.Auth.Config(a)
	if err != nil {
		return nil, fmt.Errorf("auth: %w", err)
	}
	var refs []specs.Credential
	for _, ref := range specs.References(cfg) {
		if resolved, err := c.creds.Reference(ref); err == nil {
			ref = resolved
		}
		refs = append(refs, ref)
	}
	return refs, nil
}

// hashField writes s to h, length first, so that no two lists of fields
// write the same bytes.
func hashField(h hash.Hash, s string) {
	fmt.Fprintf(h, "%d:%s;", len(s), s)
}

// serverOf is u without user info, query and fragment, and without a
// trailing slash.
func serverOf(u *url.URL) string {
	s := url.URL{Scheme: u.Scheme, Host: strings.ToLower(u.Host), Path: u.Path}
	return strings.TrimSuffix(s.String(), "/")
}
