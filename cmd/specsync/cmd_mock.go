package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/specsync/specsync/connectors/mock"
)

func newMockCmd() *cobra.Command {
	var addr, seed string
	var seedDemo bool
	var opts mock.Options
	cmd := &cobra.Command{
		Use:   "mock SPEC",
		Short: "Serve an in-memory stand-in of a spec's API, with optional faults",
		Long: `mock serves every entity's declared operations from an in-memory store:
list with the spec's own pagination, get, create, update, upsert by key and
delete. Requests are validated against the spec. Faults are injected by flags.

--seed takes a JSON object of entity name -> array of API objects;
--seed-demo seeds the example ERP (examples/realestate/erp.json) with the
records specsync demo starts from.

GET /healthz answers 200 with the stand-in's request and write counts (a
container healthcheck: specsync healthcheck http://127.0.0.1:PORT/healthz).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			spec, err := loadSpec(cmd.ErrOrStderr(), args[0], loadOptions())
			if err != nil {
				return err
			}
			opts.Logger = slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			srv, err := mock.New(spec, opts)
			if err != nil {
				return err
			}
			if seed != "" {
				if err := seedMock(srv, seed); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			if seedDemo {
				if err := seedDemoData(srv, spec.Sync.System); err != nil {
					return &exitError{code: 2, err: err}
				}
			}
			return serveMock(cmd, withMockHealth(srv), addr)
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", "127.0.0.1:8080", "listen address")
	f.StringVar(&seed, "seed", "", "JSON file with records to start with: {\"entity\": [...]}")
	f.BoolVar(&seedDemo, "seed-demo", false, "start with the demo's records (the example ERP only)")
	f.Float64Var(&opts.ErrorRate, "error-rate", 0, "share of requests answered with 500 (0..1)")
	f.Float64Var(&opts.RateLimit, "rate-limit", 0, "requests per second before 429 with Retry-After (0 = unlimited)")
	f.DurationVar(&opts.Latency, "latency", 0, "latency added to every request")
	f.Float64Var(&opts.LatencySpikeRate, "spike-rate", 0, "share of requests delayed by --spike")
	f.DurationVar(&opts.LatencySpike, "spike", 0, "extra latency of a spike")
	f.Float64Var(&opts.ResetRate, "reset-rate", 0, "share of connections reset without a response (0..1)")
	f.Float64Var(&opts.TruncateRate, "truncate-rate", 0, "share of list pages cut short (0..1)")
	f.Int64Var(&opts.Seed, "fault-seed", 1, "random seed of the fault injection")
	return cmd
}

func seedMock(srv *mock.Server, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var seed map[string][]map[string]any
	if err := dec.Decode(&seed); err != nil {
		return fmt.Errorf("%s: want a JSON object of entity -> array of records: %w", path, err)
	}
	for entity, records := range seed {
		if err := srv.Seed(entity, records); err != nil {
			return fmt.Errorf("%s: %s: %w", path, entity, err)
		}
	}
	return nil
}

func serveMock(cmd *cobra.Command, h http.Handler, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(cmd.OutOrStdout(), "mock serving on http://%s (Ctrl-C to stop)\n", ln.Addr())
	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(shutdown)
	}()
	if err := hs.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
