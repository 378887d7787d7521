package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/specs"
)

// Config says whom to tell, per organisation, when a run fails or
// leaves failed records. It is read from a JSON or YAML file.
type Config struct {
	// Schema names the JSON Schema an editor checks the file against;
	// it is read and ignored.
	Schema string `json:"$schema,omitempty"`
	// Organisations maps an organisation to its operators' channels.
	Organisations map[string]Org `json:"organisations" doc:"Per organisation (as instances name it), its operators' channels."`
}

// Org are the channels of one organisation; either may be nil.
type Org struct {
	// Webhook is the URL, by reference (it is a secret for Slack and
	// Teams), that receives {"text": ...} as JSON.
	Webhook *specs.Credential `json:"webhook,omitempty" doc:"The chat webhook URL by reference ({env: NAME} or {file: PATH}); it receives {\"text\": ...} as JSON."`
	// Email sends a plain-text mail over SMTP.
	Email *Email `json:"email,omitempty" doc:"A plain-text mail over SMTP."`
}

// Notifier sends the notifications of a Config. A channel that
// fails does not stop the others; the run never fails because of them.
// It is safe for concurrent use.
type Notifier struct {
	cfg    Config
	client *http.Client
	creds  *connectors.Credentials
	// tlsConfig, when set, is the base of the mail client's TLS
	// configuration (tests trust their own server with it).
	tlsConfig *tls.Config
}

var _ queue.Notifier = (*Notifier)(nil)

// New returns a notifier for cfg. Nil lookup means os.LookupEnv.
func New(cfg Config, lookup func(string) (string, bool)) *Notifier {
	return &Notifier{cfg: cfg, client: &http.Client{Timeout: 10 * time.Second}, creds: &connectors.Credentials{LookupEnv: lookup}}
}

// ReadConfig reads a Config from a JSON or YAML file,
// refusing unknown keys.
func ReadConfig(path string) (Config, error) {
	var cfg Config
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, fmt.Errorf("notify config: %w", err)
	}
	var tree any
	if err := yaml.Unmarshal(data, &tree); err != nil {
		return cfg, fmt.Errorf("notify config %s: %w", path, err)
	}
	js, err := json.Marshal(tree)
	if err != nil {
		return cfg, fmt.Errorf("notify config %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(js))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return cfg, fmt.Errorf("notify config %s: %w (keys: organisations.<org>.webhook {env|file}, .email {server, from, to, tls, timeout, username, password})", path, err)
	}
	for name, org := range cfg.Organisations {
		if org.Email == nil {
			continue
		}
		if err := org.Email.check(); err != nil {
			return cfg, fmt.Errorf("notify config %s: organisations.%s.email: %w", path, name, err)
		}
	}
	return cfg, nil
}

// Notify tells inst's organisation about rec on every channel it has.
func (n *Notifier) Notify(ctx context.Context, inst *instance.Instance, rec queue.RunRecord) error {
	org, ok := n.cfg.Organisations[inst.Organisation]
	if !ok {
		return nil
	}
	text := notifyText(rec)
	var errs []error
	if org.Webhook != nil {
		errs = append(errs, n.webhook(ctx, *org.Webhook, text))
	}
	if org.Email != nil {
		errs = append(errs, n.email(ctx, *org.Email, rec, text))
	}
	return errors.Join(errs...)
}

// notifyText is the message about rec.
func notifyText(rec queue.RunRecord) string {
	var b strings.Builder
	fmt.Fprintf(&b, "specsync: run %s of instance %s (organisation %s) ended %s with %d failed records.", rec.ID, rec.Instance, rec.Organisation, rec.Outcome, rec.Failed)
	if rec.Guarded > 0 {
		fmt.Fprintf(&b, " The delete guard held back %d deletes; nothing of them was deleted (see `specsync audit %s --outcome guarded`).", rec.Guarded, rec.Instance)
	}
	if rec.Drift > rec.Repaired {
		fmt.Fprintf(&b, " Reconciling found %d records that differ at the partner, %d of them repaired (see `specsync audit %s --outcome drift`).", rec.Drift, rec.Repaired, rec.Instance)
	}
	if rec.Error != "" {
		fmt.Fprintf(&b, " Error: %s", rec.Error)
	}
	for _, e := range rec.Entities {
		if e.Counts["failed"] > 0 {
			fmt.Fprintf(&b, "\n- %s %s: %d failed", e.Direction, e.Entity, e.Counts["failed"])
		}
		if e.Counts["guarded"] > 0 {
			fmt.Fprintf(&b, "\n- %s %s: %d deletes guarded", e.Direction, e.Entity, e.Counts["guarded"])
		}
		if d := e.Counts["drift"]; d > e.Counts["repaired"] {
			fmt.Fprintf(&b, "\n- %s %s: %d drifted, %d repaired", e.Direction, e.Entity, d, e.Counts["repaired"])
		}
	}
	return b.String()
}

// webhook posts {"text": text} to the referenced URL.
func (n *Notifier) webhook(ctx context.Context, ref specs.Credential, text string) error {
	url, err := n.creds.Resolve(ref)
	if err != nil {
		return fmt.Errorf("notify webhook: %w", err)
	}
	body, _ := json.Marshal(map[string]string{"text": text}) // a map of strings always encodes
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("notify webhook %s: bad URL", ref)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		return fmt.Errorf("notify webhook %s: request failed", ref)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return fmt.Errorf("notify webhook %s: answered %d", ref, resp.StatusCode)
	}
	return nil
}
