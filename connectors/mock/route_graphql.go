package mock

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// graphQLRequest is the envelope of a GraphQL request.
type graphQLRequest struct {
	Query     string
	Variables map[string]any
}

// serveGraphQL answers a GraphQL envelope. The query is matched, with
// whitespace and commas normalised, against the documents of the spec's
// entity operations; no other GraphQL is understood. Errors are answered
// with status 200 and an error array at the spec's errors path.
func (s *Server) serveGraphQL(x *exchange) {
	req, err := decodeGraphQL(x.body)
	if err != nil {
		writeProblem(x.w, http.StatusBadRequest, err.Error(), nil)
		return
	}
	b := s.cat.graphql[normalizeGraphQL(req.Query)]
	if b == nil {
		s.graphQLError(x, &inputError{in: "query", msg: "matches no operation of this spec's x-sync entities"})
		return
	}
	x.name = b.name()
	body, err := s.graphQLAction(x, b, req.Variables)
	if err != nil {
		s.graphQLError(x, err)
		return
	}
	writeJSON(x.w, http.StatusOK, body)
}

func decodeGraphQL(data []byte) (graphQLRequest, error) {
	doc, err := decodeObject(data)
	if err != nil {
		return graphQLRequest{}, fmt.Errorf("a GraphQL request must be a JSON object with a query: %w", err)
	}
	q, ok := doc["query"].(string)
	if !ok || q == "" {
		return graphQLRequest{}, errors.New("the GraphQL request has no query string")
	}
	req := graphQLRequest{Query: q, Variables: map[string]any{}}
	switch v := doc["variables"].(type) {
	case nil:
	case map[string]any:
		req.Variables = v
	default:
		return graphQLRequest{}, fmt.Errorf("the GraphQL variables must be an object, not %s", jsonvalue.Kind(v))
	}
	return req, nil
}

// graphQLAction runs the operation b with the request's variables and
// returns the response body.
func (s *Server) graphQLAction(x *exchange, b *binding, vars map[string]any) ([]byte, error) {
	get := variableParams(vars)
	switch b.action {
	case actList:
		l, err := s.list(x, b, get)
		if err != nil {
			return nil, err
		}
		return shape(b.paging, firstNonEmpty(b.op.Records, "data."+b.field), l, nil, x.w.Header())
	case actGet:
		r, ok := b.coll.get(graphQLIdent(b, vars))
		if !ok {
			return nil, fmt.Errorf("%s %q: %w", b.entity, graphQLIdent(b, vars), errNotFound)
		}
		return resultBody(firstNonEmpty(b.op.Result, "data."+b.field), b.idField(), r)
	case actLookup:
		return graphQLLookup(b, graphQLIdent(b, vars))
	}
	r, err := s.graphQLWrite(x, b, vars)
	if err != nil {
		return nil, err
	}
	return resultBody(firstNonEmpty(b.op.Result, "data."+b.field), b.idField(), r)
}

// graphQLWrite creates, updates, upserts or deletes with the input
// variable, checked against the operation's input schema.
func (s *Server) graphQLWrite(x *exchange, b *binding, vars map[string]any) (row, error) {
	var doc map[string]any
	if b.op.Variable != "" {
		var err error
		if doc, err = graphQLInput(x, b, vars); err != nil {
			return row{}, err
		}
	}
	ident := graphQLIdent(b, vars)
	switch b.action {
	case actCreate:
		return s.create(x, b, doc)
	case actUpdate:
		return s.update(x, b, firstNonEmpty(ident, identFromDoc(b.ent, doc)), doc)
	case actUpsert:
		r, _, err := s.upsert(x, b, textAt(doc, b.ent.Key), doc)
		return r, err
	}
	return s.remove(x, b, firstNonEmpty(ident, identFromDoc(b.ent, doc)))
}

// graphQLInput returns the input variable, validated unless validation
// is off.
func graphQLInput(x *exchange, b *binding, vars map[string]any) (map[string]any, error) {
	doc, ok := vars[b.op.Variable].(map[string]any)
	if !ok {
		return nil, &inputError{in: "variable", field: b.op.Variable, msg: "must be an object holding the record"}
	}
	if b.input == nil || x.rt.opts.NoValidation {
		return doc, nil
	}
	opts := []openapi3.SchemaValidationOption{openapi3.MultiErrors(), openapi3.VisitAsRequest()}
	if b.ref.route.Spec.IsOpenAPI31OrLater() {
		opts = append(opts, openapi3.EnableJSONSchema2020())
	}
	if err := b.input.VisitJSON(doc, opts...); err != nil {
		fe := validationErrors(err)
		return nil, &inputError{in: "variable", field: b.op.Variable + firstPointer(fe), msg: joinMessages(fe)}
	}
	return doc, nil
}

func firstPointer(fe []fieldError) string {
	if len(fe) == 0 {
		return ""
	}
	return fe[0].Pointer
}

func joinMessages(fe []fieldError) string {
	msgs := make([]string, 0, len(fe))
	for _, e := range fe {
		msgs = append(msgs, strings.TrimPrefix(e.Pointer+": ", ": ")+e.Message)
	}
	return strings.Join(msgs, "; ")
}

// graphQLLookup answers a lookup by key: the records with the key at the
// records path when the spec names one, else the first record or null.
func graphQLLookup(b *binding, key string) ([]byte, error) {
	if key == "" {
		return nil, &inputError{in: "variable", field: lastSegment(b.ent.Key), msg: "a lookup needs the record's key"}
	}
	rows := b.coll.withKey(key)
	if b.op.Records != "" {
		return shape(nil, b.op.Records, listing{page: rowsPage(rows)}, nil, http.Header{})
	}
	if len(rows) == 0 {
		env := map[string]any{}
		setPath(env, firstNonEmpty(b.op.Result, "data."+b.field), nil)
		return json.Marshal(env)
	}
	return resultBody(firstNonEmpty(b.op.Result, "data."+b.field), b.idField(), rows[0])
}

// graphQLIdent finds the record a request addresses among its variables:
// one named like the id or key field, "id" or "key", else the only scalar
// variable.
func graphQLIdent(b *binding, vars map[string]any) string {
	for _, name := range []string{lastSegment(b.ent.ID), lastSegment(b.ent.Key), "id", "key"} {
		if v, _ := jsonvalue.Text(vars[name]); name != "" && v != "" {
			return v
		}
	}
	var only string
	n := 0
	for name, v := range vars {
		if t, _ := jsonvalue.Text(v); t != "" && name != b.op.Variable {
			only, n = t, n+1
		}
	}
	if n == 1 {
		return only
	}
	return ""
}

// variableParams reads dotted variable paths ("input.paging.skip").
func variableParams(vars map[string]any) params {
	return func(name string) (string, bool) {
		t := jsonvalue.TextAt(vars, name)
		return t, t != ""
	}
}

// graphQLError answers err as a GraphQL error, with a code in extensions.
func (s *Server) graphQLError(x *exchange, err error) {
	ext := map[string]any{"code": graphQLCode(err)}
	var ie *inputError
	if errors.As(err, &ie) && ie.field != "" {
		ext["field"] = ie.field
	}
	if statusOf(err) == http.StatusInternalServerError {
		x.rt.log.Error("mock request failed", "operation", x.name, "err", err)
	}
	env := map[string]any{"data": nil}
	setPath(env, s.graphQLErrorsPath(), []any{map[string]any{"message": err.Error(), "extensions": ext}})
	body, jerr := json.Marshal(env)
	if jerr != nil {
		writeProblem(x.w, http.StatusInternalServerError, jerr.Error(), nil)
		return
	}
	writeJSON(x.w, http.StatusOK, body)
}

func (s *Server) graphQLErrorsPath() string {
	if p := s.spec.Sync.GraphQL.Errors; p != "" {
		return p
	}
	return "errors"
}

func graphQLCode(err error) string {
	switch statusOf(err) {
	case http.StatusBadRequest:
		return "BAD_USER_INPUT"
	case http.StatusNotFound:
		return "NOT_FOUND"
	case http.StatusConflict:
		return "CONFLICT"
	}
	return "INTERNAL_SERVER_ERROR"
}

// normalizeGraphQL reduces a GraphQL document to a canonical text: comments
// dropped, commas and whitespace runs collapsed, and no space kept next to
// punctuation. String literals stay as they are.
func normalizeGraphQL(doc string) string {
	var b strings.Builder
	b.Grow(len(doc))
	space, prev := false, rune(0)
	rs := []rune(doc)
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		switch {
		case c == '#':
			for i < len(rs) && rs[i] != '\n' {
				i++
			}
			space = true
		case unicode.IsSpace(c) || c == ',':
			space = true
		case c == '"':
			i = copyString(&b, rs, i)
			space, prev = false, '"'
		default:
			if space && isWord(prev) && isWord(c) {
				b.WriteByte(' ')
			}
			b.WriteRune(c)
			space, prev = false, c
		}
	}
	return b.String()
}

// copyString copies the string literal starting at rs[i] and returns the
// index of its closing quote.
func copyString(b *strings.Builder, rs []rune, i int) int {
	b.WriteRune(rs[i])
	for i++; i < len(rs); i++ {
		b.WriteRune(rs[i])
		switch rs[i] {
		case '\\':
			if i+1 < len(rs) {
				i++
				b.WriteRune(rs[i])
			}
		case '"':
			return i
		}
	}
	return i
}

func isWord(c rune) bool {
	return c == '_' || c == '"' || unicode.IsLetter(c) || unicode.IsDigit(c)
}

// firstField returns the response key of the first field of a normalised
// document's selection: its alias or its name.
func firstField(doc string) string {
	i := strings.IndexByte(doc, '{')
	if i < 0 {
		return ""
	}
	rest := doc[i+1:]
	end := strings.IndexFunc(rest, func(c rune) bool { return !isWord(c) || c == '"' })
	if end < 0 {
		return rest
	}
	return rest[:end]
}
