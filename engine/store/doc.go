// Package store keeps what the engine remembers of an instance in Redis:
// its sync State (per direction and entity the written values, the
// partner ids' home keys, echo hashes, create intents, the incremental
// cursor, the last complete read and the dependency index of included
// records), its failure Ledger, its Audit log
// and the Locks that keep two of its tasks from running at once. It is
// the only code that talks to Redis for these, and every key it uses is
// named by package internal/keys under the instance's hash tag, so it
// works on a single Redis, with Sentinel and on Cluster alike (every
// client is a redis.UniversalClient).
//
// Batch methods cost one round trip per batch, never one per record: a
// run loads what it knows of a page of records with State.LoadWith,
// commits the page's confirmed writes with State.Commit, records failures
// with Ledger.Fail and audits through a buffering Auditor.
//
// Stored values carry their format (package internal/stored): a written
// value, a failure, a create intent and a dependency index entry start
// with their format version
// ("v1"), and an audit entry is one stream field named for its format. A
// value of a format this version does not read is refused with a
// *FormatError (matching ErrStateFormat) that says what to do; an audit
// entry of another format is read back as an entry that says so, so that
// the rest of the log stays readable. Nothing of earlier formats is read
// or migrated.
//
// The package imports engine/instance for its types and internal packages
// only, never the engine or the queue.
package store
