// Package redteam attacks specsync's processes the way a hostile partner,
// a hostile home and a crash would, and checks what is left: each run ends
// with a clear error instead of hanging, growing or panicking; a rerun
// against healthy systems converges; and no credential, each a unique
// canary, appears in any command's output, any answer of serve's HTTP
// side or any Redis value.
//
// The cases run the specsync binary (Options.Bin) against Systems, local
// HTTP servers that speak the API of fixture/home.json and
// fixture/partner.json and answer with the Fault they are told. The
// package's tests run them with `go test`; the long ones (large bodies,
// slow answers) with -redteam.long or `specsync bench --scenario redteam`.
package redteam
