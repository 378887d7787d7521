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
// The package speaks neither HTTP nor the spec language itself: it uses
// package specs to load documents and leaves remote calls to package
// connectors.
package engine
