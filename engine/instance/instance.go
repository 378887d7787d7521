package instance

import (
	"time"
	// Time zones are embedded so that instance schedules work on hosts
	// without a zoneinfo database.
	_ "time/tzdata"

	"github.com/specsync/specsync/specs"
)

// Instance is one configured integration: a home system, a partner system,
// the model between them, what the engine may do and when it runs. It is
// decoded strictly from JSON or YAML (DecodeInstance) and stored in Redis
// (InstanceStore). Paths in an instance file are relative to the file;
// ReadInstance makes them absolute.
//
// Required keys carry omitempty all the same: ValidateInstance reports
// them missing, with a hint that says what each is for.
//
// An Instance is a plain value: safe for concurrent reads once built.
type Instance struct {
	// ID names the instance: lower-case letters, digits and dashes
	// ("erp-everreal"). Required; it appears in Redis keys and audit
	// entries.
	ID string `json:"id,omitempty" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$"`
	// Organisation owns the instance. Required.
	Organisation string `json:"organisation,omitempty"`
	// Home is the system of record. Required.
	Home System `json:"home,omitzero"`
	// Partner is the third-party system. Required.
	Partner System `json:"partner,omitzero"`
	// Model is the path of the model document. Required.
	Model string `json:"model,omitempty"`
	// Source is the value of `instance.source` in templates (EverReal's
	// meta.source). Empty renders empty.
	Source string `json:"source,omitempty"`
	// Permissions grants actions per direction and entity. Nil grants
	// nothing.
	Permissions Permissions `json:"permissions,omitempty"`
	// Schedule says when the instance runs. The zero value runs at 23:00
	// Europe/Berlin.
	Schedule Schedule `json:"schedule,omitzero"`
	// Enabled instances run on their schedule; disabled ones never run.
	// Zero means disabled.
	Enabled bool `json:"enabled,omitempty"`
	// Options tune runs; the zero value uses the defaults documented on
	// each field.
	Options Options `json:"options,omitzero"`
	// SourceOfTruth overrides, per partner spec entity, which side owns the
	// entity's values: "home" or "partner" (decoding refuses any other).
	// Unlisted entities keep the spec's choice.
	SourceOfTruth map[string]specs.Side `json:"sourceOfTruth,omitempty"`
	// FieldSourceOfTruth overrides, per partner spec entity and field,
	// which side owns a field's values ({"contact": {"email":
	// "partner"}}), as the spec's `fields` do. A field it does not list
	// keeps the spec's field option, else the entity's owner.
	FieldSourceOfTruth map[string]map[string]specs.Side `json:"fieldSourceOfTruth,omitempty"`
	// Documents names the content the stored instance was applied with;
	// the InstanceStore sets it. It is never read from an instance file:
	// nil for an instance that was not applied.
	Documents Documents `json:"-"`
}

// System is one side of an instance: its connector spec and what the
// instance supplies to it.
type System struct {
	// Spec is the path of the connector spec. Required.
	Spec string `json:"spec,omitempty"`
	// Credentials are the named credentials the spec refers to with
	// {"credential": "name"}, each a reference to an environment variable
	// or a file; never a literal secret.
	Credentials map[string]specs.Credential `json:"credentials,omitempty"`
	// ServerVariables fill the variables of the spec's server URL
	// ({"subdomain": "acme"}).
	ServerVariables map[string]string `json:"serverVariables,omitempty"`
	// BaseURL replaces the spec's server URL. Empty keeps it. The spec's
	// auth URLs on that server's origin, such as an OAuth2 token endpoint
	// next to the API, move with it.
	BaseURL string `json:"baseUrl,omitempty"`
}

// Default schedule of an instance.
const (
	DefaultCron     = "0 23 * * *"
	DefaultTimezone = "Europe/Berlin"
)

// Schedule says when an instance runs.
type Schedule struct {
	// Cron is a five-field cron expression ("0 23 * * *") or a descriptor
	// such as "@daily". Empty means DefaultCron.
	Cron string `json:"cron,omitempty"`
	// Timezone is the IANA zone the expression is read in. Empty means
	// DefaultTimezone.
	Timezone string `json:"timezone,omitempty"`
}

// CronOrDefault returns the cron expression, DefaultCron when empty.
func (s Schedule) CronOrDefault() string { return orDefault(s.Cron, DefaultCron) }

// TimezoneOrDefault returns the time zone name, DefaultTimezone when empty.
func (s Schedule) TimezoneOrDefault() string { return orDefault(s.Timezone, DefaultTimezone) }

// Location loads the schedule's time zone.
func (s Schedule) Location() (*time.Location, error) {
	return time.LoadLocation(s.TimezoneOrDefault())
}

// Validation levels of Options.Validation.
const (
	ValidationOff    = "off"
	ValidationWarn   = "warn"
	ValidationStrict = "strict"
)

// What Options.InvalidText does with a record whose text is not clean.
const (
	InvalidTextFail    = "fail"
	InvalidTextReplace = "replace"
)

// Defaults of Options.
const (
	DefaultDeleteGuard   = 0.10
	DefaultFullReadEvery = 24 * time.Hour
	DefaultConcurrency   = 4
	DefaultAuditMaxLen   = 100_000
	DefaultAuditMaxAge   = 90 * 24 * time.Hour
)

// Options tune the runs of an instance. The zero value works: each zero
// field means the default it documents. The tags default, enum and doc
// describe each key for docs/instances.md (OptionsTable).
type Options struct {
	// DeleteGuard is the largest share (0..1) of an entity's known records
	// a run may delete without an operator's override. Nil means
	// DefaultDeleteGuard (0.10); 0 refuses every delete without an override.
	DeleteGuard *float64 `json:"deleteGuard,omitempty" default:"0.1" maximum:"1" doc:"Largest share (0 to 1) of an entity's known records one run may delete. A full read that finds more gone deletes none of them: the run is partial (exit 3), counts them as guarded, audits one guarded entry per entity and notifies the organisation. 0 holds back every delete of a full read. Deletes named by a webhook's delete event are not guarded."`
	// FullReadEvery is how often a run reads everything instead of only the
	// changes since its cursor; deletes are found only by full reads. Zero
	// means DefaultFullReadEvery (24h).
	FullReadEvery specs.Duration `json:"fullReadEvery,omitempty" default:"24h" doc:"How often a run reads an entity completely instead of only the changes since its cursor (a Go duration: 6h, 30m). Deletes are found only by complete reads, or named by webhook delete events. Entities without an incremental read are read completely every run."`
	// Concurrency is how many records a run writes at once. Zero means
	// DefaultConcurrency (4).
	Concurrency int `json:"concurrency,omitempty" default:"4" doc:"How many records a run writes at once, and how many related records it reads at once; the partner's rate limit still applies."`
	// Validation checks mapped payloads against the target schema: "off",
	// "warn" (log and send) or "strict" (fail the record). Empty means
	// "warn".
	Validation string `json:"validation,omitempty" default:"warn" doc:"Checks each mapped payload against the target operation's request schema: off, warn (log and send) or strict (fail the record)."`
	// InvalidText says what becomes of a record read from either system
	// (a page, a lookup, a write's answer) with a string that is not clean
	// text: bytes that are not UTF-8, a lone surrogate escape or a NUL
	// character. "fail" fails the record, naming the field; "replace"
	// repairs the text and counts the record. Empty means "fail".
	InvalidText string `json:"invalidText,omitempty" default:"fail" doc:"What becomes of a record from either system (a listed page, a lookup, a write's answer) with a string that is not clean text: bytes that are not UTF-8, a lone surrogate escape or a NUL character (raw or escaped). fail: the record fails alone with code invalid-text, naming the field by JSON pointer. replace: invalid bytes become U+FFFD and NULs are dropped; the run logs a warning per record naming the fields (shown with -v), prints one warning line per entity under the summary table, and counts the records (textRepaired in the run record, outcome text-repaired in the metrics)."`
	// AuditMaxLen caps the audit log's entries (approximately). Zero means
	// DefaultAuditMaxLen (100000).
	AuditMaxLen int64 `json:"auditMaxLen,omitempty" default:"100000" doc:"Caps the instance's audit log at about this many entries; the oldest go first."`
	// AuditMaxAge drops audit entries older than this. Zero means
	// DefaultAuditMaxAge (90 days, "2160h").
	AuditMaxAge specs.Duration `json:"auditMaxAge,omitempty" default:"2160h" doc:"Drops audit entries older than this (a Go duration; 2160h is 90 days)."`
	// ReconcileCron schedules a reconciliation (specsync reconcile): a
	// cron expression read in the schedule's time zone. Empty means none
	// is scheduled.
	ReconcileCron string `json:"reconcileCron,omitempty" doc:"Cron expression (in the schedule's time zone) of a scheduled reconcile, which compares the partner's records with the home's payloads and reports drift. Empty schedules none."`
	// ReconcileRepair makes the scheduled reconciliation write the home's
	// values back. False only reports.
	ReconcileRepair bool `json:"reconcileRepair,omitempty" default:"false" doc:"Whether the scheduled reconcile repairs the drift it finds (as reconcile --repair), within the instance's permissions and delete guard."`
	// DedupeWindow is how long a webhook event is remembered: a repeated
	// delivery within it is acknowledged and not run again. Zero means
	// the server's default (DefaultDedupeWindow unless configured).
	DedupeWindow specs.Duration `json:"dedupeWindow,omitempty" default:"1m" doc:"How long a webhook event is remembered after its first delivery (a Go duration). A delivery of the same event within it, even after the first one's sync ran, is acknowledged with status duplicate and not run again. An event is the same when the spec's webhooks.id gives the same id, or else when its type, record and payload are the same."`
}

// DefaultDedupeWindow is the default of Options.DedupeWindow.
const DefaultDedupeWindow = time.Minute

// Dedupe returns DedupeWindow, or def when it is not set.
func (o Options) Dedupe(def time.Duration) time.Duration {
	return orDefault(o.DedupeWindow.Std(), def)
}

// DeleteShare returns DeleteGuard, or its default.
func (o Options) DeleteShare() float64 {
	if o.DeleteGuard == nil {
		return DefaultDeleteGuard
	}
	return *o.DeleteGuard
}

// FullReadInterval returns FullReadEvery, or its default.
func (o Options) FullReadInterval() time.Duration {
	return orDefault(o.FullReadEvery.Std(), DefaultFullReadEvery)
}

// Workers returns Concurrency, or its default.
func (o Options) Workers() int { return orDefault(o.Concurrency, DefaultConcurrency) }

// ValidationLevel returns Validation, or "warn".
func (o Options) ValidationLevel() string { return orDefault(o.Validation, ValidationWarn) }

// InvalidTextMode returns InvalidText, or "fail".
func (o Options) InvalidTextMode() string { return orDefault(o.InvalidText, InvalidTextFail) }

// AuditLen returns AuditMaxLen, or its default.
func (o Options) AuditLen() int64 { return orDefault(o.AuditMaxLen, DefaultAuditMaxLen) }

// AuditAge returns AuditMaxAge, or its default.
func (o Options) AuditAge() time.Duration {
	return orDefault(o.AuditMaxAge.Std(), DefaultAuditMaxAge)
}

// orDefault returns v, or def when v is the zero value.
func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
