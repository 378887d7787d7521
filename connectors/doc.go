// Package connectors executes the operations of a connector spec over HTTP,
// with no code per integration.
//
// A Client is built once per instance from a loaded spec (specs.Spec) and a
// Config carrying the instance's credentials, server variables and shared
// infrastructure (Redis for the rate limit, a Clock, a logger). It lists an
// entity page by page (List), reads one record (Get), finds one by its home
// key (Lookup) and writes records (Create, Update, Upsert, Delete). Callers
// pass bodies already produced by the write mapping; the client renders the
// operation's parameter templates, sends the request and extracts records or
// results from the response.
//
// What a spec says is carried out here:
//
//   - auth: the method named by specs.Auth's type, looked up in an
//     AuthRegistry (apiKey, basic, bearer, oauth2, tokenLogin), with tokens
//     cached, renewed before they expire and once after a 401;
//   - pagination: the style named by specs.Pagination's type, looked up in
//     a PaginatorRegistry (page, offset, cursor, nextLink, linkHeader,
//     connection), with stop rules and guards against loops;
//   - rate limits shared by every worker through Redis, a per-client cap on
//     requests in flight, and retries of transient failures honouring
//     Retry-After;
//   - GraphQL request envelopes and error arrays;
//   - request and response validation against the OpenAPI document;
//   - an outbound guard: requests go only to the spec's servers.
//
// Errors are typed (HTTPError, GraphQLError, PagingError, ValidationError,
// AuthError, CredentialError) and Classify maps any error to what the engine
// should do: retry now, retry on the next run, or give up. Secrets never
// appear in errors or logs.
//
// Auth methods and paging styles are plug-ins, one file each
// (auth_<name>.go, paginate_<name>.go) holding the config struct, whose
// struct tags document its keys, the config's checks against the spec
// (specs.PluginChecker), what a server expects of it (ServedAuth,
// ServedPaging, which the mock server emulates) and the runtime. Each
// registers in a registry value: DefaultAuth, DefaultPaginators, or both
// as DefaultPlugins, whose Describe gives specs the descriptions it
// validates, documents and builds the JSON Schema from.
//
// The package connectortest holds the conformance suite every auth method
// and paginator passes.
package connectors
