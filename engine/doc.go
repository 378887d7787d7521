// Package engine runs an instance (Run) or shows what a run would do
// (Plan, which writes nothing at all): the run and plan pipeline. What it
// runs and what it remembers live in sub-packages.
//
// A run has a push phase (home to partner) and then a pull phase (partner
// to home); each goes through the partner spec's entities in the model's
// dependency order and streams pages through five stages, listed in
// stages.go, each of which hands the next a typed value per record: read
// (the source's records with their read mapping, related records from a
// bounded per-run cache or the home's get, and what the state knows),
// map (write mapping and payload hash), decide (compared with the state,
// ownership and permission), write (a pool of workers) and commit (each
// page's confirmed writes in one transaction, the ledger and audit). A
// failing record goes to the ledger and never stops the run; every later
// run retries it. After an incremental read, the records built from
// included records that changed since the cursor are read again by key
// and mapped (the dependency index, kept at commit, says which). Deletes
// come only from complete full reads, in reverse dependency order and
// within the instance's delete guard. Each entity
// has one owner (its source of truth): a change on the other side is a
// conflict, audited and undone by the owner's next write, and echo hashes
// keep a direction from taking the other's writes for changes. A field
// can have its own owner (ownership.go): an update leaves out the fields
// its destination owns. A create
// without upsert leaves an intent just before it is sent and records its
// answer as soon as it arrives (confirm.go), so that a run killed at any
// point takes an answered create as written, and looks an unanswered one
// up (by lookup, match step or idempotency key) instead of creating it
// twice; where the spec offers none of these, the record waits in the
// ledger as uncertain until an operator resolves it (resolve.go).
//
// # Packages and their arrows
//
// The engine is four packages whose imports go one way:
//
//   - engine/instance owns instances: their decoding, validation and
//     loading with their specs, permissions, and the instance store. It
//     imports specs and internal packages only.
//   - engine/store owns what the engine keeps in Redis for an instance:
//     sync state (written values, reverse ids, echoes, create intents,
//     cursors, the dependency index), the failure ledger, the audit log and the instance locks.
//     It is the only code that talks to Redis for these, and it takes
//     every key name from internal/keys. It imports engine/instance for
//     the instance's vocabulary (Direction, Action) and internal packages.
//   - engine, this package, is the pipeline. It imports engine/instance,
//     engine/store, connectors (remote calls), specs (the loaded
//     documents), transforms (mappings) and internal packages. It speaks
//     neither HTTP nor the spec language itself.
//   - engine/queue runs the engine from asynq: tasks, the worker, the
//     scheduler, the run history and webhook deliveries turned into tasks.
//     It sits above engine and imports it.
//   - engine/bench measures the engine as users run it, for `specsync
//     bench`, through the exported API of engine and engine/instance (and
//     engine/queue's webhook deliveries, for the convergence soak); it
//     also imports connectors and its mock (the stand-ins), specs,
//     transforms and internal packages.
//
// Around them: internal packages are leaves that import only each other;
// transforms imports internal; specs imports transforms; connectors
// imports specs and transforms, and its mock and conformance suite import
// connectors; the server imports the engine packages,
// connectors and internal, and reaches specs only through the engine;
// examples import engine/instance, connectors, specs and transforms; the
// command imports anything. Tests may also import the test helpers of
// internal, the mock and the conformance suites of connectors, and the
// packages above theirs that put them in context (connectors' plug-in
// registry for specs, the queue for the engine). The test in imports_test.go
// holds this graph as a table and fails on any import against it.
package engine
