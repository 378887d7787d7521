package keys

import "strings"

// DefaultPrefix starts every key when no other prefix is configured.
const DefaultPrefix = "specsync:"

// registryTag is the hash tag shared by the instance registry's keys.
const registryTag = "{instances}"

// Namespace builds key names under one prefix. The zero value uses
// DefaultPrefix. A Namespace is a small value, safe for concurrent use.
type Namespace struct {
	prefix string
}

// New returns a Namespace for prefix. An empty prefix means DefaultPrefix;
// a prefix that does not end in ":" gets one.
func New(prefix string) Namespace {
	if prefix != "" && !strings.HasSuffix(prefix, ":") {
		prefix += ":"
	}
	return Namespace{prefix: prefix}
}

// Prefix returns the prefix every key starts with, ending in ":".
func (n Namespace) Prefix() string {
	if n.prefix == "" {
		return DefaultPrefix
	}
	return n.prefix
}

// Queue is the asynq queue of the installation: the prefix without its
// trailing ":" ("specsync" for DefaultPrefix), so that two installations
// on one Redis never take each other's tasks. Braces, which would make a
// Redis Cluster hash tag of asynq's keys, become underscores.
func (n Namespace) Queue() string {
	q := strings.TrimSuffix(n.Prefix(), ":")
	return strings.NewReplacer("{", "_", "}", "_").Replace(q)
}

// Instance is the key of the stored instance document with id
// ("specsync:{instances}:instance:erp-everreal").
func (n Namespace) Instance(id string) string {
	return n.registry("instance", id)
}

// Instances is the key of the set of all stored instance ids.
func (n Namespace) Instances() string {
	return n.registry("index")
}

// Organisation is the key of the set of the ids of one organisation's
// instances.
func (n Namespace) Organisation(org string) string {
	return n.registry("organisation", org)
}

// InstancesVersion is the key of the counter that grows on every change
// to the instance registry; a scheduler polls it to notice changes.
func (n Namespace) InstancesVersion() string {
	return n.registry("version")
}

// Document is the key of the content of one file an instance was applied
// with, named by its SHA-256 (hex): "specsync:{erp}:document:9f86d0...".
func (n Namespace) Document(instance, hash string) string {
	return n.scoped(instance, "document", hash)
}

// IDReverse is the key of the hash from partner id to home key of one
// direction and entity of an instance.
func (n Namespace) IDReverse(instance, direction, entity string) string {
	return n.scoped(instance, "idrev", direction, entity)
}

// Written is the key of the hash from home key to the partner id and the
// hash, time and memo of the last payload written for it.
func (n Namespace) Written(instance, direction, entity string) string {
	return n.scoped(instance, "written", direction, entity)
}

// Intents is the key of the hash from home key to the payload hash of a
// create sent but not yet confirmed, of one direction and entity.
func (n Namespace) Intents(instance, direction, entity string) string {
	return n.scoped(instance, "written", direction, entity, "intent")
}

// Echo is the key of the hash from home key to the hash of the values one
// direction wrote, which the opposite direction must not read back as a
// change.
func (n Namespace) Echo(instance, direction, entity string) string {
	return n.scoped(instance, "echo", direction, entity)
}

// Includes is the key of the hash from home key to the included records
// (model entity, key and content hash) the last payload written for it
// in one direction and entity was built from: the forward half of the
// dependency index.
func (n Namespace) Includes(instance, direction, entity string) string {
	return n.scoped(instance, "includes", direction, entity)
}

// Dependents is the key of the sorted set of the records of one direction
// and entity whose last payload was built from records of one model
// entity: the reverse half of the dependency index, ordered by the
// included record's key so that the dependents of one record are a range.
func (n Namespace) Dependents(instance, direction, entity, model string) string {
	return n.scoped(instance, "dependents", direction, entity, model)
}

// Cursors is the key of the hash of an instance's incremental cursors, by
// direction and entity.
func (n Namespace) Cursors(instance string) string {
	return n.scoped(instance, "cursor")
}

// FullReads is the key of the hash of the times of an instance's last
// complete reads, by direction and entity.
func (n Namespace) FullReads(instance string) string {
	return n.scoped(instance, "fullread")
}

// Failures is the key of the hash of failed records of one direction and
// entity, by home key.
func (n Namespace) Failures(instance, direction, entity string) string {
	return n.scoped(instance, "failures", direction, entity)
}

// FailureIndex is the key of the sorted set of all failed records of an
// instance, scored by the time of their last failure.
func (n Namespace) FailureIndex(instance string) string {
	return n.scoped(instance, "failures")
}

// Audit is the key of the audit stream of an instance.
func (n Namespace) Audit(instance string) string {
	return n.scoped(instance, "audit")
}

// RateLimit is the key of the shared rate limiter of one system an
// instance calls, for a limit of scope instance.
func (n Namespace) RateLimit(instance, system string) string {
	return n.scoped(instance, "ratelimit", system)
}

// AccountRateLimit is the key of the rate limiter shared by every instance
// that calls system with one account, which account identifies (a hash,
// never a secret): "specsync:ratelimit:{everreal:9f86d081884c7d65}". The
// account is the key's own hash tag, since instances of any slot share it.
func (n Namespace) AccountRateLimit(system, account string) string {
	return n.Prefix() + "ratelimit:{" + system + ":" + account + "}"
}

// Lock is the key of the lock that keeps two tasks of one instance from
// running at once.
func (n Namespace) Lock(instance string) string {
	return n.Prefix() + "lock:{" + instance + "}"
}

// Runs is the key of the capped list of an instance's run records, newest
// first.
func (n Namespace) Runs(instance string) string {
	return n.Prefix() + "runs:{" + instance + "}"
}

// ActiveRun is the key of the record of an instance's run in progress.
func (n Namespace) ActiveRun(instance string) string {
	return n.Runs(instance) + ":active"
}

// WebhookToken is the key of the token in an instance's webhook URL.
func (n Namespace) WebhookToken(instance string) string {
	return n.Prefix() + "webhook:{" + instance + "}:token"
}

// WebhookSeen is the key that marks one webhook event of an instance as
// received, for the dedupe window; digest names the event (a hash of its
// id, or of its content when the sender gives no id).
func (n Namespace) WebhookSeen(instance, digest string) string {
	return n.scoped(instance, "webhook", "seen", digest)
}

// WebhookSignature is the key that marks one timestamped webhook
// signature of an instance as received, until its timestamp leaves the
// tolerance, so that a replay of it is refused; digest is a hash of the
// signature.
func (n Namespace) WebhookSignature(instance, digest string) string {
	return n.scoped(instance, "webhook", "signature", digest)
}

// InstancePattern is a SCAN pattern matching every key of one instance
// (not its registry entry). Glob characters in the id are escaped.
func (n Namespace) InstancePattern(instance string) string {
	return escapeGlob(n.Prefix()+"{"+instance+"}:") + "*"
}

// Pattern is a SCAN pattern matching every key under the prefix, the
// prefix's glob characters escaped.
func (n Namespace) Pattern() string {
	return escapeGlob(n.Prefix()) + "*"
}

// registry joins parts under the registry's hash tag.
func (n Namespace) registry(parts ...string) string {
	return n.Prefix() + registryTag + ":" + strings.Join(parts, ":")
}

// scoped joins parts under the instance's hash tag.
func (n Namespace) scoped(instance string, parts ...string) string {
	return n.Prefix() + "{" + instance + "}:" + strings.Join(parts, ":")
}

// escapeGlob escapes the characters SCAN MATCH treats specially.
func escapeGlob(s string) string {
	return globEscaper.Replace(s)
}

var globEscaper = strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`, `]`, `\]`)
