package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/server"
	"github.com/specsync/specsync/specs"
)

// usersFile is the file `serve --users` reads: the accounts that use the
// console and the admin API, each with a role and an organisation.
type usersFile struct {
	Schema string      `json:"$schema,omitempty"`
	Users  []userEntry `json:"users"`
}

// userEntry is one account of a users file. It holds the hash of its
// secret (hash), or a reference to a token kept in the environment or a
// file (token), hashed when the file is read; never a secret.
type userEntry struct {
	Name         string            `json:"name"`
	Role         string            `json:"role"`
	Organisation string            `json:"organisation,omitempty"`
	Hash         string            `json:"hash,omitempty"`
	Token        *specs.Credential `json:"token,omitempty"`
}

// usersFileKeys lists the keys of a users file, for error messages.
const usersFileKeys = "users: [{name, role: viewer|operator|admin, organisation, hash | token: {env|file}}]"

// readUsersFile reads the accounts of a users file (JSON or YAML); creds
// resolves token references. Every wrong account is reported.
func readUsersFile(path string, creds *connectors.Credentials) (*server.Accounts, error) {
	var f usersFile
	if err := decodeStrict(path, &f); err != nil {
		return nil, fmt.Errorf("users file %s: %w (keys: %s)", path, err, usersFileKeys)
	}
	list := make([]server.Account, 0, len(f.Users))
	var errs []error
	for i, u := range f.Users {
		acc, err := u.account(creds)
		if err != nil {
			errs = append(errs, fmt.Errorf("users[%d] (%s): %w", i, u.Name, err))
		}
		list = append(list, acc)
	}
	if len(errs) == 0 && len(list) == 0 {
		errs = append(errs, errors.New("no users: list them under users"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("users file %s: %w", path, errors.Join(errs...))
	}
	accounts, err := server.NewAccounts(list)
	if err != nil {
		return nil, fmt.Errorf("users file %s: %w", path, err)
	}
	return accounts, nil
}

// account turns u into an Account, resolving and hashing its token.
func (u userEntry) account(creds *connectors.Credentials) (server.Account, error) {
	role, err := server.ParseRole(u.Role)
	if err != nil {
		return server.Account{}, err
	}
	acc := server.Account{Name: u.Name, Role: role, Organisation: u.Organisation, Hash: u.Hash}
	switch {
	case u.Token != nil && u.Hash != "":
		return acc, errors.New("give hash or token, not both")
	case u.Token == nil:
		return acc, nil // NewAccounts checks the hash
	}
	secret, err := creds.Resolve(*u.Token)
	if err != nil {
		return acc, fmt.Errorf("token: %w", err)
	}
	if acc.Hash, err = server.HashToken(secret); err != nil {
		return acc, fmt.Errorf("token %s: %w", u.Token, err)
	}
	return acc, nil
}

// decodeStrict decodes the JSON or YAML file at path into v, refusing
// unknown keys.
func decodeStrict(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return err
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
