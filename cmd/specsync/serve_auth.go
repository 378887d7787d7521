package main

import (
	"errors"
	"os"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/server"
	"github.com/specsync/specsync/specs"
)

// serveAuth is who may use the console and the admin API of serve.
type serveAuth struct {
	adminToken string
	accounts   *server.Accounts
}

// loadAuth reads the admin token, from SPECSYNC_ADMIN_TOKEN or the file
// SPECSYNC_ADMIN_TOKEN_FILE names, and the users file at path (none when
// empty); creds resolves the references.
func loadAuth(usersPath string, creds *connectors.Credentials) (serveAuth, error) {
	var a serveAuth
	env, file := os.Getenv("SPECSYNC_ADMIN_TOKEN"), os.Getenv("SPECSYNC_ADMIN_TOKEN_FILE")
	switch {
	case env != "" && file != "":
		return a, errors.New("set SPECSYNC_ADMIN_TOKEN or SPECSYNC_ADMIN_TOKEN_FILE, not both")
	case env != "":
		a.adminToken = env
	case file != "":
		tok, err := creds.Resolve(specs.Credential{File: file})
		if err != nil {
			return a, err
		}
		a.adminToken = tok
	}
	if usersPath == "" {
		return a, nil
	}
	var err error
	a.accounts, err = readUsersFile(usersPath, creds)
	return a, err
}
