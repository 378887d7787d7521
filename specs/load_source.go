package specs

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"

	yamlv4 "go.yaml.in/yaml/v4"
	"gopkg.in/yaml.v3"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// source is a parsed file: its bytes, its root object and where each value
// is written.
type source struct {
	name string
	data []byte
	root *yaml.Node // the root mapping
	pos  *SourceMap
	// noOrigins is set when data is not the file's own bytes (an overlay's
	// result written out), so positions kin-openapi records in data mean
	// nothing to the user.
	noOrigins bool
}

// release returns src's bytes and lets go of its tree and bytes, so that
// they (tens of megabytes for a large document) can be collected while
// kin-openapi builds its own tree from the bytes: src's root is nil
// afterwards. Its SourceMap stays.
func (src *source) release() []byte {
	data := src.data
	src.root, src.data = nil, nil
	return data
}

// parseSource parses data as JSON (when it starts with "{" or "[") or YAML.
// It fails with a *ReadError, located where possible, when the syntax is
// broken or the document is not an object.
func parseSource(name string, data []byte) (*source, error) {
	doc, err := parseTree(name, data)
	if err != nil {
		return nil, err
	}
	root, err := rootObject(name, doc)
	if err != nil {
		return nil, err
	}
	return &source{name: name, data: data, root: root, pos: newSourceMap(doc)}, nil
}

// parseTree parses data with the JSON parser when it looks like JSON,
// else with the YAML parser, into a document node. It fails with a
// located *ReadError when the syntax is broken.
func parseTree(name string, data []byte) (*yaml.Node, error) {
	if looksJSON(data) {
		data = bytes.TrimPrefix(data, byteOrderMark)
		doc, err := parseJSON(data)
		if err != nil {
			return nil, jsonSyntaxError(name, data, err)
		}
		return doc, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlSyntaxError(name, data, err)
	}
	return &doc, nil
}

// rootObject returns the object a parsed document holds, or a *ReadError
// when it holds anything else.
func rootObject(name string, doc *yaml.Node) (*yaml.Node, error) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, &ReadError{File: name, Line: 1, Column: 1, Err: errors.New("the file holds no JSON or YAML object")}
	}
	return doc.Content[0], nil
}

// byteOrderMark is the UTF-8 byte order mark some editors write first.
var byteOrderMark = []byte("\xef\xbb\xbf")

// looksJSON reports whether data starts, after white space and a byte
// order mark, like a JSON object or array.
func looksJSON(data []byte) bool {
	data = bytes.TrimLeft(bytes.TrimPrefix(data, byteOrderMark), " \t\r\n")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

// jsonSyntaxError locates the JSON syntax error err (from parseJSON) in
// data.
func jsonSyntaxError(name string, data []byte, err error) error {
	var se *jsonvalue.SyntaxError
	if !errors.As(err, &se) {
		return &ReadError{File: name, Err: fmt.Errorf("invalid JSON: %w", err)}
	}
	// At the end of the data, the error is placed on its last character.
	line, col := offsetPosition(data, min(se.Offset+1, len(data)))
	return &ReadError{File: name, Line: line, Column: col, Err: fmt.Errorf("invalid JSON: %s", se.Reason())}
}

// yamlSyntaxError locates a YAML syntax error. gopkg.in/yaml.v3 reports the
// line only, so the position is taken from the parser the OpenAPI loader
// uses (go.yaml.in/yaml/v4), which reports line and column.
func yamlSyntaxError(name string, data []byte, err error) error {
	var n yamlv4.Node
	var le *yamlv4.LoadError
	if errors.As(yamlv4.Unmarshal(data, &n), &le) && le.Mark.Line > 0 {
		return &ReadError{File: name, Line: le.Mark.Line, Column: le.Mark.Column, Err: fmt.Errorf("invalid YAML: %s", le.Message)}
	}
	return &ReadError{File: name, Err: fmt.Errorf("invalid YAML: %w", err)}
}

// offsetPosition converts a byte offset (the byte after the error) to a
// 1-based line and column counted in characters.
func offsetPosition(data []byte, offset int) (line, col int) {
	offset = min(max(offset-1, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}
