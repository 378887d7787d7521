package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/server"
)

func newUsersCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "users",
		Short: "Make tokens and hashes for the users file of serve --users, and check it",
		Long: `A users file lists who may use the console and the admin API, each with a
role (viewer, operator, admin) and an organisation, and keeps only the hash
of each secret. These commands make the hashes, so that no secret is ever
written to the file.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newUsersHashCmd(), newUsersTokenCmd(), newUsersCheckCmd())
	return cmd
}

func newUsersHashCmd() *cobra.Command {
	var token bool
	cmd := &cobra.Command{
		Use:   "hash",
		Short: "Print the hash of a password (or, with --token, a token) read from stdin",
		Long: `hash reads one secret, the first line of stdin, and prints the hash the
users file keeps of it: a bcrypt hash of a password (for signing in), or with
--token the SHA-256 hash of a token of at least 32 characters (for bearer
tokens and signing in). For example:

  read -rs PASSWORD && printf '%s' "$PASSWORD" | specsync users hash`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			secret, err := readSecret(cmd.InOrStdin())
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			hash := server.HashPassword
			if token {
				hash = server.HashToken
			}
			h, err := hash(secret)
			if err != nil {
				return &exitError{code: 2, err: err}
			}
			fmt.Fprintln(cmd.OutOrStdout(), h)
			return nil
		},
	}
	cmd.Flags().BoolVar(&token, "token", false, "hash a token (SHA-256) instead of a password (bcrypt)")
	return cmd
}

// readSecret returns the first line of r, without its line break.
func readSecret(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read the secret from stdin: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no secret on stdin: pipe the password or token into this command")
	}
	return line, nil
}

func newUsersTokenCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "token",
		Short: "Print a new random token and the hash the users file keeps of it",
		Long: `token prints a new random token (256 bits) on the first line and its hash
on the second: give the token to the program that calls the admin API, and
put the hash in the users file.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tok, err := server.NewToken()
			if err != nil {
				return err
			}
			h, err := server.HashToken(tok)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "token: %s\nhash:  %s\n", tok, h)
			return nil
		},
	}
}

func newUsersCheckCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "check FILE",
		Short: "Check a users file and list its accounts (names, roles, organisations)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			accounts, err := readUsersFile(args[0], &connectors.Credentials{})
			if err != nil {
				return &exitError{code: 1, err: err}
			}
			for _, a := range accounts.List() {
				org := a.Organisation
				if org == "" {
					org = "(every organisation)"
				}
				fmt.Fprintf(cmd.OutOrStdout(), "%s\t%s\t%s\n", a.Name, a.Role, org)
			}
			return nil
		},
	}
}
