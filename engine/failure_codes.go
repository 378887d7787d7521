package engine

import "strconv"

// FailureCode is the stable, machine-readable cause of a failed record: the
// code of its ledger entry, and the first word of its audit entry and of
// its line in a plan. Codes are a contract like the finding codes: tools
// and alerts match on them, so a code is never renamed or reused for
// another meaning. docs/failure-codes.md lists them, generated from the
// doc comments below (go test ./engine -run TestFailureCodesDoc -update).
//
// The first paragraph of each doc comment says when the code is given,
// the second what the operator does about it.
type FailureCode string

// Codes of records that stop before their write.
const (
	// CodeMissingKey is given when a home record has no value at the key
	// of its entity, so it cannot be matched with anything.
	//
	// Fill the key in the home system, or point the entity's key at a
	// field every record has; the record is read again on the next run.
	CodeMissingKey FailureCode = "missing-key"
	// CodeMapping is given when the read or write mapping of a record, or
	// its `when` template, fails: a template or filter error, or a
	// required field that renders empty. Values of personal fields are
	// masked in the message.
	//
	// Fix the record's data or the mapping the message names; the record
	// is mapped again on the next run.
	CodeMapping FailureCode = "mapping"
	// CodeTemplateLimit is given when a template of the record's mapping,
	// `when` or include goes over a limit of its render: its time, its
	// output, its loop iterations, or a filter asked to build more than a
	// filter may (a padding width beyond 16777216). The render stops at
	// the limit; the run goes on with the other records.
	//
	// Make the template do less (the message names the field and the
	// limit), or raise the spec's x-sync limits, up to their maxima; the
	// record is mapped again on the next run.
	CodeTemplateLimit FailureCode = "template-limit"
	// CodeInclude is given when an include of the record cannot be read:
	// its key template fails, or reading the related record fails.
	//
	// Check the include the message names and the related system; the
	// record is read again on the next run.
	CodeInclude FailureCode = "include"
	// CodeMissingReference is given when a record refers (through `ids.*`)
	// to a related record that has no id in the destination system yet:
	// it was not synchronised, or it failed.
	//
	// Usually nothing: the record is retried on the next run, once the
	// related record is synchronised. If it stays, look at the related
	// record's own failure.
	CodeMissingReference FailureCode = "missing-reference"
	// CodeMatch is given when the entity declares a match step and the
	// listing of the partner's records it needs failed, or the partner
	// holds more records than one index may keep: whether the record is
	// there already is unknown, so it is not created.
	//
	// Check the message and the partner's list operation; the record is
	// retried on the next run. For a partner larger than the index,
	// remove the match step once it has adopted the existing records.
	CodeMatch FailureCode = "match"
	// CodeAmbiguousMatch is given when more than one partner record has
	// the record's match key, so it is not clear which one to adopt.
	//
	// Remove the duplicates at the partner, or choose a match key that
	// tells them apart; the record is retried on the next run.
	CodeAmbiguousMatch FailureCode = "ambiguous-match"
	// CodeUncertain is given when a create was sent before (its intent is
	// left) but its answer never arrived, because the process was killed
	// or the connection broke, and the entity offers no way to find out
	// whether the partner stored the record: no upsert, no lookup, no
	// match step and no idempotency key. The record is not created again
	// until an operator says what happened; each run that meets it again
	// keeps it in the ledger and audits it as failed with this code.
	//
	// Look for the record in the destination system. If it is there, run
	// `specsync resolve INSTANCE --key KEY --created ID` with its id (the
	// next run compares it and writes it over); if not, run `specsync
	// resolve INSTANCE --key KEY --absent` and the next run creates it.
	// The admin API does the same (POST /api/instances/ID/resolve). A
	// lookup, match step or idempotency key lets the engine settle such
	// creates itself.
	CodeUncertain FailureCode = "uncertain"
	// CodeInvalidText is given when a record read from either system (a
	// listed page, a lookup, a related record, a write's answer) holds a
	// string that is not clean text: bytes that are not UTF-8, a lone
	// surrogate escape or a NUL character, and the instance option
	// invalidText is fail (the default). The message names each field by
	// JSON pointer into the record.
	//
	// Fix the text in the system that sent it; the record is read again
	// on the next run. To take such records with the text repaired
	// (U+FFFD, NULs dropped), set invalidText to replace.
	CodeInvalidText FailureCode = "invalid-text"
	// CodeResolved is given when an operator resolved an uncertain create
	// (specsync resolve): not a failure, the record waits in the ledger
	// so that the next run reads it again, even an incremental one, and
	// creates it (resolved as absent) or compares and updates it
	// (resolved as created).
	//
	// Nothing to do; the record leaves the ledger once the next run has
	// written it.
	CodeResolved FailureCode = "resolved"
)

// Codes of writes that failed.
const (
	// CodeValidation is given when the request or the answer of a write
	// does not match the destination's spec, in strict validation mode.
	//
	// Fix the mapping or the spec so that they agree with the system, or
	// relax the validation mode.
	CodeValidation FailureCode = "validation"
	// CodeMaybeWritten is given when a create failed in a way that leaves
	// open whether the system stored the record (a timeout, a reset
	// connection, a 5xx) and it could not be retried safely: the operation
	// has no idempotency key and the entity no lookup.
	//
	// Check in the destination system whether the record exists; give the
	// entity a lookup or the operation an idempotency key so the engine
	// can find out itself. The next run settles the record by its lookup,
	// match step or idempotency key; without any, it becomes uncertain.
	CodeMaybeWritten FailureCode = "maybe-written"
	// CodeGraphQL is given when a GraphQL answer carries errors, even with
	// status 200 and partial data.
	//
	// Read the errors in the message; fix the data or the mutation.
	CodeGraphQL FailureCode = "graphql"
	// CodePaging is given when a listing the write needed (the lookup
	// before a create) could not be completed.
	//
	// Check the pagination of the lookup's operation and the system's
	// answers; the record is retried on the next run.
	CodePaging FailureCode = "paging"
	// CodeTransient is given when a write still failed on a passing fault
	// (a timeout, a refused or reset connection, a truncated answer) after
	// its retries.
	//
	// Usually nothing: the record is retried on the next run. If it stays,
	// check that the system is reachable and the run's timeouts.
	CodeTransient FailureCode = "transient"
	// CodeError is given when a write failed with an error no other code
	// describes.
	//
	// Read the message; the record is retried on the next run.
	CodeError FailureCode = "error"
	// CodeAborted is given when a write was never sent, or was cut short,
	// because the run stopped (cancelled, or a fault that ends the run),
	// and when the write met that fault itself: credentials the system
	// refuses, an outbound URL refused. It shows in the audit and the plan
	// but not in the ledger.
	//
	// Nothing for the record: the next run reads it again. Fix the fault
	// the run's error names.
	CodeAborted FailureCode = "aborted"
)

// HTTPFailure is the code http-NNN, given when the destination system
// answered a write with HTTP status NNN (401, 404, 409, 422, 500...),
// unless the write is maybe-written.
//
// Read the system's answer in the message: a 4xx usually means the data
// or the credentials are wrong, a 5xx that the system failed. Whether the
// record is retried depends on the status.
func HTTPFailure(status int) FailureCode {
	return FailureCode("http-" + strconv.Itoa(status))
}
