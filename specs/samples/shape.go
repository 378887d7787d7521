package samples

import (
	"encoding/json"
	"math"
	"net/mail"
	"net/url"
	"strings"
	"time"
)

// shape is what the values seen at one place of a body have in common:
// how many there were of each JSON type, the format all their strings
// share, the merged shape of array items and of each object member.
// Shapes merge, so one place seen in many samples, or in many items of
// an array, has one shape.
type shape struct {
	// seen counts the values, nulls included; an object member seen in
	// fewer values than its object was absent from some.
	seen                                         int
	nulls, bools, ints, floats, strings, objects int
	arrays                                       int
	// wide is set when an integer does not fit 32 bits.
	wide bool
	// format is the format every string had so far ("date-time", "date",
	// "email", "uuid", "uri"); noFormat is set once one had none or
	// another.
	format   string
	noFormat bool
	items    *shape
	members  map[string]*shape
	// ref names the component schema that stands for this place; merge
	// leaves it out.
	ref string
}

// add records one value.
func (s *shape) add(v any) {
	s.seen++
	switch v := v.(type) {
	case nil:
		s.nulls++
	case bool:
		s.bools++
	case json.Number:
		s.addNumber(v)
	case string:
		s.strings++
		s.addFormat(stringFormat(v))
	case []any:
		s.arrays++
		if s.items == nil {
			s.items = &shape{}
		}
		for _, item := range v {
			s.items.add(item)
		}
	case map[string]any:
		s.objects++
		if s.members == nil {
			s.members = map[string]*shape{}
		}
		for k, mv := range v {
			m := s.members[k]
			if m == nil {
				m = &shape{}
				s.members[k] = m
			}
			m.add(mv)
		}
	}
}

func (s *shape) addNumber(n json.Number) {
	if strings.ContainsAny(string(n), ".eE") {
		s.floats++
		return
	}
	s.ints++
	if i, err := n.Int64(); err != nil || i > math.MaxInt32 || i < math.MinInt32 {
		s.wide = true
	}
}

func (s *shape) addFormat(f string) {
	switch {
	case s.noFormat:
	case f == "" || s.format != "" && s.format != f:
		s.noFormat, s.format = true, ""
	default:
		s.format = f
	}
}

// merge adds what o saw to s.
func (s *shape) merge(o *shape) {
	if o == nil {
		return
	}
	s.seen += o.seen
	s.nulls += o.nulls
	s.bools += o.bools
	s.ints += o.ints
	s.floats += o.floats
	s.objects += o.objects
	s.arrays += o.arrays
	s.wide = s.wide || o.wide
	if o.strings > 0 {
		if o.noFormat {
			s.addFormat("")
		} else {
			s.addFormat(o.format)
		}
		s.strings += o.strings
	}
	if o.items != nil {
		if s.items == nil {
			s.items = &shape{}
		}
		s.items.merge(o.items)
	}
	for k, om := range o.members {
		if s.members == nil {
			s.members = map[string]*shape{}
		}
		m := s.members[k]
		if m == nil {
			m = &shape{}
			s.members[k] = m
		}
		m.merge(om)
	}
}

// onlyObjects reports whether every value seen, nulls aside, was an
// object, and there was one.
func (s *shape) onlyObjects() bool {
	return s != nil && s.objects > 0 && s.objects+s.nulls == s.seen
}

// onlyArrays is onlyObjects for arrays.
func (s *shape) onlyArrays() bool {
	return s != nil && s.arrays > 0 && s.arrays+s.nulls == s.seen
}

// stringFormat returns the OpenAPI format a string has, or "".
func stringFormat(v string) string {
	switch {
	case uuidPattern.MatchString(v):
		return "uuid"
	case datePattern.MatchString(v):
		if _, err := time.Parse(time.DateOnly, v); err == nil {
			return "date"
		}
	case len(v) >= 20 && v[4] == '-' && v[10] == 'T':
		if _, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return "date-time"
		}
	case strings.Contains(v, "@") && !strings.ContainsAny(v, " <>"):
		if a, err := mail.ParseAddress(v); err == nil && a.Address == v {
			return "email"
		}
	case strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://"):
		if u, err := url.Parse(v); err == nil && u.Host != "" {
			return "uri"
		}
	}
	return ""
}
