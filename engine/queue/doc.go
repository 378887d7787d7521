// Package queue runs the engine from an asynq queue: the task types and
// their payloads (a run, a ledger retry, the sync of one record), the
// Worker that handles them one instance at a time, the schedules and the
// scheduler that enqueue runs, the Recorder through which every run (of
// the queue, the command line or the demo) is recorded, the run History
// (whose records are marked with their format version; one of another
// format is refused, see package internal/stored), and webhook deliveries
// turned into record tasks (Webhook, WebhookTokens).
//
// It sits above package engine and imports it, engine/instance and
// engine/store; nothing of the engine imports it.
package queue
