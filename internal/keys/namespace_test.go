package keys

import (
	"path"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNames(t *testing.T) {
	t.Parallel()
	n := New("")
	got := []string{
		n.Instance("erp-everreal"),
		n.Instances(),
		n.Organisation("acme"),
		n.InstancesVersion(),
		n.IDReverse("erp-everreal", "push", "tenant"),
		n.Written("erp-everreal", "pull", "unit"),
		n.Echo("erp-everreal", "push", "tenant"),
		n.Cursors("erp-everreal"),
		n.FullReads("erp-everreal"),
		n.Failures("erp-everreal", "push", "tenant"),
		n.FailureIndex("erp-everreal"),
		n.Audit("erp-everreal"),
		n.RateLimit("erp-everreal", "everreal"),
		n.AccountRateLimit("everreal", "9f86d081884c7d65"),
		n.Intents("erp-everreal", "push", "tenant"),
		n.Lock("erp-everreal"),
		n.Runs("erp-everreal"),
		n.ActiveRun("erp-everreal"),
		n.WebhookToken("erp-everreal"),
		n.Document("erp-everreal", "9f86d0"),
		n.Includes("erp-everreal", "push", "tenant"),
		n.Dependents("erp-everreal", "push", "tenant", "person"),
		n.WebhookSeen("erp-everreal", "5e884898"),
		n.WebhookSignature("erp-everreal", "7c4a8d09"),
	}
	want := []string{
		"specsync:{instances}:instance:erp-everreal",
		"specsync:{instances}:index",
		"specsync:{instances}:organisation:acme",
		"specsync:{instances}:version",
		"specsync:{erp-everreal}:idrev:push:tenant",
		"specsync:{erp-everreal}:written:pull:unit",
		"specsync:{erp-everreal}:echo:push:tenant",
		"specsync:{erp-everreal}:cursor",
		"specsync:{erp-everreal}:fullread",
		"specsync:{erp-everreal}:failures:push:tenant",
		"specsync:{erp-everreal}:failures",
		"specsync:{erp-everreal}:audit",
		"specsync:{erp-everreal}:ratelimit:everreal",
		"specsync:ratelimit:{everreal:9f86d081884c7d65}",
		"specsync:{erp-everreal}:written:push:tenant:intent",
		"specsync:lock:{erp-everreal}",
		"specsync:runs:{erp-everreal}",
		"specsync:runs:{erp-everreal}:active",
		"specsync:webhook:{erp-everreal}:token",
		"specsync:{erp-everreal}:document:9f86d0",
		"specsync:{erp-everreal}:includes:push:tenant",
		"specsync:{erp-everreal}:dependents:push:tenant:person",
		"specsync:{erp-everreal}:webhook:seen:5e884898",
		"specsync:{erp-everreal}:webhook:signature:7c4a8d09",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("key names (-want +got):\n%s", d)
	}
}

func TestPrefix(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ in, want string }{
		{"", "specsync:"},
		{"acme", "acme:"},
		{"acme:", "acme:"},
		{"test:x:1a2b:", "test:x:1a2b:"},
	} {
		if got := New(tc.in).Prefix(); got != tc.want {
			t.Errorf("New(%q).Prefix() = %q; want %q", tc.in, got, tc.want)
		}
	}
	if got, want := New("acme").Audit("i"), "acme:{i}:audit"; got != want {
		t.Errorf("Audit under prefix acme = %q; want %q", got, want)
	}
	var zero Namespace
	if got, want := zero.Instances(), "specsync:{instances}:index"; got != want {
		t.Errorf("zero Namespace Instances() = %q; want %q", got, want)
	}
}

// hashTag returns the part of key Redis Cluster hashes: the text between
// the first "{" and the next "}" when it is not empty, else the whole key.
func hashTag(key string) string {
	open := strings.IndexByte(key, '{')
	if open < 0 {
		return key
	}
	end := strings.IndexByte(key[open+1:], '}')
	if end <= 0 {
		return key
	}
	return key[open+1 : open+1+end]
}

func TestInstanceKeysShareOneSlot(t *testing.T) {
	t.Parallel()
	n := New("tenant-a:")
	inst := "erp-everreal"
	for _, k := range []string{
		n.IDReverse(inst, "pull", "x{y}"), n.Intents(inst, "push", "tenant"),
		n.Written(inst, "push", "tenant"), n.Echo(inst, "pull", "tenant"),
		n.Cursors(inst), n.FullReads(inst), n.Failures(inst, "push", "a"),
		n.FailureIndex(inst), n.Audit(inst), n.RateLimit(inst, "everreal"),
		n.Lock(inst), n.Runs(inst), n.ActiveRun(inst), n.WebhookToken(inst),
		n.Document(inst, "9f86d0"), n.Includes(inst, "push", "tenant"),
		n.Dependents(inst, "push", "tenant", "person"),
		n.Document(inst, "9f86d0"), n.WebhookSeen(inst, "5e884898"), n.WebhookSignature(inst, "7c4a8d09"),
	} {
		if got := hashTag(k); got != inst {
			t.Errorf("key %q hashes on %q; want the instance %q", k, got, inst)
		}
	}
	if k, want := n.AccountRateLimit("everreal", "9f86d0"), "everreal:9f86d0"; hashTag(k) != want {
		t.Errorf("account rate limit key %q hashes on %q; want the account %q", k, hashTag(k), want)
	}
	for _, k := range []string{n.Instance("a"), n.Instances(), n.Organisation("o"), n.InstancesVersion()} {
		if got := hashTag(k); got != "instances" {
			t.Errorf("registry key %q hashes on %q; want %q", k, got, "instances")
		}
	}
}

func TestInstancePatternMatchesOnlyItsInstance(t *testing.T) {
	t.Parallel()
	n := New("")
	pattern := n.InstancePattern("a*b")
	for key, want := range map[string]bool{
		n.Audit("a*b"):                  true,
		n.IDReverse("a*b", "push", "t"): true,
		n.Audit("axxb"):                 false,
		n.Instance("a*b"):               false,
	} {
		got, err := path.Match(pattern, key)
		if err != nil {
			t.Fatalf("pattern %q: %v", pattern, err)
		}
		if got != want {
			t.Errorf("pattern %q matches %q = %v; want %v", pattern, key, got, want)
		}
	}
}

// TestQueueFollowsPrefix: the default prefix keeps the queue it always
// had, two prefixes never share one, and no prefix makes a hash tag of
// asynq's keys.
func TestQueueFollowsPrefix(t *testing.T) {
	t.Parallel()
	for prefix, want := range map[string]string{
		"":              "specsync",
		DefaultPrefix:   "specsync",
		"acme":          "acme",
		"acme:staging:": "acme:staging",
		"demo{x}:":      "demo_x_",
	} {
		if got := New(prefix).Queue(); got != want {
			t.Errorf("New(%q).Queue() = %q, want %q", prefix, got, want)
		}
	}
}
