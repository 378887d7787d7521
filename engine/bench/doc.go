// Package bench measures the engine the way users run it: default
// instance options (validation on, default concurrency), a home and a
// partner on local ports, state in Redis.
//
// Run measures the scenarios of `specsync bench` and returns a Report:
//
//   - push: a full push of every home record to an empty partner, beside
//     a plain keep-alive HTTP client sending the same bodies with as many
//     workers, in records per second and CPU time per record;
//   - rerun: the time of a run over records that are all unchanged, beside
//     a pure read of the same records through the home's connector;
//   - map: the EverReal tenant write mapping applied to one record, in
//     records per second on one goroutine;
//   - memory: the peak resident memory of the process during one large
//     push against a generated home and a partner that stores nothing;
//   - bigpage: the peak resident memory and the time of a full listing,
//     through the home's connector, of a home that answers with all its
//     records in one page of Options.BigPageMB MiB.
//
// CPU time counts this process, the stand-ins included, and the Redis
// server as its INFO reports it. The engine and its baseline run in pairs, interleaved, so that both see
// the same machine; the report holds the medians. The benchmarks of this
// package's tests use the same machinery.
//
// bench uses only the exported API of engine and engine/instance. A Run is not safe for
// concurrent use with another Run on the same key namespace.
package bench
