// Package engine owns instances and what the engine keeps in Redis for
// them: permissions, sync state and id maps, the failure ledger and the
// audit log. Runs, planning and scheduling build on these pieces.
//
// Instances are decoded strictly from JSON or YAML (DecodeInstance,
// ReadInstance), validated (ValidateInstance; LoadInstance also loads the
// specs and the model with package specs and checks the instance against
// them) and stored in an InstanceStore, whose version counter tells a
// scheduler that something changed.
//
// State, Ledger and Audit work on one instance's keys, all named by
// package internal/keys under the instance's hash tag, so they work on a
// single Redis, with Sentinel and on Cluster alike (every client is a
// redis.UniversalClient). Their batch methods cost one round trip per
// batch, never one per record: a run loads what it knows of a page of
// records with State.Load, commits the page's confirmed writes with
// State.Commit, records failures with Ledger.Fail and audits through a
// buffering Auditor.
//
// An Engine runs an instance (Run) or shows what a run would do (Plan,
// which writes nothing at all). A run has a push phase (home to partner)
// and then a pull phase (partner to home); each goes through the partner
// spec's entities in the model's dependency order and streams pages: the
// source's records are mapped (read mapping, related records from a
// bounded per-run cache or the home's get, write mapping), hashed and
// compared with the state; what changed is written by a pool of workers
// once the permission allows it, and each page's confirmed writes are
// committed in one transaction. A failing record goes to the ledger and
// never stops the run; every later run retries it. Deletes come only from
// complete full reads, in reverse dependency order and within the
// instance's delete guard. Each entity has one owner (its source of
// truth): a change on the other side is a conflict, audited and undone by
// the owner's next write, and echo hashes keep a direction from taking
// the other's writes for changes. A create without upsert leaves an
// intent before it is sent, so that a run killed at any point looks the
// record up (or repeats its idempotency key) instead of creating it
// twice.
//
// The package speaks neither HTTP nor the spec language itself: it uses
// package specs to load documents and leaves remote calls to package
// connectors.
package engine
