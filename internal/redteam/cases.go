package redteam

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Case is one attack: Run sets the systems up, runs specsync and returns
// what went against the expectation it names. Every case is followed by
// the canary search and, where Converge is set, by a run against healthy
// systems that must converge.
type Case struct {
	// Name identifies the case (redteam.Cases, -run patterns).
	Name string
	// Expect says what must happen, in a sentence.
	Expect string
	// Long marks the cases that take long or move large bodies; they run
	// with -redteam.long or `specsync bench --scenario redteam`.
	Long bool
	// Converge runs the convergence check after Run.
	Converge bool
	// Run attacks.
	Run func(ctx context.Context, e *Env) error
}

// Cases are the red-team cases against specsync's processes.
func Cases() []Case {
	return []Case{
		listingFails("garbage-list", FaultGarbage, false, "not JSON"),
		listingFails("html-list", FaultHTML, false, "HTML error page with status 200"),
		listingFails("nested-list", FaultNested, false, "JSON nested a million levels deep"),
		listingFails("endless-list", FaultEndless, false, "a body that never ends"),
		listingFails("huge-header", FaultHugeHeader, false, "2 MiB of response headers"),
		listingFails("huge-list", FaultHuge, true, "an 80 MiB page"),
		listingFails("slow-loris", FaultSlowLoris, true, "a byte of body a second"),
		foreign("foreign-next", FaultForeignNext),
		foreign("foreign-redirect", FaultForeignRedirect),
		createFails("garbage-create", FaultGarbage),
		createFails("html-create", FaultHTML),
		{Name: "empty-create", Converge: true, Run: emptyCreate,
			Expect: "creates answered 201 without a body are clean: the lookup gives each record's id, so later updates reach it"},
		{Name: "hostile-records", Converge: true, Run: hostileRecords,
			Expect: "records with a 4 MiB field, values nested 500 deep, odd keys and template syntax are sent as data, verbatim, and a rerun writes nothing"},
		{Name: "partner-unauthorized", Converge: true, Run: partnerUnauthorized,
			Expect: "a partner that answers 401 with the token it got fails the run (non-zero exit) and the token is nowhere"},
		{Name: "partner-unreachable", Converge: true, Run: partnerUnreachable,
			Expect: "a partner whose host refuses connections fails the run with non-zero exit naming the operation"},
		{Name: "canaries", Run: canaries,
			Expect: "sync, plan, reconcile, audit, instances show and serve (admin API, metrics, webhooks) never show a credential"},
	}
}

// seed gives the home n plain items.
func seed(e *Env, n int) {
	items := make([]map[string]any, n)
	for i := range items {
		items[i] = map[string]any{"id": fmt.Sprintf("item-%03d", i), "name": fmt.Sprintf("Item %d", i), "note": "plain"}
	}
	e.Home.Seed(items)
}

// listingFails is a case where the home's listing answers with fault: the
// run fails as a whole (exit 1), naming the listing, and writes nothing.
func listingFails(name string, fault Fault, long bool, what string) Case {
	return Case{
		Name: name, Long: long, Converge: true,
		Expect: "a home listing that answers with " + what + " ends the run not clean (exit 1 failed or 3 partial) with an error naming listItems, and nothing is written",
		Run: func(ctx context.Context, e *Env) error {
			seed(e, 20)
			e.Home.SetFault("list", fault)
			r := e.Sync(ctx)
			if e.Home.Faults() == 0 {
				return fmt.Errorf("the fault was never served\n%s", r.Output())
			}
			return expectFailed(r, e, "listItems")
		},
	}
}

// expectFailed checks that a run failed (exit 1), or was partial (exit 3)
// because its listing failed, with an error that names what, and that the
// partner got no write.
func expectFailed(r Result, e *Env, what string) error {
	switch {
	case r.Code != 1 && r.Code != 3:
		return fmt.Errorf("exit %d, want 1 (failed) or 3 (partial)\n%s", r.Code, r.Output())
	case !strings.Contains(r.Stdout+r.Stderr, what):
		return fmt.Errorf("the error does not name %s\n%s", what, r.Output())
	case strings.Contains(r.Stdout+r.Stderr, "panic"):
		return fmt.Errorf("the run panicked\n%s", r.Output())
	case e.Partner.Writes() != 0:
		return fmt.Errorf("the partner got %d writes from a failed listing\n%s", e.Partner.Writes(), r.Output())
	}
	return nil
}

// foreign is a case where the home's listing points at another host: the
// run refuses to go there (exit 1) and the other host gets no request.
func foreign(name string, fault Fault) Case {
	return Case{
		Name: name, Converge: true,
		Expect: "a next link or redirect to another host is refused: the run is not clean (exit 1 or 3), names the host, and the host gets no request",
		Run: func(ctx context.Context, e *Env) error {
			seed(e, 20)
			e.Home.SetFault("list", fault)
			r := e.Sync(ctx)
			if hits := e.Foreign.Hits(); hits != 0 {
				return fmt.Errorf("the foreign host got %d requests\n%s", hits, r.Output())
			}
			return expectFailed(r, e, strings.TrimPrefix(e.Foreign.srv.URL, "http://"))
		},
	}
}

// createFails is a case where the partner stores created records but
// answers with fault: each record fails alone (exit 3, partial) and is in
// the failure ledger; a rerun against a healthy partner converges without
// duplicates, by the lookup.
func createFails(name string, fault Fault) Case {
	return Case{
		Name: name, Converge: true,
		Expect: "a create stored but answered with " + string(fault) + " fails that record (exit 3, partial, in the ledger); the rerun converges without duplicates",
		Run: func(ctx context.Context, e *Env) error {
			seed(e, 5)
			e.Partner.SetFault("create", fault)
			r := e.Sync(ctx)
			if r.Code != 3 || strings.Contains(r.Stderr, "panic") {
				return fmt.Errorf("exit %d, want 3 (partial)\n%s", r.Code, r.Output())
			}
			a := e.Run(ctx, "audit", InstanceID, "--failed", "-o", "json")
			if a.Code != 0 || !strings.Contains(a.Stdout, "item-000") {
				return fmt.Errorf("the audit log lists no failed item-000\n%s", a.Output())
			}
			return nil
		},
	}
}

// emptyCreate answers every create with an empty 201.
func emptyCreate(ctx context.Context, e *Env) error {
	seed(e, 5)
	e.Partner.SetFault("create", FaultEmptyCreated)
	if r := e.Sync(ctx); r.Code != 0 || e.Partner.Faults() != 5 {
		return fmt.Errorf("exit %d after %d empty answers, want 0 after 5\n%s", r.Code, e.Partner.Faults(), r.Output())
	}
	return nil
}

// hostileRecords sends records whose values are hostile.
func hostileRecords(ctx context.Context, e *Env) error {
	items := HostileRecords()
	e.Home.Seed(items)
	r := e.Sync(ctx)
	if r.Code != 0 {
		return fmt.Errorf("exit %d, want 0\n%s", r.Code, r.Output())
	}
	return e.partnerHolds(items)
}

// HostileRecords are home records with hostile values: a 4 MiB field,
// a value nested 500 levels deep, keys with characters that mean
// something in URLs, Redis keys, shells and JSON pointers, and values
// that look like template syntax.
func HostileRecords() []map[string]any {
	nested := strings.Repeat(`{"a":[`, 500) + `"bottom"` + strings.Repeat(`]}`, 500)
	items := []map[string]any{
		{"id": "huge", "name": "huge", "note": strings.Repeat("0123456789abcdef", 256<<10)},
		{"id": "nested", "name": "nested", "note": "deep", "data": json.RawMessage(nested)},
		{"id": "tmpl-var", "name": "{{ item.id }}{{ 7*7 }}", "note": "{{ instance.source }}"},
		{"id": "tmpl-tag", "name": `{% for x in "abc" %}{{ x }}{% endfor %}`, "note": `{% include "/etc/passwd" %}`},
		{"id": "tmpl-comment", "name": "{# c #}{{", "note": "%}{%"},
	}
	for i, k := range []string{"a/b?c=d#e", "../../etc", "{redteam}:x", "%2F%00", "key with spaces", "tab\tand\nnewline",
		"ключ-漢字-🔑", "*", "a~1b/~0", "'; DROP TABLE items; --", "$(id)`id`", `"quoted"\`} {
		items = append(items, map[string]any{"id": k, "name": fmt.Sprintf("odd key %d", i), "note": k})
	}
	return items
}

// partnerHolds checks that the partner holds exactly one item per home
// item, with its name and note verbatim, and nothing else.
func (e *Env) partnerHolds(home []map[string]any) error {
	byKey := map[string][]map[string]any{}
	for _, it := range e.Partner.Items() {
		k, _ := it["externalId"].(string)
		byKey[k] = append(byKey[k], it)
	}
	var errs []string
	for _, h := range home {
		k := h["id"].(string)
		got := byKey[k]
		delete(byKey, k)
		switch {
		case len(got) != 1:
			errs = append(errs, fmt.Sprintf("key %q: %d items at the partner, want 1", k, len(got)))
		case got[0]["name"] != h["name"] || got[0]["note"] != h["note"]:
			errs = append(errs, fmt.Sprintf("key %q: partner has name %.80q note %.80q, want %.80q %.80q", k, got[0]["name"], got[0]["note"], h["name"], h["note"]))
		}
	}
	for k := range byKey {
		errs = append(errs, fmt.Sprintf("key %q: at the partner, not at home", k))
	}
	if len(errs) > 0 {
		return fmt.Errorf("partner data:\n%s", strings.Join(errs, "\n"))
	}
	return nil
}

// Converge heals both systems and runs until a run is clean (at most
// three), then checks that the partner holds exactly the home's items,
// that one more run writes nothing, and that a change of every item at
// home reaches the partner: the state the hostile run left addresses the
// partner's records rightly.
func (e *Env) Converge(ctx context.Context) error {
	e.Home.SetFault("", FaultNone)
	e.Partner.SetFault("", FaultNone)
	e.Partner.SetLatency(0)
	var r Result
	for range 3 {
		if r = e.Sync(ctx); r.Code == 0 {
			break
		}
	}
	if r.Code != 0 {
		return fmt.Errorf("three runs against healthy systems did not end clean\n%s", r.Output())
	}
	if err := e.partnerHolds(e.Home.Items()); err != nil {
		return err
	}
	before := e.Partner.Writes()
	if r = e.Sync(ctx); r.Code != 0 || e.Partner.Writes() != before {
		return fmt.Errorf("a run after convergence: exit %d, %d writes; want 0 and none\n%s", r.Code, e.Partner.Writes()-before, r.Output())
	}
	items := e.Home.Items()
	for _, it := range items {
		it["note"] = fmt.Sprint(it["note"], " (changed)")
	}
	e.Home.Seed(items)
	if r = e.Sync(ctx); r.Code != 0 {
		return fmt.Errorf("a run after a change of every item: exit %d, want 0\n%s", r.Code, r.Output())
	}
	if err := e.partnerHolds(items); err != nil {
		return fmt.Errorf("after a change of every item: %w", err)
	}
	return nil
}

// partnerUnauthorized makes the partner refuse the token, repeating it.
func partnerUnauthorized(ctx context.Context, e *Env) error {
	seed(e, 5)
	e.Partner.SetFault("", FaultUnauthorized)
	r := e.Sync(ctx)
	if r.Code == 0 || strings.Contains(r.Stderr, "panic") {
		return fmt.Errorf("exit %d, want non-zero\n%s", r.Code, r.Output())
	}
	e.Run(ctx, "audit", InstanceID, "-o", "json")
	e.Run(ctx, "plan", InstanceID, "--detail")
	e.Run(ctx, "reconcile", InstanceID)
	return nil
}

// partnerUnreachable points the instance at a closed port.
func partnerUnreachable(ctx context.Context, e *Env) error {
	seed(e, 5)
	if err := e.WriteInstance("http://127.0.0.1:1"); err != nil {
		return err
	}
	if r := e.Run(ctx, "instances", "apply", e.InstanceFile()); r.Code != 0 {
		return fmt.Errorf("apply: %s", r.Output())
	}
	r := e.Sync(ctx)
	e.Run(ctx, "audit", InstanceID, "-o", "json")
	if err := e.WriteInstance(e.Partner.URL()); err != nil {
		return err
	}
	if a := e.Run(ctx, "instances", "apply", e.InstanceFile()); a.Code != 0 {
		return fmt.Errorf("apply: %s", a.Output())
	}
	if r.Code == 0 || strings.Contains(r.Stderr, "panic") || !strings.Contains(r.Stderr+r.Stdout, "item") {
		return fmt.Errorf("exit %d, want non-zero with an error naming the entity\n%s", r.Code, r.Output())
	}
	return nil
}
