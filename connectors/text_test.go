package connectors_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/internal/jsonvalue"
	"github.com/specsync/specsync/transforms"
)

// unclean stands for text that is not clean: each marker in a stored
// record becomes, on the wire, the bytes after it.
var unclean = strings.NewReplacer("BADUTF8", "\xff", "ESCNUL", `\u0000`)

// uncleanAPI is a tenants API whose answers carry the bytes the markers
// of unclean stand for; it returns the API and its base URL.
func uncleanAPI(t *testing.T) (*tenantsAPI, string) {
	a := newTenantsAPI(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		a.srv.Config.Handler.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write([]byte(unclean.Replace(rec.Body.String())))
	}))
	t.Cleanup(srv.Close)
	return a, srv.URL + "/api/v1"
}

func TestListReportsTextThatIsNotCleanByRecord(t *testing.T) {
	t.Parallel()
	a, base := uncleanAPI(t)
	a.add(map[string]any{"externalId": "L-1", "firstName": "Ada", "lastName": "Clean"})
	a.add(map[string]any{"externalId": "L-2", "firstName": "BoBADUTF8", "lastName": "ESCNULKing"})
	a.add(map[string]any{"externalId": "L-3", "firstName": "Cy", "lastName": "ESCNUL"})
	c := a.client(t, connectors.Config{BaseURL: base})
	var recs []map[string]any
	flaws := map[int][]jsonvalue.Flaw{}
	for page, err := range c.List(context.Background(), "tenant", connectors.ListOptions{}) {
		if err != nil {
			t.Fatal(err)
		}
		for i, f := range page.Flaws {
			flaws[len(recs)+i] = f
		}
		recs = append(recs, page.Records...)
	}
	want := map[int][]jsonvalue.Flaw{
		1: {{Pointer: "/firstName", Kind: jsonvalue.FlawUTF8}, {Pointer: "/lastName", Kind: jsonvalue.FlawNUL}},
		2: {{Pointer: "/lastName", Kind: jsonvalue.FlawNUL}},
	}
	if d := cmp.Diff(want, flaws); d != "" {
		t.Errorf("flaws (-want +got):\n%s", d)
	}
	if len(recs) != 3 || recs[1]["firstName"] != "Bo\ufffd" || recs[1]["lastName"] != "King" {
		t.Errorf("records %v; want the second repaired", recs)
	}
}

func TestReadsAndWritesRefuseTextThatIsNotClean(t *testing.T) {
	t.Parallel()
	a, base := uncleanAPI(t)
	id := a.add(map[string]any{"externalId": "L-1", "firstName": "AdaBADUTF8", "lastName": "Lovelace"})
	c := a.client(t, connectors.Config{BaseURL: base}) // InvalidText: fail
	ctx := context.Background()

	_, err := c.Get(ctx, "tenant", transforms.Vars{"id": id})
	checkTextError(t, "Get", err, `record "L-1": field "/firstName" has invalid UTF-8`)
	_, err = c.Lookup(ctx, "tenant", "L-1", nil)
	checkTextError(t, "Lookup", err, `record "L-1": field "/firstName" has invalid UTF-8`)
	body := map[string]any{"externalId": "L-2", "firstName": "ESCNUL", "lastName": "King"}
	_, err = c.Create(ctx, "tenant", connectors.Write{Key: "L-2", Body: body})
	checkTextError(t, "Create", err, `record "L-2": field "/firstName" has NUL`)
	// An answer read for its id alone is judged by the id alone.
	res, err := c.Create(ctx, "tenant", connectors.Write{Key: "L-3", Body: body, OnlyID: true})
	if err != nil || res.ID == "" {
		t.Errorf("Create for the id = %+v, %v; want the clean id", res, err)
	}
}

func TestReadsTakeTextRepairedWhenAsked(t *testing.T) {
	t.Parallel()
	a, base := uncleanAPI(t)
	id := a.add(map[string]any{"externalId": "L-1", "firstName": "AdaBADUTF8", "lastName": "Lovelace"})
	logs := &connectortest.Logs{}
	c := a.client(t, connectors.Config{BaseURL: base, InvalidText: connectors.TextReplace, Logger: logs.Logger()})
	got, err := c.Get(context.Background(), "tenant", transforms.Vars{"id": id})
	if err != nil || got["firstName"] != "Ada\ufffd" {
		t.Fatalf("Get = %v, %v; want the record repaired", got, err)
	}
	if !strings.Contains(logs.String(), `text that is not clean was repaired`) || !strings.Contains(logs.String(), `/firstName`) {
		t.Errorf("logs:\n%s\nwant a warning naming the field", logs.String())
	}
}

// checkTextError checks that err is a *connectors.TextError saying want.
func checkTextError(t *testing.T, what string, err error, want string) {
	t.Helper()
	var te *connectors.TextError
	if !errors.As(err, &te) || !strings.Contains(err.Error(), want) {
		t.Errorf("%s: %v; want a TextError saying %s", what, err, want)
	}
}
