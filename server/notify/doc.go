// Package notify tells an organisation's operators when a run fails or
// leaves failed records: a Notifier implements engine.Notifier and sends
// a message to a chat webhook ({"text": ...}) and by e-mail over SMTP,
// as a Config read from a JSON or YAML file (ReadConfig) says.
//
// The queue worker calls the Notifier after each run; a channel that
// fails is reported, never fails the run.
package notify
