package server

import (
	"bytes"
	"context"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v4"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
)

// ruleFile is a Prometheus rule file, as far as the tests read it.
type ruleFile struct {
	Groups []struct {
		Name  string `yaml:"name"`
		Rules []struct {
			Alert       string            `yaml:"alert"`
			Expr        string            `yaml:"expr"`
			For         string            `yaml:"for"`
			Labels      map[string]string `yaml:"labels"`
			Annotations map[string]string `yaml:"annotations"`
		} `yaml:"rules"`
	} `yaml:"groups"`
}

// scrapedMetrics fills a server's metrics with a run, a webhook, a
// history and a request, and returns what /metrics answers.
func scrapedMetrics(t *testing.T) string {
	t.Helper()
	ts := newTestServer(t)
	m := ts.api.cfg.Metrics
	m.WatchQueue(ts.cfg.Redis, ts.cfg.Keys, ts.cfg.Queue)
	inst := ts.apply(t, "erp-partner")
	rec := queue.RunRecord{ID: "r1", Instance: inst.ID, Organisation: inst.Organisation, Task: queue.TaskRun, Outcome: queue.RunOK,
		Started: time.Unix(0, 0), Finished: time.Unix(1, 0),
		Entities: []queue.EntityCounts{{Direction: instance.Push, Entity: "tenant", Counts: map[string]int64{"read": 1, "created": 1}}}}
	if err := queue.NewHistory(ts.cfg.Redis, ts.cfg.Keys, queue.HistoryConfig{}).Finish(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	m.RunFinished(rec)
	m.Webhook(inst, "enqueued")
	m.EnqueueSkipped(queue.TaskRun, inst.ID)
	_ = m.Clock(nil).Sleep(context.Background(), time.Nanosecond)
	_, _ = m.Transport(nil).RoundTrip(mustRequest(t, "GET", ts.URL+"/healthz"))
	_, body := ts.do(t, "GET", "/metrics", testToken, "")
	return body
}

// families returns the metric families a scrape declares.
func families(body string) []string {
	var out []string
	for line := range strings.Lines(body) {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			out = append(out, strings.Fields(rest)[0])
		}
	}
	return out
}

var (
	metricName = regexp.MustCompile(`\bspecsync_[a-z_]+\b`)
	byLabels   = regexp.MustCompile(`\bby \(([^)]*)\)`)
	matchLabel = regexp.MustCompile(`\{([a-z_]+)=`)
)

// TestAlertRulesNameExportedMetrics: the rule file in docs/alerts parses
// (unknown keys refused), every rule is complete, and every metric and
// label its expressions name is exported.
func TestAlertRulesNameExportedMetrics(t *testing.T) {
	data, err := os.ReadFile("../docs/alerts/specsync-rules.yml")
	if err != nil {
		t.Fatal(err)
	}
	var rules ruleFile
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&rules); err != nil {
		t.Fatalf("docs/alerts/specsync-rules.yml: %v", err)
	}
	body := scrapedMetrics(t)
	exported := families(body)
	var alerts []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			if r.Alert == "" || r.Expr == "" || r.Labels["severity"] == "" || r.Annotations["summary"] == "" {
				t.Errorf("rule %q of group %q lacks a name, an expression, a severity or a summary", r.Alert, g.Name)
			}
			if _, err := time.ParseDuration(r.For); err != nil {
				t.Errorf("rule %s: for %q: %v", r.Alert, r.For, err)
			}
			if strings.Count(r.Expr, "(") != strings.Count(r.Expr, ")") || strings.Count(r.Expr, "{") != strings.Count(r.Expr, "}") {
				t.Errorf("rule %s: unbalanced brackets in %s", r.Alert, r.Expr)
			}
			checkExpr(t, r.Alert, r.Expr, exported, body)
		}
	}
	for _, want := range []string{"SpecsyncRunFailed", "SpecsyncNoSuccessFor2Days", "SpecsyncLedgerGrowing"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("the rule file has no %s (it has %v)", want, alerts)
		}
	}
}

// checkExpr fails the test for a metric or label expr names that the
// scrape body does not have.
func checkExpr(t *testing.T, alert, expr string, exported []string, body string) {
	t.Helper()
	names := metricName.FindAllString(expr, -1)
	if len(names) == 0 {
		t.Errorf("rule %s names no specsync metric: %s", alert, expr)
	}
	for _, name := range names {
		if !slices.Contains(exported, name) {
			t.Errorf("rule %s names %s, which is not exported (exported: %v)", alert, name, exported)
		}
	}
	var labels []string
	for _, m := range byLabels.FindAllStringSubmatch(expr, -1) {
		for l := range strings.SplitSeq(m[1], ",") {
			labels = append(labels, strings.TrimSpace(l))
		}
	}
	for _, m := range matchLabel.FindAllStringSubmatch(expr, -1) {
		labels = append(labels, m[1])
	}
	for _, l := range labels {
		if !strings.Contains(body, l+`="`) {
			t.Errorf("rule %s uses the label %s, which no exported metric has", alert, l)
		}
	}
}

// TestMetricsDocumented: docs/metrics.md names every specsync metric the
// server exports.
func TestMetricsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/metrics.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range families(scrapedMetrics(t)) {
		if strings.HasPrefix(name, "specsync_") && !strings.Contains(string(doc), "`"+name+"`") {
			t.Errorf("docs/metrics.md does not document %s", name)
		}
	}
}
