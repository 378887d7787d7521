package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/engine/instance"
)

// writtenFormat starts every written value: the version of its format.
// A value without it, or with another, is refused (FormatError); the
// state is never read in a format this version does not know.
const writtenFormat = "v1"

// ErrStateFormat is matched (errors.Is) by the *FormatError of a stored
// value in a format this version does not read.
var ErrStateFormat = errors.New("state in an unknown format")

// FormatError is the error of a stored written value whose format version
// this version does not read.
type FormatError struct {
	Instance  string
	Direction instance.Direction
	Entity    string
	Key       string
	// Found is the value's format version; empty when it carries none.
	Found string
	// Pattern matches every key of the instance, for the hint.
	Pattern string
}

// Error says what was found and what to do.
func (e *FormatError) Error() string {
	found := "carries no format version"
	if e.Found != "" {
		found = fmt.Sprintf("has format %q", e.Found)
	}
	return fmt.Sprintf("state of instance %q, %s %s %q: the stored value %s, and this version of specsync reads only format %q; "+
		"the instance's state was written by another version: run that version, or remove the instance's state "+
		"(the keys matching %s) and run the instance again to rebuild it",
		e.Instance, e.Direction, e.Entity, e.Key, found, writtenFormat, e.Pattern)
}

// Unwrap makes the error match ErrStateFormat.
func (e *FormatError) Unwrap() error { return ErrStateFormat }

// formatError completes an error of parseWritten with where the value was
// found.
func (s *State) formatError(err error, dir instance.Direction, entity, key string) error {
	var fe *FormatError
	if errors.As(err, &fe) {
		fe.Instance, fe.Direction, fe.Entity, fe.Key, fe.Pattern = s.instance, dir, entity, key, s.keys.InstancePattern(s.instance)
		return fe
	}
	return s.errorf(fmt.Errorf("key %q: %w", key, err), "read", dir, entity)
}

// formatWritten encodes what the state keeps of a record as one hash
// value: "v1 hash ms len:id", then " memo" when there is one. The hash has
// no spaces and may be empty (a record known by its id only); the partner
// id, after its length, and the memo may hold any bytes.
func formatWritten(hash string, at time.Time, id, memo string) string {
	var b strings.Builder
	b.Grow(len(writtenFormat) + len(hash) + 32 + len(id) + len(memo))
	b.WriteString(writtenFormat)
	b.WriteByte(' ')
	b.WriteString(hash)
	b.WriteByte(' ')
	var num [20]byte
	b.Write(strconv.AppendInt(num[:0], at.UnixMilli(), 10))
	b.WriteByte(' ')
	b.Write(strconv.AppendInt(num[:0], int64(len(id)), 10))
	b.WriteByte(':')
	b.WriteString(id)
	if memo != "" {
		b.WriteByte(' ')
		b.WriteString(memo)
	}
	return b.String()
}

// written is a decoded written value.
type written struct {
	hash string
	at   time.Time
	id   string
	memo string
}

// parseWritten decodes formatWritten; "" (no value) is the zero written.
// A value of another format is a *FormatError without its place, which
// the caller adds (State.formatError); a damaged one matches
// ErrStateFormat too.
func parseWritten(v string) (written, error) {
	if v == "" {
		return written{}, nil
	}
	version, rest, _ := strings.Cut(v, " ")
	if version != writtenFormat {
		return written{}, &FormatError{Found: versionOf(version)}
	}
	hash, rest, _ := strings.Cut(rest, " ")
	ms, rest, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(ms, 10, 64)
	size, rest, ok := strings.Cut(rest, ":")
	length, lenErr := strconv.Atoi(size)
	if err != nil || !ok || lenErr != nil || length < 0 || length > len(rest) {
		return written{}, fmt.Errorf("damaged stored value %q: %w", clip(v, 200), ErrStateFormat)
	}
	w := written{hash: hash, at: time.UnixMilli(n).UTC(), id: rest[:length]}
	if rest = rest[length:]; len(rest) > 0 && rest[0] == ' ' {
		w.memo = rest[1:]
	}
	return w, nil
}

// versionOf is s when it looks like a format version ("v2"), else "".
func versionOf(s string) string {
	digits := strings.TrimPrefix(s, "v")
	if len(digits) == len(s) || len(digits) == 0 || len(digits) > 9 || strings.Trim(digits, "0123456789") != "" {
		return ""
	}
	return s
}

// errEmptyKey refuses records without a home key.
var errEmptyKey = errors.New("a record has an empty home key")
