package server

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

var nextPage = regexp.MustCompile(`id="audit-next" href="([^"]+)"`)

func TestConsoleAuditSearchFiltersAndPages(t *testing.T) {
	ts := newTestServer(t)
	ts.apply(t, "erp-partner")
	var entries []store.Entry
	for i := range 5 {
		out := store.OutcomeOK
		if i%2 == 0 {
			out = store.OutcomeFailed
		}
		entries = append(entries, store.Entry{Instance: "erp-partner", RunID: "r1", Direction: instance.Push, Entity: "tenant",
			Key: fmt.Sprintf("K-%d", i), Action: instance.Update, Outcome: out})
	}
	if err := store.NewAudit(ts.cfg.Redis, ts.cfg.Keys, store.AuditConfig{}).Write(context.Background(), entries...); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, ts)
	b.sessionAs(ts, Principal{Name: "vera", Role: RoleViewer})
	// Failed only, two a page: K-4 K-2, then K-0.
	var seen []string
	path := "/instances/erp-partner?failed=true&limit=2"
	for range 3 {
		resp, page := b.get(path)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", path, resp.StatusCode)
		}
		seen = append(seen, strings.Join(regexp.MustCompile(`<td>(K-\d)</td>`).FindAllString(page, -1), ""))
		m := nextPage.FindStringSubmatch(page)
		if m == nil {
			break
		}
		path = html.UnescapeString(m[1])
	}
	if got, want := strings.Join(seen, "|"), "<td>K-4</td><td>K-2</td>|<td>K-0</td>"; got != want {
		t.Errorf("pages of failed entries %q, want %q", got, want)
	}
	if _, page := b.get("/instances/erp-partner?direction=north"); !strings.Contains(page, "direction must be push or pull") {
		t.Error("a bad direction is not explained on the page")
	}
	if _, page := b.get("/instances/erp-partner?since=yesterday"); !strings.Contains(page, "neither a time") {
		t.Error("a bad since is not explained on the page")
	}
}
