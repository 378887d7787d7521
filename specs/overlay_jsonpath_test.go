package specs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"gopkg.in/yaml.v3"
)

// jsonPathDoc is the document the JSONPath tests select in.
const jsonPathDoc = `{
  "openapi": "3.0.3",
  "paths": {
    "/users/{id}": {
      "get": {"operationId": "getUser", "tags": ["users"], "x-internal": false},
      "delete": {"operationId": "deleteUser", "deprecated": true, "x-internal": true}
    },
    "/users": {
      "get": {"operationId": "listUsers", "tags": ["users", "lists"], "x-limit": 100}
    },
    "/a.b": {"post": {"operationId": "dotted"}}
  },
  "servers": [{"url": "https://one"}, {"url": "https://two"}, {"url": "https://three"}]
}`

func TestJSONPathSelects(t *testing.T) {
	t.Parallel()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(jsonPathDoc), &doc); err != nil {
		t.Fatal(err)
	}
	root := doc.Content[0]
	tests := []struct {
		query string
		want  []string
	}{
		{"$", []string{""}},
		{"$.openapi", []string{"/openapi"}},
		{"$['openapi']", []string{"/openapi"}},
		{`$["paths"]['/users/{id}'].get`, []string{"/paths/~1users~1{id}/get"}},
		{"$.paths['/a.b'].post.operationId", []string{"/paths/~1a.b/post/operationId"}},
		{"$.paths.*.get", []string{"/paths/~1users~1{id}/get", "/paths/~1users/get"}},
		{"$.paths[*][*].x-internal", []string{"/paths/~1users~1{id}/get/x-internal", "/paths/~1users~1{id}/delete/x-internal"}},
		{"$.servers[1]", []string{"/servers/1"}},
		{"$.servers[-1].url", []string{"/servers/2/url"}},
		{"$.servers[0,2]", []string{"/servers/0", "/servers/2"}},
		{"$.servers[7]", nil},
		{"$.servers[0,-3]", []string{"/servers/0"}}, // one node, updated once
		{"$..operationId", []string{"/paths/~1users~1{id}/get/operationId", "/paths/~1users~1{id}/delete/operationId", "/paths/~1users/get/operationId", "/paths/~1a.b/post/operationId"}},
		{"$..[?(@.operationId == 'listUsers')]", []string{"/paths/~1users/get"}},
		{"$.paths.*[?@.operationId == \"getUser\"]", []string{"/paths/~1users~1{id}/get"}},
		{"$.paths.*[?@.operationId != 'getUser'].operationId", []string{"/paths/~1users~1{id}/delete/operationId", "/paths/~1users/get/operationId", "/paths/~1a.b/post/operationId"}},
		{"$.paths.*[?@.deprecated]", []string{"/paths/~1users~1{id}/delete"}},
		{"$.paths.*[?!@.x-internal]", []string{"/paths/~1users/get", "/paths/~1a.b/post"}},
		{"$.paths.*[?@.deprecated == true]", []string{"/paths/~1users~1{id}/delete"}},
		{"$.paths.*[?@.x-limit == 100.0]", []string{"/paths/~1users/get"}},
		{"$.paths.*[?@.x-internal == false || @.x-limit == 100]", []string{"/paths/~1users~1{id}/get", "/paths/~1users/get"}},
		{"$.paths.*[?(@.operationId == 'getUser' && @.tags[0] == 'users')]", []string{"/paths/~1users~1{id}/get"}},
		{"$.servers[?@.url == 'https://two']", []string{"/servers/1"}},
		{"$..tags[?@ == 'lists']", []string{"/paths/~1users/get/tags/1"}},
		{"$.nothing.at.all", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := parseJSONPath(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, m := range q.selectFrom(root) {
				got = append(got, m.pointer)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("selected (-want +got):\n%s", diff)
			}
		})
	}
}

func TestJSONPathRefusesMalformed(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ query, want string }{
		{"paths", `at character 1: a query starts with "$"`},
		{"$.", `at character 3: expected a member name, "*" or "["`},
		{"$[", `at character 3: expected a quoted name, an index, "*" or a filter "?..."`},
		{"$['a'", `at character 6: expected "," or "]"`},
		{"$['a]", "at character 6: the string is not closed"},
		{"$x", `at character 2: expected ".", ".." or "["`},
		{"$[?(@.a == 'b']", `at character 15: expected ")"`},
		{"$[?'a']", `at character 7: expected "==" or "!=" after a literal`},
		{"$[?@.a == ]", `at character 11: expected "@", a quoted string, a number, true, false or null`},
	} {
		_, err := parseJSONPath(tt.query)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: error %v, want %q", tt.query, err, tt.want)
		}
	}
}
