package notify

import (
	"context"
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// testTLS is a server and a client TLS configuration for 127.0.0.1
// that trust each other, taken from httptest's certificate.
func testTLS(t *testing.T) (server, client *tls.Config) {
	t.Helper()
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	roots := srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs
	return &tls.Config{Certificates: srv.TLS.Certificates}, &tls.Config{RootCAs: roots}
}

// sendTestMail notifies organisation acme, whose mail goes out as e,
// about a partial run.
func sendTestMail(t *testing.T, n *Notifier) error {
	t.Helper()
	inst := &instance.Instance{ID: "erp-partner", Organisation: "acme"}
	rec := queue.RunRecord{ID: "q-1", Instance: "erp-partner", Organisation: "acme", Outcome: queue.RunPartial, Failed: 2}
	return n.Notify(context.Background(), inst, rec)
}

// headerBlock is the header of a mail's data, lines unfolded.
func headerBlock(data string) string {
	head, _, _ := strings.Cut(data, "\r\n\r\n")
	return strings.ReplaceAll(head, "\r\n ", " ")
}

func TestMailCarriesDateMessageIDAndMIMEHeaders(t *testing.T) {
	addr, mails := smtpSink(t, nil)
	n := New(Config{Organisations: map[string]Org{"acme": {
		Email: &Email{Server: addr, From: "specsync@example.org", To: []string{"ops@example.org", "oncall@example.org"}},
	}}}, nil)
	if err := sendTestMail(t, n); err != nil {
		t.Fatal(err)
	}
	head := headerBlock(<-mails)
	for _, want := range []string{"\r\nDate: ", "\r\nMessage-ID: <", "\r\nMIME-Version: 1.0", "\r\nContent-Type: text/plain; charset=UTF-8",
		"\r\nContent-Transfer-Encoding: ", "\r\nSubject: specsync: partial run of erp-partner", "\r\nFrom: <specsync@example.org>",
		"\r\nTo: <ops@example.org>, <oncall@example.org>"} {
		if !strings.Contains("\r\n"+head, want) {
			t.Errorf("mail header lacks %q:\n%s", strings.TrimSpace(want), head)
		}
	}
}

func TestMailOverImplicitTLS(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	addr, mails := smtpSink(t, serverTLS)
	n := New(Config{Organisations: map[string]Org{"acme": {
		Email: &Email{Server: addr, TLS: "implicit", From: "specsync@example.org", To: []string{"ops@example.org"}},
	}}}, nil)
	n.tlsConfig = clientTLS
	if err := sendTestMail(t, n); err != nil {
		t.Fatal(err)
	}
	if head := headerBlock(<-mails); !strings.Contains(head, "Subject: specsync: partial run of erp-partner") {
		t.Errorf("mail over TLS without its subject:\n%s", head)
	}
}

func TestMailStartTLSRefusesAServerWithoutIt(t *testing.T) {
	addr, _ := smtpSink(t, nil)
	n := New(Config{Organisations: map[string]Org{"acme": {
		Email: &Email{Server: addr, TLS: "starttls", From: "specsync@example.org", To: []string{"ops@example.org"}},
	}}}, nil)
	if err := sendTestMail(t, n); err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Errorf("mail sent to a server without STARTTLS: %v", err)
	}
}

func TestReadNotifyConfigChecksEmail(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"tls":     "organisations:\n  acme:\n    email: {server: 'smtp.example.org:465', from: a@example.org, to: [b@example.org], tls: ssl}\n",
		"server":  "organisations:\n  acme:\n    email: {server: smtp.example.org, from: a@example.org, to: [b@example.org]}\n",
		"timeout": "organisations:\n  acme:\n    email: {server: 'smtp.example.org:465', from: a@example.org, to: [b@example.org], timeout: 30}\n",
	} {
		path := filepath.Join(dir, name+".yaml")
		os.WriteFile(path, []byte(body), 0o600)
		if _, err := ReadConfig(path); err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("config with a bad %s: %v, want an error naming it", name, err)
		}
	}
}
