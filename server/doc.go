// Package server is the HTTP side of `specsync serve`: the admin API
// (bearer token, validated against its own OpenAPI document served at
// /openapi.json), the webhook endpoint that turns partner events into
// single-record syncs, the console (sign-in, sessions, pages and
// confirmed operator actions), the queue monitor, Prometheus
// metrics and the health checks.
//
// The package sits above the engine and owns no sync logic: it reads and
// changes instances through engine.InstanceStore (an applied instance is
// stored with its documents, read by engine.Capture), builds webhook
// checkers from the applied documents with engine.LoadWebhook (it never
// loads specs itself), enqueues engine
// tasks with asynq and reads the run history, the failure ledger and the
// audit log the engine keeps. Notifications to operators live in the
// sub-package notify.
package server
