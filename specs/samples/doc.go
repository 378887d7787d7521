// Package samples infers a starter OpenAPI 3.0 document from captured
// requests and responses of a system that publishes none. Infer reads the
// samples and returns the document; Marshal writes it as JSON, the same
// bytes for the same samples. The integrator completes what samples
// cannot tell (descriptions, enums, operations nobody captured).
//
// # Samples
//
// A HAR 1.2 file, as a browser's developer tools save it ("Save all as
// HAR"), or a folder. In a folder, every .har file is read, and the
// JSON-files form, which curl writes, is a tree that mirrors the URL path,
// with files named after the method:
//
//	users/GET.json                    GET /users: the response body
//	users/GET.page=2&size=50.json     GET /users?page=2&size=50
//	users/GET.page=2&size=50.headers  its status and headers (curl -D)
//	users/42/GET.json                 GET /users/42
//	users/{id}/GET.json               a folder may be a parameter already
//	users/POST.request.json           POST /users: the request body
//	users/POST.json                   its response body
//	users/POST.headers                "HTTP/1.1 201 Created", headers
//	users/POST.request.headers        request headers, "Name: value"
//	users/42/DELETE.headers           DELETE /users/42, no body
//
// A name is METHOD or METHOD.LABEL; a label that holds "=" is the query
// string, any other only tells samples apart (GET.second.json). Bodies are
// JSON; an empty file is no body. Without a .headers file the status is
// 200 with a response body and 204 without; of several header blocks in
// one (a 100 Continue, a redirect) the last counts.
//
// # What is inferred
//
// Paths: segments that are values (numbers, UUIDs, long hex or opaque
// ids, dates, e-mail addresses) become parameters named after the
// collection before them (/users/42 gives /users/{userId}). Query
// parameters with their type, required when every one of two or more
// samples sent them. Request headers that are neither ordinary nor
// credentials become optional header parameters; useful response headers
// (Link, Location, X-Total-Count, rate limits) are declared. Bodies give
// schemas merged over all samples and array items: JSON types (integer
// apart from number, a decimal in a string stays a string), nullable, the
// formats date-time, date, email, uuid and uri, required members (those in
// every object; for request bodies only from two samples on), maps keyed
// by ids. The objects a collection lists and answers become one component
// schema per collection (a bare or wrapped list, a bare or wrapped
// object), which its operations refer to; operations get conventional ids
// (listUsers, createUser, getUser, updateUser, deleteUser).
//
// Auth: an Authorization header (Bearer, Basic, Digest or another scheme),
// an API-key header or query parameter, or, failing those, a session
// cookie, become security schemes. No header value, cookie, query value
// or token is written to the document; examples, taken from bodies with
// the values of secret-looking members replaced, are written only when
// Options.Examples asks for them.
//
// Calls to other hosts than the most frequent one (a HAR capture holds a
// page's analytics too) and what is not an API call (pages, scripts,
// preflights) are skipped, and each skip is noted in Result.Notes.
package samples
