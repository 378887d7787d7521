// Package corpus holds published vendor OpenAPI documents, stored
// byte-for-byte as their vendors publish them, and the tests that run
// specsync on them: each document loads through an overlay beside it,
// `specsync init` writes an overlay for it that validates, `explain` lists
// the entities, and the mock serves a list and a create of one entity.
// BenchmarkValidate measures the largest document.
//
// Each document sits in testdata/<vendor>/ with its licence (LICENSE) and
// where it came from (SOURCE.md: repository, path, commit, blob hash);
// sync.json beside it is a hand-written overlay naming one entity.
// The package has no code of its own.
package corpus
