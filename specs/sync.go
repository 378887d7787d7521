package specs

import (
	"time"

	"github.com/specsync/specsync/transforms"
)

// Sync is the decoded `x-sync` extension at the root of a connector spec.
// It says, per model entity, which operations read and write it, how lists
// page, how incremental reads filter, how fast the system may be called and
// how each field is transformed. The zero value describes a system with no
// entities; Validate reports what is missing.
//
// Values of Sync are immutable after loading and safe for concurrent use.
type Sync struct {
	// System names the system ("everreal", "casavi", "erp"). Required; it
	// appears in audit entries and metrics.
	System string `json:"system" doc:"Name of the system, used in audit entries and metrics." example:"everreal"`
	// Auth says how every request authenticates. Nil means no auth.
	Auth *Auth `json:"auth,omitempty" doc:"How requests authenticate: the auth method chosen by type."`
	// GraphQL marks the spec as a GraphQL API: operations that carry a
	// `graphql` document are sent to this endpoint as a request envelope.
	GraphQL *GraphQL `json:"graphql,omitempty" doc:"GraphQL endpoint settings, for partners that speak GraphQL over one HTTP operation."`
	// RateLimit caps the request rate of all workers of an installation
	// that call the system with one account, together. Nil means
	// unlimited.
	RateLimit *RateLimit `json:"rateLimit,omitempty" doc:"Request rate shared by every worker calling the system with one account."`
	// Retry governs retries of transient failures. Nil uses the defaults
	// documented on Retry.
	Retry *Retry `json:"retry,omitempty" doc:"Retries of transient failures (5xx, timeouts, 429)."`
	// Pagination is the default for every list operation; an entity's own
	// pagination replaces it.
	Pagination *Pagination `json:"pagination,omitempty" doc:"Default pagination of list operations."`
	// Entities maps a name local to this spec (usually the partner's own
	// word: "tenant", "propertyGroup") to how it is synchronised.
	Entities map[string]*Entity `json:"entities" doc:"Synchronised entities, by a name local to this spec."`
	// Webhooks describes the events the system sends. Nil means none.
	Webhooks *Webhooks `json:"webhooks,omitempty" doc:"Webhook events the system sends and how to verify them."`
	// Limits bound each render of the spec's templates. Nil uses the
	// defaults documented on Limits.
	Limits *Limits `json:"limits,omitempty" doc:"Time, output and loop budgets of each render of the spec's templates; a record whose render goes over one fails with template-limit."`
	// Todo lists what is still to decide, as notes that specsync init
	// writes and the integrator removes once done. Each is reported as the
	// warning todo. Empty means nothing is open.
	Todo []string `json:"todo,omitempty" doc:"Open decisions, one note each (written by specsync init); each is reported as a warning until removed."`
}

// Limits bound one render of a template, or of a mapping for one record
// (all its templates together). Zero fields take the defaults; values
// above the hard maxima (transforms.MaxLimits) are errors.
type Limits struct {
	// TemplateTime is the longest a render may take. Zero means 1s; at
	// most 30s.
	TemplateTime Duration `json:"templateTime,omitempty" default:"1s" doc:"Longest time one render may take; at most 30s." example:"2s"`
	// TemplateOutput is the most bytes a render may produce. Zero means
	// 16777216 (16 MiB), so that a record's own large text passes through;
	// at most 67108864.
	TemplateOutput int `json:"templateOutput,omitempty" default:"16777216" doc:"Most bytes of text one render may produce (a mapping: all its fields together); at most 67108864." example:"33554432"`
	// LoopIterations is the most loop iterations of a render, nested
	// loops counted each time. Zero means 100000; at most 10000000.
	LoopIterations int `json:"loopIterations,omitempty" default:"100000" doc:"Most iterations of for loops in one render, nested loops counted each time; at most 10000000." example:"1000000"`
}

// Templates returns the limits as the template environment takes them;
// nil l gives the defaults.
func (l *Limits) Templates() transforms.Limits {
	if l == nil {
		return transforms.Limits{}
	}
	return transforms.Limits{Time: l.TemplateTime.Std(), Output: l.TemplateOutput, Iterations: l.LoopIterations}
}

// Entity describes how one model entity is read from and written to the
// system.
type Entity struct {
	// Model is the model entity this maps to ("lease"). Required.
	Model string `json:"model" doc:"Model entity this entity maps to." example:"lease"`
	// Key is the path, in the API object, of the field that carries the home
	// system's key ("externalTenantId"). On the home system it is the key
	// itself. Required.
	Key string `json:"key" doc:"Path in the API object of the field holding the home key." example:"externalTenantId"`
	// ID is the path, in the API object, of the system's own id. Empty means
	// the key is the id.
	ID string `json:"id,omitempty" doc:"Path in the API object of the system's own id; empty when the key is the id." example:"id"`
	// SourceOfTruth says which side owns this entity: "home" (default) or
	// "partner". Changes on the other side are overwritten and logged.
	SourceOfTruth Side `json:"sourceOfTruth,omitempty" enum:"home,partner" default:"home" doc:"Which side owns the entity's values."`
	// When is a template evaluated per record before writing; a record for
	// which it renders empty, "false" or "0" is not synchronised (casavi
	// only receives units that have a tenant). Empty means every record.
	When string `json:"when,omitempty" doc:"Template; the record is synchronised only when it renders true." example:"{{ unit.tenant_id }}"`
	// Include names related model records a mapping needs, each with a
	// template rendering its key from the record ("unit": "{{ lease.unit_id }}").
	// The map key is the model entity name, also the template variable.
	Include map[string]string `json:"include,omitempty" doc:"Related model records available to the write mapping, by entity name, each with a template for its key."`
	// Personal lists the model fields that hold personal data; they are
	// masked in audit entries and plans.
	Personal []string `json:"personal,omitempty" doc:"Model fields holding personal data, masked in the audit log."`

	List   *Operation `json:"list,omitempty" doc:"Lists records, page by page."`
	Get    *Operation `json:"get,omitempty" doc:"Reads one record by id or key."`
	Lookup *Operation `json:"lookup,omitempty" doc:"Finds a record by its home key before each create; a record found is adopted, not created again."`
	Create *Operation `json:"create,omitempty" doc:"Creates a record."`
	Update *Operation `json:"update,omitempty" doc:"Updates a record."`
	Upsert *Operation `json:"upsert,omitempty" doc:"Creates or updates a record by its key."`
	Delete *Operation `json:"delete,omitempty" doc:"Deletes or detaches a record."`
	// Match, on a partner's entity, lists the partner once before the
	// first create of a push and takes over the records it already holds
	// instead of creating them again. Nil means no such step.
	Match *Match `json:"match,omitempty" doc:"Lists the partner once before the first creates of a push and adopts the records it already holds, matched by key."`
	// Erase removes a record for good, when a person's data must be
	// erased (specsync erase) and Delete only detaches it. Nil means
	// erasing uses Delete, which must then remove (mode "remove").
	Erase *Operation `json:"erase,omitempty" doc:"Removes a record for good, for erasing a person's data; needed when delete only detaches."`

	// Pagination overrides the spec's default for this entity's list.
	Pagination *Pagination `json:"pagination,omitempty" doc:"Pagination of this entity's list; replaces the spec default."`
	// Incremental fills a modified-since filter of the list from the stored
	// cursor. Nil means every run reads everything.
	Incremental *Incremental `json:"incremental,omitempty" doc:"Modified-since filter of the list operation."`

	// Read maps an API object to a model record. Omitted means identity.
	Read Mapping `json:"read,omitempty" doc:"Templates mapping an API object to model fields (pull). Omitted means identity."`
	// Write maps a model record and its includes to the API body. Omitted
	// means identity.
	Write Mapping `json:"write,omitempty" doc:"Templates mapping a model record to the request body (push). Omitted means identity."`
	// Compare projects an API object of this entity onto the fields of its
	// write mapping, for reconcile, when the objects the system lists are
	// not shaped like the bodies it is sent: field path -> template over
	// the object. Only the fields it names are compared. Omitted means the
	// object's values at the write mapping's paths.
	Compare Mapping `json:"compare,omitempty" doc:"Templates projecting a listed API object onto the write mapping's fields, for reconcile; only the fields it names are compared. Omitted compares the object's values at the write mapping's paths."`

	// Clear is the entity's default ClearPolicy for top-level fields of
	// the written body that become empty. Empty means: null where the
	// field's schema is nullable (or unknown), else the type's empty
	// value ("" / [] / {}), else the field cannot be cleared.
	Clear ClearPolicy `json:"clear,omitempty" enum:"null,empty,omit" doc:"What an update sends for a field sent before and now empty: null, the type's empty value, or nothing (omit). Default: null where the schema allows it, else the empty value."`
	// Fields holds options per top-level field of the written body, by
	// field name.
	Fields map[string]*FieldOptions `json:"fields,omitempty" doc:"Options per top-level field of the written body, by field name."`

	// Todo lists what is still to decide about this entity, as notes that
	// specsync init writes and the integrator removes once done. Each is
	// reported as the warning todo. Empty means nothing is open.
	Todo []string `json:"todo,omitempty" doc:"Open decisions about this entity, one note each (written by specsync init); each is reported as a warning until removed."`
}

// FieldOptions are the options of one top-level field of an entity's
// written body.
type FieldOptions struct {
	// Clear overrides the entity's ClearPolicy for this field.
	Clear ClearPolicy `json:"clear,omitempty" enum:"null,empty,omit" doc:"What an update sends when the field was sent before and is now empty; overrides the entity's clear."`
	// SourceOfTruth says which side owns the field, overriding the
	// entity's: a push never overwrites a field the partner owns once the
	// record exists there, and a pull never overwrites one the home owns.
	// Empty keeps the entity's.
	SourceOfTruth Side `json:"sourceOfTruth,omitempty" enum:"home,partner" doc:"Which side owns the field's value, overriding the entity's sourceOfTruth."`
}

// ClearOf returns the clear policy declared for a top-level field of the
// written body: the field's own, else the entity's; "" when neither
// declares one.
func (e *Entity) ClearOf(field string) ClearPolicy {
	if o := e.Fields[field]; o != nil && o.Clear != "" {
		return o.Clear
	}
	return e.Clear
}

// Match is the bulk matching step of an entity: the partner's records are
// listed with the entity's list operation (all pages, never filtered by
// the cursor) and indexed by a match key; a home record the state knows
// no partner id for, whose match key is in the index, is adopted instead
// of created. Both templates must render the same text for the same
// record; a record whose key renders empty is not matched.
type Match struct {
	// Key is a template over a partner record (as `record` and the
	// entity's name) rendering its match key. Empty means the value at the
	// entity's key path.
	Key string `json:"key,omitempty" doc:"Template over a partner record (as record) rendering its match key; defaults to the value at the entity's key path." example:"{{ record.email|lower }}"`
	// Home is a template over the home's model record (as `record` and the
	// model entity's name) rendering the same match key. Empty means the
	// record's home key.
	Home string `json:"home,omitempty" doc:"Template over the home's model record (as record) rendering the same match key; defaults to the home key." example:"{{ person.email|lower }}"`
}

// Operation points at an operation of the OpenAPI document and says how to
// fill its parameters and read its response.
type Operation struct {
	// Operation is the operationId in `paths`. Required.
	Operation string `json:"operation" doc:"operationId of the OpenAPI operation." example:"upsertTenant"`
	// Params fills path, query, header and cookie parameters by name, each a
	// template over the record ("{{ id }}").
	Params map[string]string `json:"params,omitempty" doc:"Templates for path, query, header and cookie parameters, by parameter name."`
	// GraphQL is the query or mutation document sent in the envelope, for
	// GraphQL specs.
	GraphQL string `json:"graphql,omitempty" doc:"GraphQL query or mutation sent in the request envelope." example:"mutation($t: TenantInput){ upsertTenant(tenant: $t){ id } }"`
	// Variable is the GraphQL variable that receives the write mapping's
	// result (the input object).
	Variable string `json:"variable,omitempty" doc:"GraphQL variable that receives the mapped body." example:"t"`
	// Variables fills further GraphQL variables, each a template.
	Variables map[string]string `json:"variables,omitempty" doc:"Templates for further GraphQL variables."`
	// Input is a JSON pointer to the schema the write mapping must satisfy
	// ("#/components/schemas/TenantInput"). Empty means the operation's JSON
	// request body schema; GraphQL operations need it.
	Input string `json:"input,omitempty" doc:"JSON pointer to the schema the mapped body must satisfy; defaults to the request body schema." example:"#/components/schemas/TenantInput"`
	// Records is the path of the record array in a list response
	// ("data.tenants.items"). Empty means the response is the array.
	Records string `json:"records,omitempty" doc:"Dotted path of the record array in the response; empty means the body is the array." example:"data.tenants.items"`
	// Result is the path of the written object, or of its id, in a write
	// response ("data.upsertTenant.id"). Empty means the whole body.
	Result string `json:"result,omitempty" doc:"Dotted path of the written object or its id in the response." example:"data.upsertTenant.id"`
	// Mode, for deletes, says what the partner does: "remove" (default)
	// erases the record, "detach" only ends the integration's ownership.
	Mode DeleteMode `json:"mode,omitempty" enum:"remove,detach" default:"remove" doc:"For delete: remove the record, or only detach it from the integration."`
	// Replace, for update and upsert, says the system replaces the whole
	// record with the body: fields the body leaves out are dropped, so
	// nothing needs clearing. Without it an update is taken to keep the
	// fields it leaves out, whatever its method.
	Replace bool `json:"replace,omitempty" doc:"For update and upsert: the system replaces the whole record with the body, dropping the fields it leaves out, so none needs clearing. Without it, absent fields are taken to be kept (as PATCH does), whatever the method."`
	// IdempotencyKey names a request header that makes a create safe to
	// retry; its value is derived from the record key and payload hash.
	IdempotencyKey string `json:"idempotencyKey,omitempty" doc:"Request header carrying an idempotency key, making a create safe to retry." example:"Idempotency-Key"`
}

// Incremental describes a modified-since filter.
type Incremental struct {
	// Param is the parameter (or, for GraphQL, the dotted variable path)
	// that receives the cursor. Required.
	Param string `json:"param" doc:"Query parameter or GraphQL variable path that receives the cursor." example:"modifiedAfter"`
	// Field is the path, in the API object, of its modification time; the
	// largest value read becomes the next cursor. Required.
	Field string `json:"field" doc:"Path in the API object of its modification time." example:"updatedAt"`
	// Format is how the cursor is written: TimeRFC3339 (default), TimeUnix
	// or a Go time layout.
	Format TimeFormat `json:"format,omitempty" default:"rfc3339" doc:"Layout of the cursor value: rfc3339, unix or a Go time layout."`
	// Lookback is subtracted from the stored cursor to tolerate clock skew.
	// Zero means 5m.
	Lookback Duration `json:"lookback,omitempty" default:"5m" doc:"Subtracted from the stored cursor, for clock skew."`
}

// GraphQL configures a GraphQL endpoint.
type GraphQL struct {
	// Operation is the operationId of the HTTP operation that takes the
	// GraphQL envelope (POST /graphql). Required.
	Operation string `json:"operation" doc:"operationId of the HTTP operation that takes GraphQL envelopes." example:"graphql"`
	// Errors is the path of the error array in a response. Default "errors".
	Errors string `json:"errors,omitempty" default:"errors" doc:"Dotted path of the error array in a response."`
}

// RateLimit is a token bucket shared through Redis by all workers calling
// the system with one account (Scope).
type RateLimit struct {
	// Requests allowed per Per. Required and positive.
	Requests int `json:"requests" minimum:"1" doc:"Requests allowed per period." example:"300"`
	// Per is the period. Zero means 1s.
	Per Duration `json:"per,omitempty" default:"1s" doc:"Length of the period." example:"1m"`
	// Burst is the bucket size. Zero means Requests.
	Burst int `json:"burst,omitempty" doc:"Largest burst; defaults to requests."`
	// Concurrency caps requests in flight per process. Zero means 4.
	Concurrency int `json:"concurrency,omitempty" default:"4" doc:"Requests in flight per process."`
	// Scope says who shares the limit: ScopeAccount, every instance
	// calling the system with the same credential references at the same
	// server, or ScopeInstance, each instance alone. Empty means
	// ScopeAccount.
	Scope RateLimitScope `json:"scope,omitempty" enum:"account,instance" default:"account" doc:"Who shares the limit: every instance on one partner account (same credentials, same server), or each instance alone."`
}

// Retry configures retries of transient failures.
type Retry struct {
	// MaxAttempts counts the first try. Zero means 5.
	MaxAttempts int `json:"maxAttempts,omitempty" default:"5" doc:"Attempts per request, the first included."`
	// InitialBackoff before the second attempt. Zero means 200ms.
	InitialBackoff Duration `json:"initialBackoff,omitempty" default:"200ms" doc:"Wait before the second attempt; doubles each time, with jitter."`
	// MaxBackoff caps one wait. Zero means 30s.
	MaxBackoff Duration `json:"maxBackoff,omitempty" default:"30s" doc:"Longest single wait."`
	// Budget caps the total time spent retrying one request. Zero means 2m.
	Budget Duration `json:"budget,omitempty" default:"2m" doc:"Total time one request may spend in retries."`
}

// Webhooks describes incoming events.
type Webhooks struct {
	// Event is the path of the event type in the payload ("operation").
	// Required.
	Event string `json:"event" doc:"Dotted path of the event type in the payload." example:"operation"`
	// ID is the path of the event's id in the payload, when the sender
	// gives one: a delivery whose id was seen within the dedupe window is
	// a repeat. Empty means a delivery is a repeat when its event, record
	// and payload are the same.
	ID string `json:"id,omitempty" doc:"Dotted path of the event's id in the payload; a delivery with an id seen within the instance's dedupeWindow is acknowledged and not run again. Without it, a delivery is a repeat when its event, record and payload are the same." example:"eventId"`
	// Signature, when set, is verified on every delivery.
	Signature *Signature `json:"signature,omitempty" doc:"Signature check of deliveries: an HMAC, with an optional timestamp, or the stripe or standard-webhooks format."`
	// Events maps event types to the single-record sync they trigger.
	Events map[string]*WebhookEvent `json:"events" doc:"Event types and the single-record sync each triggers."`
}

// Signature is an HMAC of each delivery, in one of the formats. With a
// timestamp (a timestamp header, or the stripe and standard-webhooks
// formats, which always carry one) a delivery outside Tolerance, and a
// repeat of a signature already received, are refused.
type Signature struct {
	// Format is FormatHMAC (default), FormatStripe or
	// FormatStandardWebhooks.
	Format SignatureFormat `json:"format,omitempty" enum:"hmac,stripe,standard-webhooks" default:"hmac" doc:"How the signature is made: hmac (an HMAC of the body, or of content with a timestamp, in header), stripe (Stripe-Signature: t=...,v1=...) or standard-webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,...; Svix sends them as svix-...)."`
	// Header carries the signature. Required for FormatHMAC; empty means
	// Stripe-Signature (stripe) or webhook-signature (standard-webhooks).
	Header string `json:"header,omitempty" doc:"Header carrying the signature. Required for hmac; stripe defaults to Stripe-Signature, standard-webhooks to webhook-signature." example:"X-Signature"`
	// Secret is the HMAC key, by reference.
	Secret Credential `json:"secret" doc:"HMAC secret, by reference. standard-webhooks: the base64 key after an optional whsec_ prefix."`
	// Algorithm of FormatHMAC. Empty means HMACSHA256.
	Algorithm SignatureAlgorithm `json:"algorithm,omitempty" enum:"hmac-sha256,hmac-sha1" default:"hmac-sha256" doc:"HMAC algorithm (hmac format)."`
	// Encoding of FormatHMAC. Empty means EncodingHex.
	Encoding SignatureEncoding `json:"encoding,omitempty" enum:"hex,base64" default:"hex" doc:"Encoding of the signature (hmac format)."`
	// Prefix of FormatHMAC: text before the signature in the header.
	Prefix string `json:"prefix,omitempty" doc:"Text before the signature in the header (hmac format)." example:"sha256="`
	// Timestamp is the header carrying the delivery's Unix time in
	// seconds. FormatHMAC: empty means the signature carries no time;
	// FormatStandardWebhooks: empty means webhook-timestamp; FormatStripe
	// reads it from its signature header.
	Timestamp string `json:"timestamp,omitempty" doc:"Header carrying the delivery's Unix time in seconds, which the signature covers. hmac: none by default, and with one the signed content is content; standard-webhooks defaults to webhook-timestamp; stripe reads t= from its signature header." example:"X-Timestamp"`
	// Content is what FormatHMAC with a Timestamp signs: {timestamp} and
	// {body} replaced by the header's value and the raw body. Empty means
	// "{timestamp}.{body}".
	Content string `json:"content,omitempty" doc:"What an hmac signature with a timestamp covers: {timestamp} and {body} stand for the timestamp header's value and the raw body. Default {timestamp}.{body}." example:"v0:{timestamp}:{body}"`
	// ID is the header of the message id of FormatStandardWebhooks. Empty
	// means webhook-id.
	ID string `json:"id,omitempty" doc:"Header carrying the message id (standard-webhooks)." default:"webhook-id" example:"svix-id"`
	// Tolerance is how far a delivery's timestamp may be from this
	// server's clock, either way. Zero means DefaultSignatureTolerance;
	// at most MaxSignatureTolerance.
	Tolerance Duration `json:"tolerance,omitempty" default:"5m" doc:"How far a delivery's timestamp may be from the server's clock, either way (at most 24h); a signature received again within it is refused as a replay."`
}

// Bounds of Signature.Tolerance.
const (
	DefaultSignatureTolerance = 5 * time.Minute
	MaxSignatureTolerance     = 24 * time.Hour
)

// ToleranceOrDefault returns the tolerance, DefaultSignatureTolerance when unset.
func (s *Signature) ToleranceOrDefault() time.Duration {
	if s.Tolerance == 0 {
		return DefaultSignatureTolerance
	}
	return s.Tolerance.Std()
}

// WebhookEvent says what one event type triggers.
type WebhookEvent struct {
	// Entity is an entity of this spec. Required.
	Entity string `json:"entity" doc:"Entity of this spec the event is about."`
	// Direction is WebhookPull (default: the partner's record flows home)
	// or WebhookPush (the home record is sent again).
	Direction WebhookDirection `json:"direction,omitempty" enum:"pull,push" default:"pull" doc:"Which way the record flows."`
	// Action is WebhookUpsert (default) or WebhookDelete.
	Action WebhookAction `json:"action,omitempty" enum:"upsert,delete" default:"upsert" doc:"Whether the record changed or went away."`
	// Key is a template over the payload (`event`) rendering the record's
	// key or id. Required.
	Key string `json:"key" doc:"Template over the payload (as event) rendering the record key." example:"{{ event.data.id }}"`
}
