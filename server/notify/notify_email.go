package notify

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/specs"
)

// Email is an SMTP server and the addresses of a mail.
type Email struct {
	// Server is host:port of the SMTP server. Required.
	Server string `json:"server" doc:"host:port of the SMTP server." example:"smtp.example.org:587"`
	// From is the sender's address. Required.
	From string `json:"from" doc:"The sender's address." example:"specsync@example.org"`
	// To are the recipients' addresses. Required.
	To []string `json:"to" doc:"The recipients' addresses."`
	// TLS says how the connection is secured: "opportunistic" (the
	// default, also when empty) upgrades with STARTTLS when the server
	// offers it; "starttls" refuses a server that does not; "implicit"
	// speaks TLS from the first byte (SMTPS, usually port 465).
	TLS string `json:"tls,omitempty" enum:"opportunistic,starttls,implicit" default:"opportunistic" doc:"How the connection is secured: opportunistic upgrades with STARTTLS when the server offers it; starttls refuses a server that does not; implicit speaks TLS from the first byte (SMTPS, usually port 465)."`
	// Timeout bounds connecting and each SMTP command; zero means 30s.
	Timeout specs.Duration `json:"timeout,omitzero" default:"30s" doc:"Bounds connecting and each SMTP command (a Go duration)."`
	// Username and Password log in (PLAIN; needs TLS unless the server is
	// on loopback). Empty Username sends without logging in.
	Username string           `json:"username,omitempty" doc:"Logs in with PLAIN (needs TLS unless the server is on loopback); empty sends without logging in."`
	Password specs.Credential `json:"password,omitzero" doc:"The password, by reference: {env: NAME} or {file: PATH}."`
}

// defaultMailTimeout is Email.Timeout's zero value.
const defaultMailTimeout = 30 * time.Second

// check refuses an Email the client could not use.
func (e Email) check() error {
	if _, _, err := net.SplitHostPort(e.Server); err != nil {
		return fmt.Errorf("server %q must be host:port, as in smtp.example.org:587", e.Server)
	}
	if e.From == "" || len(e.To) == 0 {
		return fmt.Errorf("from and to are required")
	}
	switch e.TLS {
	case "", "opportunistic", "starttls", "implicit":
		return nil
	}
	return fmt.Errorf("tls %q is not one of opportunistic, starttls, implicit", e.TLS)
}

// email sends text as a plain-text mail with Date, Message-ID and MIME
// headers.
func (n *Notifier) email(ctx context.Context, e Email, rec queue.RunRecord, text string) error {
	msg, err := mailMessage(e, rec, text)
	if err != nil {
		return fmt.Errorf("notify e-mail: %w", err)
	}
	client, err := n.mailClient(e)
	if err != nil {
		return fmt.Errorf("notify e-mail via %s: %w", e.Server, err)
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("notify e-mail via %s: %w", e.Server, err)
	}
	return nil
}

// mailMessage builds the mail about rec.
func mailMessage(e Email, rec queue.RunRecord, text string) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(e.From); err != nil {
		return nil, fmt.Errorf("from %q: %w", e.From, err)
	}
	if err := msg.To(e.To...); err != nil {
		return nil, fmt.Errorf("to %q: %w", e.To, err)
	}
	msg.Subject(fmt.Sprintf("specsync: %s run of %s", rec.Outcome, rec.Instance))
	msg.SetDate()
	msg.SetMessageID()
	msg.SetBulk()
	msg.SetBodyString(mail.TypeTextPlain, text)
	return msg, nil
}

// mailClient is an SMTP client for e's server, TLS mode, timeout and
// login.
func (n *Notifier) mailClient(e Email) (*mail.Client, error) {
	host, portText, err := net.SplitHostPort(e.Server)
	if err != nil {
		return nil, fmt.Errorf("server must be host:port: %w", err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("server port %q is not a number", portText)
	}
	timeout := e.Timeout.Std()
	if timeout == 0 {
		timeout = defaultMailTimeout
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(timeout), mail.WithTLSPolicy(mail.TLSOpportunistic)}
	if n.tlsConfig != nil {
		cfg := n.tlsConfig.Clone()
		cfg.ServerName = host
		opts = append(opts, mail.WithTLSConfig(cfg))
	}
	switch e.TLS {
	case "starttls":
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
	case "implicit":
		opts = append(opts, mail.WithSSL())
	case "", "opportunistic":
	default:
		return nil, fmt.Errorf("tls %q is not one of opportunistic, starttls, implicit", e.TLS)
	}
	if e.Username != "" {
		pw, err := n.creds.Resolve(e.Password)
		if err != nil {
			return nil, fmt.Errorf("password: %w", err)
		}
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthPlain), mail.WithUsername(e.Username), mail.WithPassword(pw))
	}
	return mail.NewClient(host, opts...)
}
