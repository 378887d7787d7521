package specs

// Finding codes. They are a stable contract: tools and golden files match
// on them, so a code is never renamed or reused for another meaning.
const (
	// CodeParseError: the file cannot be read or parsed at all. Load returns
	// it as an error wrapping ErrUnreadable; ValidateFiles turns that error
	// into a finding.
	CodeParseError = "parse-error"
	// CodeOpenAPIInvalid: the OpenAPI part is not valid OpenAPI, in a part
	// the x-sync uses (or the document cannot be built at all).
	CodeOpenAPIInvalid = "openapi-invalid"
	// CodeOpenAPIUnusedInvalid: a fault of the OpenAPI document in a part
	// the x-sync does not use; a warning, which `validate` shows only with
	// --all.
	CodeOpenAPIUnusedInvalid = "openapi-unused-invalid"
	// CodeOpenAPIExampleInvalid: an example (or, in OpenAPI 3.1, a
	// default) of a used part does not match its schema; a warning, since
	// it only documents.
	CodeOpenAPIExampleInvalid = "openapi-example-invalid"
	// CodeOpenAPITolerated: a fault of a used part of the OpenAPI document
	// that has one clear reading, which is applied (a boolean
	// exclusiveMinimum in OpenAPI 3.1); a warning.
	CodeOpenAPITolerated = "openapi-tolerated"
	// CodeExternalRefRefused: a $ref leaves the spec's folder or names a URL.
	CodeExternalRefRefused = "external-ref-refused"
	// CodeOverlayInvalid: an overlay that cannot be applied: no usable
	// "extends", an extended document that cannot be read or is an
	// overlay itself, a malformed action or JSONPath target.
	CodeOverlayInvalid = "overlay-invalid"
	// CodeOverlayTargetUnmatched: an OpenAPI Overlay action whose target
	// selects nothing in the extended document (a warning).
	CodeOverlayTargetUnmatched = "overlay-target-unmatched"
	// CodeMissingXSync: the document has no x-sync.
	CodeMissingXSync = "missing-x-sync"
	// CodeUnknownKey: a key the language does not have.
	CodeUnknownKey = "unknown-key"
	// CodeInvalidType: a value of the wrong JSON type.
	CodeInvalidType = "invalid-type"
	// CodeInvalidValue: a value of the right type that is not allowed (enum,
	// duration, range, duplicate key).
	CodeInvalidValue = "invalid-value"
	// CodeMissingKey: a required key is absent.
	CodeMissingKey = "missing-key"
	// CodeEmptyChoice: a choice (a credential's source) sets none of its
	// options.
	CodeEmptyChoice = "empty-choice"
	// CodeAmbiguousChoice: a choice sets several of its options.
	CodeAmbiguousChoice = "ambiguous-choice"
	// CodeUnknownType: an auth or pagination type that no registered
	// plug-in has.
	CodeUnknownType = "unknown-type"
	// CodeOldPluginShape: an auth or pagination object that names its
	// method or style by a key holding its config, instead of by "type".
	CodeOldPluginShape = "old-plugin-shape"
	// CodeUnknownOperation: no operation has that operationId.
	CodeUnknownOperation = "unknown-operation"
	// CodeUnknownEntity: a model or spec entity that does not exist.
	CodeUnknownEntity = "unknown-entity"
	// CodeUnknownParameter: a parameter (or GraphQL variable) the operation
	// does not have.
	CodeUnknownParameter = "unknown-parameter"
	// CodeMissingParameter: a required path parameter has no template.
	CodeMissingParameter = "missing-parameter"
	// CodeUnknownResponseField: a response path the response schema does not
	// have.
	CodeUnknownResponseField = "unknown-response-field"
	// CodeUnknownWriteField: a write field the target schema does not
	// have, or a field named in an entity's `fields` (or an instance's
	// fieldSourceOfTruth) that the entity neither writes nor reads.
	CodeUnknownWriteField = "unknown-write-field"
	// CodeUnknownCompareField: a compare field the write mapping does not
	// write.
	CodeUnknownCompareField = "unknown-compare-field"
	// CodeUnmappedRequiredField: a required field of the target schema that
	// the write mapping does not write.
	CodeUnmappedRequiredField = "unmapped-required-field"
	// CodeUnknownModelField: a read target, key, reference or personal field
	// the model does not have.
	CodeUnknownModelField = "unknown-model-field"
	// CodeUnknownSchema: a schema pointer that resolves to nothing.
	CodeUnknownSchema = "unknown-schema"
	// CodeTemplateError: a template does not compile.
	CodeTemplateError = "template-error"
	// CodeTemplateLimit: a template that compiles but whose constant
	// arguments or loops already go over the spec's template limits.
	CodeTemplateLimit = "template-limit"
	// CodeLiteralSecret: a secret written into the spec instead of a
	// reference.
	CodeLiteralSecret = "literal-secret"
	// CodeMissingOperation: an entity with neither a list nor a write
	// operation.
	CodeMissingOperation = "missing-operation"
	// CodeMissingGraphQL: GraphQL settings missing on one side.
	CodeMissingGraphQL = "missing-graphql"
	// CodeMissingInput: a GraphQL write operation without input or variable.
	CodeMissingInput = "missing-input"
	// CodeUnknownSecurityScheme: the auth method matches none of the
	// document's security schemes (a warning).
	CodeUnknownSecurityScheme = "unknown-security-scheme"
	// CodeWriteWithoutKey: a write mapping that does not write the entity's
	// key field (a warning).
	CodeWriteWithoutKey = "write-without-key"
	// CodeCreateNotCrashSafe: an entity that creates records but has no
	// upsert, lookup, match step or idempotency key, so that a create
	// whose answer was lost cannot be settled without an operator (a
	// warning).
	CodeCreateNotCrashSafe = "create-not-crash-safe"
	// CodeReferenceCycle: model references form a cycle.
	CodeReferenceCycle = "reference-cycle"
	// CodeUnclearedField: a mapped field that a merge-style update
	// cannot clear when it becomes empty: its clear policy is omit, or its
	// schema admits neither null nor an empty value (a warning).
	CodeUnclearedField = "uncleared-field"
	// CodeInvalidPath: a dotted path into a payload has an empty segment.
	CodeInvalidPath = "invalid-path"
	// CodeUnsetVariable: an environment variable that a credential
	// references is not set, or is empty, where the instance is applied (a
	// warning: the process that runs it may have it).
	CodeUnsetVariable = "unset-variable"
	// CodeTodo: a note in a `todo` list of x-sync or of an entity, left by
	// specsync init for a decision it could not take (a warning).
	CodeTodo = "todo"
)
