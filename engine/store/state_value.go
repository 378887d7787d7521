package store

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/internal/stored"
)

// writtenFormat marks every written value with the version of its
// format. A value without it, or with another, is refused (FormatError);
// the state is never read in a format this version does not know.
const writtenFormat stored.Version = "v1"

// ErrStateFormat is matched (errors.Is) by the error of a stored value in
// a format this version does not read, or damaged: of the state, the
// ledger and the create intents, and of the instance store and the run
// history alike. It is stored.ErrFormat.
var ErrStateFormat = stored.ErrFormat

// FormatError is the error of a stored value whose format version this
// version does not read. It is the one error of every stored value, so
// that callers outside the module can match it (errors.As).
type FormatError = stored.FormatError

// errUnmarked is the error of parseWritten for a value not marked with
// writtenFormat, which the caller turns into a FormatError
// (State.formatError).
var errUnmarked = errors.New("not marked with the written format")

// formatError turns an error of parseWritten of value v into the error
// of the state, with where the value was found and what to do.
func (s *State) formatError(err error, v string, dir instance.Direction, entity, key string) error {
	what := fmt.Sprintf("state of instance %q, %s %s %q", s.instance, dir, entity, key)
	if errors.Is(err, errUnmarked) {
		return writtenFormat.Refuse(v, what, s.rebuild())
	}
	return stored.Damaged(what, err)
}

// rebuild says how to do without the instance's state.
func (s *State) rebuild() string {
	return fmt.Sprintf("remove the instance's state (the keys matching %s) and run the instance again to rebuild it",
		s.keys.InstancePattern(s.instance))
}

// formatWritten encodes what the state keeps of a record as one hash
// value: "v1 hash ms len:id", then " memo" when there is one. The hash has
// no spaces and may be empty (a record known by its id only); the partner
// id, after its length, and the memo may hold any bytes.
func formatWritten(hash string, at time.Time, id, memo string) string {
	var b strings.Builder
	b.Grow(len(writtenFormat) + len(hash) + 32 + len(id) + len(memo))
	b.WriteString(string(writtenFormat))
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
// A value of another format is errUnmarked, a damaged one says what is
// wrong; the caller adds the value's place (State.formatError).
func parseWritten(v string) (written, error) {
	if v == "" {
		return written{}, nil
	}
	rest, ok := writtenFormat.Open(v)
	if !ok {
		return written{}, errUnmarked
	}
	hash, rest, _ := strings.Cut(rest, " ")
	ms, rest, _ := strings.Cut(rest, " ")
	n, err := strconv.ParseInt(ms, 10, 64)
	size, rest, ok := strings.Cut(rest, ":")
	length, lenErr := strconv.Atoi(size)
	if err != nil || !ok || lenErr != nil || length < 0 || length > len(rest) {
		return written{}, fmt.Errorf("not a written value: %q", clip(v, 200))
	}
	w := written{hash: hash, at: time.UnixMilli(n).UTC(), id: rest[:length]}
	if rest = rest[length:]; len(rest) > 0 && rest[0] == ' ' {
		w.memo = rest[1:]
	}
	return w, nil
}

// errEmptyKey refuses records without a home key.
var errEmptyKey = errors.New("a record has an empty home key")
