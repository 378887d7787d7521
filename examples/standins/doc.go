// Package standins runs the systems of the real-estate example on the
// loopback interface, so that the demo and the tests synchronise real
// HTTP APIs without any account or network: the ERP (the home system, a
// REST API), EverReal (a GraphQL API with OAuth2 and a rate limit) and
// casavi (a REST API with a token login).
//
// The ERP and casavi are the spec-driven mock of package connectors/mock,
// serving examples/realestate/erp.json and casavi.json; the ERP is seeded
// with ERPData, a deterministic property portfolio with German names and
// addresses and two deliberately broken records. EverReal is its own
// GraphQL server (EverReal, built with graph-gophers/graphql-go) whose
// schema holds EverReal's published TenantInput and enforces its rules:
// upserts keyed by external id, detaching deletes, no removal of tenants
// with contracts, expiring OAuth2 tokens and 300 requests a minute.
//
// Start runs all three and renders the example's instance files
// (examples/realestate/instances) to point at them. The engine never
// imports this package.
package standins
