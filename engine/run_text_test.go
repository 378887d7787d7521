package engine

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors/connectortest"
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
)

// dirtyText stands for the text a system sends that is not clean: each
// marker in a seeded record becomes, on the wire, the bytes after it.
var dirtyText = strings.NewReplacer(
	"BADUTF8", "\xff\xfe", // not UTF-8
	"RAWNUL", "\x00", // a raw NUL byte, which JSON does not allow
	"ESCNUL", `\u0000`, // an escaped NUL
	"LONE", `\ud83d`, // half a surrogate pair
)

// dirtyBuildings are home buildings: b1 clean, the others each with a
// field that is not clean text on the wire.
func dirtyBuildings() homeData {
	return homeData{buildings: []map[string]any{
		{"id": "b1", "name": "Clean", "city": "Berlin"},
		{"id": "b2", "name": "Bad BADUTF8 name", "city": "Berlin"},
		{"id": "b3", "name": "Raw", "city": "RAWNULBerlin"},
		{"id": "b4", "name": "ESCNULLONE", "city": "Berlin"},
	}}
}

// serveDirty puts a proxy in front of the home that turns the markers of
// dirtyText into the bytes they stand for, and points the instance at it.
func (h *harness) serveDirty() { h.serveEdited(dirtyText) }

// serveEdited puts a proxy in front of the home that edits its answers
// with edit, and points the instance at it.
func (h *harness) serveEdited(edit *strings.Replacer) {
	target, _ := url.Parse(h.homeURL)
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.ModifyResponse = func(res *http.Response) error {
		body, err := io.ReadAll(res.Body)
		res.Body.Close()
		if err != nil {
			return err
		}
		body = []byte(edit.Replace(string(body)))
		res.Body = io.NopCloser(bytes.NewReader(body))
		res.ContentLength = int64(len(body))
		res.Header.Set("Content-Length", strconv.Itoa(len(body)))
		return nil
	}
	dirty := httptest.NewServer(proxy)
	h.t.Cleanup(dirty.Close)
	h.inst.Home.BaseURL = dirty.URL
}

// logTo makes the engine log into buf.
func (h *harness) logTo(buf *connectortest.Logs) {
	h.t.Helper()
	eng, err := New(Config{Redis: h.rdb, Keys: h.ns, Clock: h.clock, Logger: slog.New(slog.NewTextHandler(buf, nil))})
	if err != nil {
		h.t.Fatal(err)
	}
	h.eng = eng
}

func TestRunFailsRecordsWithTextThatIsNotClean(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	h.seedHome(dirtyBuildings())
	h.serveDirty()
	h.reload() // invalidText left out: fail

	sum := h.run(RunOptions{Direction: instance.Push, Entity: "building"})
	e := sum.Entity(instance.Push, "building")
	if sum.Status() != StatusPartial || e.Created != 1 || e.Failed != 3 || e.TextRepaired != 0 {
		t.Fatalf("run: want b1 created and the three others failed\n%s", summaryText(sum))
	}
	if d := cmp.Diff([]string{"b1 name=Clean city=Berlin"}, h.actual()["building"]); d != "" {
		t.Errorf("partner buildings (-want +got):\n%s", d)
	}
	failures, err := h.eng.Ledger(h.inst).List(context.Background(), store.LedgerFilter{Entity: "building"})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, f := range failures {
		got[f.Key] = f.Reason.Code + ": " + f.Reason.Message
	}
	want := map[string][]string{
		"b2": {`record "b2"`, `field "/name" has invalid UTF-8`},
		"b3": {`record "b3"`, `field "/city" has NUL`},
		"b4": {`record "b4"`, `field "/name" has a lone surrogate escape and NUL`},
	}
	if len(got) != len(want) {
		t.Errorf("ledger: %v; want b2, b3 and b4", got)
	}
	for key, parts := range want {
		msg := got[key]
		if !strings.HasPrefix(msg, string(CodeInvalidText)+": ") {
			t.Errorf("ledger %s: %q; want code %s", key, msg, CodeInvalidText)
		}
		for _, p := range parts {
			if !strings.Contains(msg, p) {
				t.Errorf("ledger %s: %q; want it to say %s", key, msg, p)
			}
		}
	}
}

func TestRunRepairsTextThatIsNotCleanWhenAsked(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	h.seedHome(dirtyBuildings())
	h.serveDirty()
	h.inst.Options.InvalidText = instance.InvalidTextReplace
	h.reload()
	var logs connectortest.Logs
	h.logTo(&logs)

	sum := h.run(RunOptions{Direction: instance.Push, Entity: "building"})
	e := sum.Entity(instance.Push, "building")
	if sum.Status() != StatusClean || e.Created != 4 || e.TextRepaired != 3 {
		t.Fatalf("run: want four buildings created, three of them repaired\n%s", summaryText(sum))
	}
	want := []string{
		"b1 name=Clean city=Berlin",
		"b2 name=Bad \ufffd\ufffd name city=Berlin",
		"b3 name=Raw city=Berlin",
		"b4 name=\ufffd city=Berlin",
	}
	if d := cmp.Diff(want, h.actual()["building"]); d != "" {
		t.Errorf("partner buildings (-want +got):\n%s", d)
	}
	if !strings.Contains(summaryText(sum), "3 records had text that was not clean") {
		t.Errorf("summary does not tell the repaired records:\n%s", summaryText(sum))
	}
	var warned []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "text that is not clean was repaired") {
			warned = append(warned, line)
		}
	}
	if len(warned) != 3 || !strings.Contains(strings.Join(warned, "\n"), `key=b2 fields="field \"/name\" has invalid UTF-8"`) {
		t.Errorf("warnings:\n%s\nwant one per repaired record, naming key and field", strings.Join(warned, "\n"))
	}
}

// TestRunLogsEachSchemaMismatchOnce lists 120 home buildings in three
// pages whose city is a number where the spec says string: the run logs
// one short line for the field, with the count, when it ends.
func TestRunLogsEachSchemaMismatchOnce(t *testing.T) {
	t.Parallel()
	h := newHarness(t, "create")
	var d homeData
	for i := range 120 {
		d.buildings = append(d.buildings, map[string]any{"id": "b" + strconv.Itoa(i), "name": "B", "city": "NUMCITY"})
	}
	h.seedHome(d)
	h.serveEdited(strings.NewReplacer(`"NUMCITY"`, "7"))
	h.inst.Options.Validation = instance.ValidationWarn
	h.reload()
	var logs connectortest.Logs
	h.logTo(&logs)

	sum := h.run(RunOptions{Direction: instance.Push, Entity: "building"})
	if sum.Entity(instance.Push, "building").Read != 120 {
		t.Fatalf("run:\n%s", summaryText(sum))
	}
	var lines []string
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "does not match the spec") {
			lines = append(lines, line)
		}
	}
	want := `direction=response field=/city expected=string got="a number" count=3` // one per page
	if len(lines) != 1 || !strings.Contains(lines[0], want) || len(lines[0]) > 600 {
		t.Errorf("mismatch lines:\n%s\nwant one short line holding %s", strings.Join(lines, "\n"), want)
	}
}
