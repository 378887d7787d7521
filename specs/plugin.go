package specs

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// PluginKind is a kind of pluggable part that x-sync chooses by a type key.
type PluginKind string

const (
	// PluginAuth is an auth method, chosen by auth.type.
	PluginAuth PluginKind = "auth"
	// PluginPagination is a paging style, chosen by pagination.type.
	PluginPagination PluginKind = "pagination"
)

// noun names one plug-in of the kind in messages.
func (k PluginKind) noun() string {
	if k == PluginAuth {
		return "auth method"
	}
	return "paging style"
}

// Plugin describes a plug-in once: its name, what it does and its config
// struct. The config struct's fields, by their json, doc, default,
// example, enum and minimum tags, are the keys beside type: strict
// decoding, the JSON Schema of x-sync, the docs tables and the lint
// messages all come from them. A config may implement PluginChecker for
// checks against the document, SchemeMatcher (auth) and Summarizer.
type Plugin struct {
	// Kind is what the plug-in is.
	Kind PluginKind
	// Name is the value of type that chooses it ("oauth2").
	Name string
	// Doc says in one sentence what it does.
	Doc string
	// Config returns a pointer to a new zero config struct.
	Config func() any
}

// PluginChecker is a plug-in config with checks against the document
// beyond what its struct tags say.
type PluginChecker interface {
	// Check reports findings through c.
	Check(c *PluginCheck)
}

// SchemeMatcher is an auth method config that can tell whether it could
// be one of the document's security schemes. Validation warns when a
// method matches none of them.
type SchemeMatcher interface {
	MatchesScheme(s *openapi3.SecurityScheme) bool
}

// ParamSender is an auth method config that sends its credential as a
// request parameter (an API key in a header, query parameter or cookie; a
// token in a header). Validation asks no template for a required
// parameter the method sends.
type ParamSender interface {
	// SentParam returns where the credential goes ("header", "query" or
	// "cookie") and the parameter's name.
	SentParam() (in, name string)
}

// Summarizer is a plug-in config that describes itself in one line, for
// explain ("page page", "oauth2 password grant at ...").
type Summarizer interface {
	Summary() string
}

// configType returns the struct type of the plug-in's config.
func (p Plugin) configType() reflect.Type {
	return reflect.TypeOf(p.Config()).Elem()
}

// Decode strictly decodes config, the JSON object of the plug-in's keys,
// into a new config struct. Every finding becomes part of the error.
func (p Plugin) Decode(config json.RawMessage) (any, error) {
	if len(config) == 0 {
		config = json.RawMessage("{}")
	}
	out := p.Config()
	found, err := DecodeDocument(string(p.Kind), config, out)
	if err != nil {
		return nil, err
	}
	var msgs []string
	for _, f := range found {
		if f.Severity == SeverityError {
			msgs = append(msgs, p.Name+strings.ReplaceAll(f.Pointer, "/", ".")+": "+f.Message)
		}
	}
	if len(msgs) > 0 {
		return out, errors.New(strings.Join(msgs, "; "))
	}
	return out, nil
}
