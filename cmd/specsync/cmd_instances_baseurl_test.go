package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hibiken/asynq"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/queue"
	"github.com/specsync/specsync/internal/keys"
	"github.com/specsync/specsync/internal/redistest"
)

// TestInstancesApplyBaseURL: --base-url SYSTEM=URL moves the home or
// partner of every applied instance whose spec's x-sync system is SYSTEM,
// the files unedited; a system no instance has, or a malformed value, is
// refused with exit 2 and the reason; --run enqueues a run of each
// enabled instance on the queue of the installation's prefix.
func TestInstancesApplyBaseURL(t *testing.T) {
	r := redistest.New(t)
	st := stateArgs(r)
	dir := filepath.Join(repoRoot, "examples/realestate/instances")
	args := []string{"instances", "apply", "--base-url", "erp=http://erp.test:8080/api/v2", "--base-url", "casavi=https://casavi.test/v2", dir}
	if r.Mini == nil {
		args = append(args, "--run")
		t.Cleanup(func() { deleteQueue(r.Client, keys.New(r.Prefix).Queue()) })
	}
	code, out, errOut := runCLI(t, append(args, st...)...)
	if code != 0 {
		t.Fatalf("apply: exit %d\n%s%s", code, out, errOut)
	}
	inst, err := instance.NewInstanceStore(r.Client, keys.New(r.Prefix)).Get(context.Background(), "erp-casavi")
	if err != nil {
		t.Fatal(err)
	}
	if inst.Home.BaseURL != "http://erp.test:8080/api/v2" || inst.Partner.BaseURL != "https://casavi.test/v2" {
		t.Errorf("erp-casavi base URLs: home %q, partner %q", inst.Home.BaseURL, inst.Partner.BaseURL)
	}
	if r.Mini == nil {
		tasks, err := asynq.NewInspectorFromRedisClient(r.Client).ListPendingTasks(keys.New(r.Prefix).Queue())
		if err != nil || len(tasks) != 3 {
			t.Fatalf("pending runs after --run: %d, %v\n%s", len(tasks), err, out)
		}
		var p queue.RunPayload
		if err := json.Unmarshal(tasks[0].Payload, &p); err != nil || p.Prefix != r.Prefix {
			t.Errorf("enqueued payload %s: want the prefix %q", tasks[0].Payload, r.Prefix)
		}
	}
	for value, want := range map[string]string{
		"nosuch=http://x.test": "theirs: casavi, erp, everreal",
		"erp":                  "want SYSTEM=URL",
		"erp=ftp://x.test":     "not an http:// or https:// URL",
	} {
		code, _, errOut := runCLI(t, append([]string{"instances", "apply", "--base-url", value, dir}, st...)...)
		if code != 2 || !strings.Contains(errOut, want) {
			t.Errorf("--base-url %s: exit %d, stderr %q; want 2 and %q", value, code, errOut, want)
		}
	}
}
