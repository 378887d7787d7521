// Package mock serves a connector spec from memory, as a stand-in for the
// system the spec describes. Tests, examples and benchmarks run connectors
// and the engine against it.
//
// A Server implements every entity's declared operations from the x-sync
// extension alone: list (with the spec's own pagination style: page,
// offset, cursor, next link, Link header or GraphQL connection, plus the
// total and has-more values its stop rules name), get, lookup by key,
// create, update, upsert by key, and delete or detach. REST requests are
// routed by the document's path templates, with or without the servers'
// base path; GraphQL requests by matching their query against the
// operations' documents. Requests are validated against the document
// (400 with a problem body naming each offending field).
// Write bodies are JSON objects, or form fields where the request is
// application/x-www-form-urlencoded (as Twilio's writes are): a field given
// more than once, or declared an array, becomes a list of strings.
//
// Records live in one collection per API resource: entities whose
// operations share a path (casavi's tenants and owners are both contacts)
// share their records. A record is found by its id or, failing that, by
// its key. The server assigns ids on create when the entity has an id path,
// stamps the incremental field on every write, and filters lists by it.
// Updates merge the body's top-level fields into the stored record. A
// delete in detach mode keeps the record with "detached": true; lists leave
// detached records out, get and Records show them, and a later update or
// upsert attaches them again.
//
// Auth is emulated: API keys, basic credentials and bearer tokens are
// accepted when present (Options.RequireAuth refuses missing ones); a
// token login operation and an OAuth2 token endpoint hand out tokens that
// expire after Options.TokenTTL, and only those are accepted. The token
// endpoint is served at the token URL's path when that URL is relative, on
// localhost, or has a server variable as its host.
//
// Faults are injected from a seeded random source: errors, a rate limit
// answered with 429 and Retry-After, latency and spikes, connection resets
// and truncated pages. Stats counts requests, writes and faults, so tests
// can prove "no duplicates" or "zero writes".
package mock
