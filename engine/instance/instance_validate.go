package instance

import (
	"fmt"
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/robfig/cron/v3"

	"github.com/specsync/specsync/internal/jsonptr"
	"github.com/specsync/specsync/specs"
)

// idPattern is the form of an instance id: it goes into Redis keys and
// file names, so it is kept plain.
var idPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// nonIDRuns matches what an id cannot hold, for suggestions.
var nonIDRuns = regexp.MustCompile(`[^a-z0-9]+`)

// maxIDLength bounds an instance id.
const maxIDLength = 63

// cronParser reads five-field expressions and descriptors ("@daily"), the
// forms the scheduler accepts.
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ValidateInstance checks inst on its own, without loading its specs:
// the id's form, required fields, credential references, the schedule,
// permission directions and actions, options and source-of-truth values.
// Findings carry JSON pointers into the instance document; File, Line and
// Column are left for the caller that knows the file (DecodeInstance).
// LoadInstance adds the checks that need the specs.
func ValidateInstance(inst *Instance) specs.Findings {
	v := &checker{}
	if inst == nil {
		v.errorf(specs.CodeMissingKey, "", "write an instance document", "no instance")
		return v.list
	}
	v.identity(inst)
	v.system(inst.Home, "/home")
	v.system(inst.Partner, "/partner")
	v.required(inst.Model, "/model", "the path of the model document")
	v.permissions(inst.Permissions)
	v.schedule(inst.Schedule)
	v.options(inst.Options)
	v.sourceOfTruth(inst.SourceOfTruth)
	for _, entity := range slices.Sorted(maps.Keys(inst.FieldSourceOfTruth)) {
		v.sourceOfTruthAt(jsonptr.Join("/fieldSourceOfTruth", entity), inst.FieldSourceOfTruth[entity])
	}
	return v.list
}

// checker collects findings.
type checker struct {
	list specs.Findings
}

// add records a finding.
func (v *checker) add(sev specs.Severity, code, pointer, hint, format string, args ...any) {
	v.list = append(v.list, specs.Finding{
		Code: code, Severity: sev, Pointer: pointer, Message: fmt.Sprintf(format, args...), Hint: hint,
	})
}

// errorf records an error finding.
func (v *checker) errorf(code, pointer, hint, format string, args ...any) {
	v.add(specs.SeverityError, code, pointer, hint, format, args...)
}

// warnf records a warning.
func (v *checker) warnf(code, pointer, hint, format string, args ...any) {
	v.add(specs.SeverityWarning, code, pointer, hint, format, args...)
}

// required reports a missing required string.
func (v *checker) required(s, pointer, what string) bool {
	if s == "" {
		key := pointer[strings.LastIndexByte(pointer, '/')+1:]
		v.errorf(specs.CodeMissingKey, pointer, fmt.Sprintf("add %q: %s", key, what), "missing required key %q", key)
		return false
	}
	return true
}

// identity checks the id and the organisation.
func (v *checker) identity(inst *Instance) {
	if v.required(inst.ID, "/id", `lower-case letters, digits and dashes, such as "erp-everreal"`) &&
		(!idPattern.MatchString(inst.ID) || len(inst.ID) > maxIDLength) {
		v.errorf(specs.CodeInvalidValue, "/id", fmt.Sprintf(`use lower-case letters, digits and single dashes, at most %d characters, such as %q`, maxIDLength, suggestID(inst.ID)),
			"instance id %q is not allowed", inst.ID)
	}
	v.required(inst.Organisation, "/organisation", "the organisation that owns the instance")
}

// suggestID turns s into an allowed id, for hints.
func suggestID(s string) string {
	s = strings.Trim(nonIDRuns.ReplaceAllString(strings.ToLower(s), "-"), "-")
	if s == "" {
		return "erp-everreal"
	}
	return s[:min(len(s), maxIDLength)]
}

// system checks one side of the instance.
func (v *checker) system(s System, p string) {
	v.required(s.Spec, p+"/spec", "the path of the connector spec")
	for _, name := range slices.Sorted(maps.Keys(s.Credentials)) {
		v.credential(s.Credentials[name], jsonptr.Join(p, "credentials", name))
	}
	for _, name := range slices.Sorted(maps.Keys(s.ServerVariables)) {
		if s.ServerVariables[name] == "" {
			v.errorf(specs.CodeInvalidValue, jsonptr.Join(p, "serverVariables", name), "give the variable a value or remove it", "server variable %q is empty", name)
		}
	}
	if s.BaseURL != "" {
		v.baseURL(s.BaseURL, p+"/baseUrl")
	}
}

// credential checks that c references exactly one environment variable
// or file.
func (v *checker) credential(c specs.Credential, p string) {
	const hint = `reference the secret: {"env": "VARIABLE"} or {"file": "path"}`
	set := 0
	for _, s := range []string{c.Env, c.File, c.Credential} {
		if s != "" {
			set++
		}
	}
	switch {
	case set == 0:
		v.errorf(specs.CodeEmptyChoice, p, hint, "the credential names no source")
	case set > 1:
		v.errorf(specs.CodeAmbiguousChoice, p, hint, "the credential names several sources")
	case c.Credential != "":
		v.errorf(specs.CodeInvalidValue, p+"/credential", hint, "an instance supplies credentials; it cannot refer to another named credential (%q)", c.Credential)
	}
}

// baseURL checks that u is an absolute http(s) URL.
func (v *checker) baseURL(u, p string) {
	parsed, err := url.Parse(u)
	if err != nil || (parsed.Scheme != "http" && parsed.Scheme != "https") || parsed.Host == "" {
		v.errorf(specs.CodeInvalidValue, p, `write an absolute http or https URL, such as "https://api.example.com/v1"`, "base URL %q is not an absolute http(s) URL", u)
	}
	if err == nil && parsed.User != nil {
		v.errorf(specs.CodeLiteralSecret, p, "put credentials in the credentials map, by reference", "the base URL carries user information")
	}
}

// permissions checks directions, entity names and actions.
func (v *checker) permissions(perms Permissions) {
	for _, dir := range slices.Sorted(maps.Keys(perms)) {
		p := jsonptr.Join("/permissions", string(dir))
		if !dir.Valid() {
			v.errorf(specs.CodeInvalidValue, p, hintFor(string(dir), []string{"push", "pull"}), "unknown direction %q", dir)
			continue
		}
		for _, entity := range slices.Sorted(maps.Keys(perms[dir])) {
			v.grants(perms[dir][entity], entity, jsonptr.Join(p, entity))
		}
	}
}

// grants checks the actions granted on one entity.
func (v *checker) grants(acts []Action, entity, p string) {
	if entity == "" {
		v.errorf(specs.CodeInvalidValue, p, "name an entity of the partner spec", "empty entity name")
	}
	allowed := []string{string(Create), string(Update), string(Delete)}
	for i, a := range acts {
		at := jsonptr.Join(p, strconv.Itoa(i))
		switch {
		case !slices.Contains(grantable, a):
			v.errorf(specs.CodeInvalidValue, at, hintFor(string(a), allowed), "unknown action %q", a)
		case slices.Index(acts, a) < i:
			v.warnf(specs.CodeInvalidValue, at, "remove the duplicate", "action %q is granted twice", a)
		}
	}
}

// schedule checks the cron expression and the time zone.
func (v *checker) schedule(s Schedule) {
	v.cron(s.CronOrDefault(), "/schedule/cron")
	if _, err := s.Location(); err != nil {
		v.errorf(specs.CodeInvalidValue, "/schedule/timezone", `use an IANA zone name such as "Europe/Berlin" or "UTC"`, "unknown time zone %q", s.Timezone)
	}
}

// cron checks a cron expression at pointer p.
func (v *checker) cron(expr, p string) {
	if strings.HasPrefix(expr, "TZ=") || strings.HasPrefix(expr, "CRON_TZ=") {
		v.errorf(specs.CodeInvalidValue, p, `set the zone in "timezone" instead`, "the cron expression names a time zone")
	} else if _, err := cronParser.Parse(expr); err != nil {
		v.errorf(specs.CodeInvalidValue, p, `write five fields: minute hour day-of-month month day-of-week, such as "0 23 * * *"`, "cron expression %q: %v", expr, err)
	}
}

// maxConcurrency bounds Options.Concurrency.
const maxConcurrency = 256

// options checks ranges and enums of the options.
func (v *checker) options(o Options) {
	if g := o.DeleteGuard; g != nil && (*g < 0 || *g > 1) {
		v.errorf(specs.CodeInvalidValue, "/options/deleteGuard", "write a share between 0 and 1, such as 0.1 for 10%", "delete guard %v is outside 0..1", *g)
	}
	if o.Concurrency < 0 || o.Concurrency > maxConcurrency {
		v.errorf(specs.CodeInvalidValue, "/options/concurrency", fmt.Sprintf("use 1 to %d; leave it out for %d", maxConcurrency, DefaultConcurrency), "concurrency %d is out of range", o.Concurrency)
	}
	levels := []string{ValidationOff, ValidationWarn, ValidationStrict}
	if o.Validation != "" && !slices.Contains(levels, o.Validation) {
		v.errorf(specs.CodeInvalidValue, "/options/validation", hintFor(o.Validation, levels), "unknown validation level %q", o.Validation)
	}
	modes := []string{InvalidTextFail, InvalidTextReplace}
	if o.InvalidText != "" && !slices.Contains(modes, o.InvalidText) {
		v.errorf(specs.CodeInvalidValue, "/options/invalidText", hintFor(o.InvalidText, modes), "unknown invalidText mode %q", o.InvalidText)
	}
	if o.AuditMaxLen < 0 {
		v.errorf(specs.CodeInvalidValue, "/options/auditMaxLen", "leave it out for the default of 100000", "audit length %d is negative", o.AuditMaxLen)
	}
	v.nonNegative(o.FullReadEvery, "/options/fullReadEvery")
	if o.ReconcileCron != "" {
		v.cron(o.ReconcileCron, "/options/reconcileCron")
	}
	v.nonNegative(o.AuditMaxAge, "/options/auditMaxAge")
	v.nonNegative(o.DedupeWindow, "/options/dedupeWindow")
}

// nonNegative reports a negative duration (possible only in instances
// built in Go; decoding refuses them).
func (v *checker) nonNegative(d specs.Duration, p string) {
	if d < 0 {
		v.errorf(specs.CodeInvalidValue, p, "leave it out for the default", "duration %v is negative", d.Std())
	}
}

// sourceOfTruth checks the owner named per entity, for instances built in
// Go (decoding refuses an unknown side already).
func (v *checker) sourceOfTruth(m map[string]specs.Side) { v.sourceOfTruthAt("/sourceOfTruth", m) }

// sourceOfTruthAt checks the owners named in the object at pointer p.
func (v *checker) sourceOfTruthAt(p string, m map[string]specs.Side) {
	for _, name := range slices.Sorted(maps.Keys(m)) {
		if side := m[name]; !side.Valid() {
			v.errorf(specs.CodeInvalidValue, jsonptr.Join(p, name), hintFor(string(side), side.Values()), "unknown side %q", side)
		}
	}
}

// hintFor suggests the allowed value closest to s, and lists them all.
func hintFor(s string, allowed []string) string {
	hint := "allowed: " + strings.Join(allowed, ", ")
	if close := specs.Suggest(s, allowed); close != "" {
		hint = fmt.Sprintf("did you mean %q? %s", close, hint)
	}
	return hint
}
