package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/spf13/cobra"
)

// defaultHealthURL is what healthcheck asks without an argument: the
// readiness of serve on its default port.
const defaultHealthURL = "http://127.0.0.1:8080/readyz"

func newHealthcheckCmd() *cobra.Command {
	timeout := 5 * time.Second
	cmd := &cobra.Command{
		Use:   "healthcheck [URL]",
		Short: "Ask serve's /readyz or /healthz, or a mock's /healthz; exit 0 when healthy",
		Long: `healthcheck sends GET URL (default ` + defaultHealthURL + `) and exits 0
when the answer is 2xx, 1 otherwise (no answer, a timeout, another status),
saying why on standard error. It needs no shell or curl, so a container
healthcheck can run it:

  test: ["CMD", "specsync", "healthcheck", "http://127.0.0.1:8080/readyz"]

serve answers /healthz while its process runs and /readyz while Redis
answers too; specsync mock answers /healthz.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			target := defaultHealthURL
			if len(args) == 1 {
				target = args[0]
			}
			u, err := url.Parse(target)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				return &exitError{code: 2, err: fmt.Errorf("healthcheck %q: want an http:// or https:// URL such as %s", target, defaultHealthURL)}
			}
			if err := checkHealth(cmd.Context(), u.String(), timeout); err != nil {
				return &exitError{code: 1, err: err}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: healthy\n", u.Redacted())
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", timeout, "how long to wait for the answer")
	return cmd
}

// checkHealth asks target once and returns why it is not healthy.
func checkHealth(ctx context.Context, target string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("healthcheck: %s answered %s", req.URL.Redacted(), resp.Status)
	}
	return nil
}
