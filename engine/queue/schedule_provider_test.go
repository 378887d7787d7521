package queue

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/specsync/specsync/engine/instance"
)

func TestSchedulesCronspecs(t *testing.T) {
	t.Parallel()
	e := newQueueEnv(t)
	e.apply(t, true, "nightly")
	e.apply(t, false, "off")
	own := storedInstance("master-data", "acme")
	own.Enabled, own.Schedule = true, instance.Schedule{Cron: "0 23 * * 2,4,0", Timezone: "America/New_York"}
	own.Options.ReconcileCron, own.Options.ReconcileRepair = "0 3 * * 0", true
	if _, err := e.store.Apply(context.Background(), own, filesOf(own)); err != nil {
		t.Fatal(err)
	}
	s := NewSchedules(ScheduleConfig{Store: e.store, NightlyCron: "30 22 * * *", Queue: e.queue})
	cfgs, err := s.GetConfigs()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cfgs {
		line := c.Task.Type() + " " + payloadInstance(c.Task) + " " + c.Cronspec
		if strings.Contains(string(c.Task.Payload()), `"repair":true`) {
			line += " repair"
		}
		got = append(got, line)
	}
	want := []string{
		"sync:run master-data CRON_TZ=America/New_York 0 23 * * 2,4,0",
		"sync:retry master-data CRON_TZ=America/New_York 0 6 * * *",
		"sync:reconcile master-data CRON_TZ=America/New_York 0 3 * * 0 repair",
		"sync:run nightly CRON_TZ=Europe/Berlin 30 22 * * *",
		"sync:retry nightly CRON_TZ=Europe/Berlin 0 6 * * *",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("periodic tasks (-want +got):\n%s", diff)
	}
}

func TestNightlyScheduleRunsEnabledInstancesAndFollowsChanges(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := newQueueEnv(t)
	e.apply(t, true, "a", "b")
	e.apply(t, false, "c")
	r := newFakeRunner(0)
	srv := e.server(t, e.worker(t, r, nil), 4)
	defer srv.Shutdown()
	s := NewSchedules(ScheduleConfig{Store: e.store, NightlyCron: "@every 1s", RetryCron: "@every 1h", Queue: e.queue})
	mgr, err := NewScheduler(SchedulerConfig{Redis: e.rdb, Schedules: s, SyncInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if err := mgr.Start(); err != nil {
		t.Fatal(err)
	}
	defer mgr.Shutdown()
	ran := func(id string) bool { rec, _ := e.history.Last(ctx, id); return rec != nil }
	waitFor(t, "scheduled runs of a and b", func() bool { return ran("a") && ran("b") })
	if ran("c") {
		t.Error("disabled instance c ran on the schedule")
	}
	if err := e.store.Enable(ctx, "c"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a scheduled run of c once enabled", func() bool { return ran("c") })
	for _, j := range mustJobs(r) {
		if j.Trigger != TriggerSchedule {
			t.Errorf("run of %s has trigger %q, want %q", j.Instance.ID, j.Trigger, TriggerSchedule)
		}
	}
}

func mustJobs(r *fakeRunner) []Job {
	jobs, _ := r.snapshot()
	return jobs
}
