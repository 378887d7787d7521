package specs

// DecodeDocument strictly decodes a whole JSON or YAML document into out, a
// pointer to a struct, with the rules x-sync is decoded by: every unknown
// key (with a "did you mean" hint), wrong type, bad enum value, bad
// duration, missing required key, literal secret and bad choice is a
// finding located at file:line:col; the parts that are right are decoded.
// A root "$schema" key, which names the JSON Schema an editor checks the
// file against, is ignored.
// Other packages use it for their own documents (instances).
//
// The error is a *ReadError, matching ErrUnreadable, when data is not JSON
// or YAML holding an object.
func DecodeDocument(file string, data []byte, out any) (Findings, error) {
	doc, err := parseTree(file, data)
	if err != nil {
		return nil, err
	}
	root, err := rootObject(file, doc)
	if err != nil {
		return nil, err
	}
	r := &report{file: file, source: newSourceMap(doc)}
	decodeStrict(withoutSchemaKey(root), "", out, r)
	return r.sorted(), nil
}

// Locate fills File, Line and Column of findings made without a position
// from the document data they are about, and orders them by position.
func Locate(found Findings, file string, data []byte) Findings {
	src, err := NewSourceMap(data)
	for i := range found {
		found[i].File = file
		if err == nil {
			found[i].Line, found[i].Column = src.Locate(found[i].Pointer)
		}
	}
	return sortFindings(found)
}

// Suggest returns the candidate closest to word ("did you mean"), or ""
// when none is close.
func Suggest(word string, candidates []string) string {
	if close := suggest(word, candidates); len(close) > 0 {
		return close[0]
	}
	return ""
}
