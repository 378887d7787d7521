package samples

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/specsync/specsync/internal/jsonvalue"
)

// harFile is the part of a HAR 1.2 document that inference reads.
type harFile struct {
	Log *struct {
		Entries []harEntry `json:"entries"`
	} `json:"log"`
}

type harEntry struct {
	Request  *harRequest  `json:"request"`
	Response *harResponse `json:"response"`
}

type harRequest struct {
	Method   string       `json:"method"`
	URL      string       `json:"url"`
	Headers  []harPair    `json:"headers"`
	PostData *harPostData `json:"postData"`
}

type harPostData struct {
	MimeType string    `json:"mimeType"`
	Text     string    `json:"text"`
	Params   []harPair `json:"params"`
}

type harResponse struct {
	Status  int       `json:"status"`
	Headers []harPair `json:"headers"`
	Content struct {
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding"`
	} `json:"content"`
}

type harPair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// readHAR reads the entries of a HAR file that look like API calls; the
// others are counted in a note.
func readHAR(name string, data []byte, notes *notes) ([]*Sample, error) {
	var har harFile
	if err := json.Unmarshal(data, &har); err != nil {
		return nil, jsonError(name, data, err, "a HAR file is the JSON a browser's developer tools save with \"Save all as HAR\"")
	}
	if har.Log == nil {
		return nil, fmt.Errorf("%s: /log: the file has no \"log\" object; it is not a HAR file (save one with the developer tools' \"Save all as HAR\")", name)
	}
	var out []*Sample
	skipped := 0
	for i, e := range har.Log.Entries {
		at := fmt.Sprintf("%s#/log/entries/%d", name, i)
		if e.Request == nil || e.Response == nil {
			return nil, fmt.Errorf("%s: the entry has no request or no response; HAR 1.2 requires both", at)
		}
		s, err := harSample(at, e, notes)
		if err != nil {
			return nil, err
		}
		if s == nil {
			skipped++
			continue
		}
		out = append(out, s)
	}
	if skipped > 0 {
		notes.add("%s: %d of %d entries skipped: not API calls (pages, scripts, styles, images, preflights, failed requests)", name, skipped, len(har.Log.Entries))
	}
	return out, nil
}

// harSample turns one entry into a sample, or nil when it is not an API
// call.
func harSample(at string, e harEntry, notes *notes) (*Sample, error) {
	method, ok := canonicalMethod(e.Request.Method)
	if !ok || e.Response.Status == 0 {
		return nil, nil
	}
	u, err := url.Parse(e.Request.URL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("%s/request/url: %q is not an absolute URL", at, e.Request.URL)
	}
	s := &Sample{
		Source: at, Method: method, Origin: u.Scheme + "://" + u.Host, Path: cleanPath(u.EscapedPath()),
		Query: queryPairs(u.RawQuery), RequestHeaders: pairs(e.Request.Headers),
		Status: e.Response.Status, ResponseHeaders: pairs(e.Response.Headers),
	}
	s.RequestBody = harRequestBody(at, e.Request.PostData, notes)
	s.ResponseBody = harResponseBody(at, e.Response, notes)
	if !looksLikeAPI(s) && !isJSONType(mediaType(e.Response.Content.MimeType)) {
		return nil, nil
	}
	return s, nil
}

// looksLikeAPI keeps JSON exchanges and writes, and drops what a browser
// loads to show a page. (harSample also keeps a JSON response whose text
// the browser did not save.)
func looksLikeAPI(s *Sample) bool {
	if s.ResponseBody != nil && s.ResponseBody.JSON || s.RequestBody != nil && (s.RequestBody.JSON || s.RequestBody.Form != nil) {
		return true
	}
	ct, _ := header(s.ResponseHeaders, "Content-Type")
	mt := mediaType(ct)
	if s.Method == "GET" {
		return false
	}
	return mt == "" || !(strings.HasPrefix(mt, "text/html") || strings.Contains(mt, "javascript") || strings.HasPrefix(mt, "text/css") || strings.HasPrefix(mt, "image/") || strings.HasPrefix(mt, "font/"))
}

func harRequestBody(at string, pd *harPostData, notes *notes) *Body {
	if pd == nil || pd.Text == "" && len(pd.Params) == 0 {
		return nil
	}
	mt := mediaType(pd.MimeType)
	if mt == "application/x-www-form-urlencoded" {
		form := pairs(pd.Params)
		if form == nil {
			form = queryPairs(pd.Text)
		}
		return &Body{MediaType: mt, Form: form}
	}
	return decodeBody(at+"/request/postData/text", mt, []byte(pd.Text), notes)
}

func harResponseBody(at string, r *harResponse, notes *notes) *Body {
	c := r.Content
	if c.Text == "" {
		return nil
	}
	text := []byte(c.Text)
	if strings.EqualFold(c.Encoding, "base64") {
		raw, err := base64.StdEncoding.DecodeString(c.Text)
		if err != nil {
			notes.add("%s/response/content/text: not base64 although its encoding says so; body ignored", at)
			return nil
		}
		text = raw
	}
	mt := mediaType(c.MimeType)
	if mt == "" {
		ct, _ := header(pairs(r.Headers), "Content-Type")
		mt = mediaType(ct)
	}
	return decodeBody(at+"/response/content/text", mt, text, notes)
}

// decodeBody decodes a JSON body; a body of another type is kept with its
// media type only. A body that says it is JSON but is not is noted and
// ignored.
func decodeBody(at, mt string, data []byte, notes *notes) *Body {
	if !isJSONType(mt) {
		return &Body{MediaType: mt}
	}
	v, err := jsonvalue.Decode(data)
	if err != nil {
		notes.add("%s: not JSON although its type is %s (%v); body ignored", at, mt, err)
		return nil
	}
	return &Body{MediaType: mt, Value: v, JSON: true}
}

func pairs(hp []harPair) []Pair {
	if len(hp) == 0 {
		return nil
	}
	out := make([]Pair, len(hp))
	for i, p := range hp {
		out[i] = Pair(p)
	}
	return out
}

// queryPairs splits a raw query string into its members, in order.
func queryPairs(raw string) []Pair {
	var out []Pair
	for part := range strings.SplitSeq(raw, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			name, value = k, v
		}
		out = append(out, Pair{name, value})
	}
	return out
}

// cleanPath drops a trailing slash and makes the root "/".
func cleanPath(p string) string {
	p = strings.TrimRight(p, "/")
	if p == "" {
		return "/"
	}
	return p
}

// jsonError says where a file stops being the JSON it should be.
func jsonError(name string, data []byte, err error, hint string) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var jv *jsonvalue.SyntaxError
	offset := -1
	switch {
	case errors.As(err, &syn):
		offset = int(syn.Offset) - 1
	case errors.As(err, &typ):
		offset = int(typ.Offset) - 1
	case errors.As(err, &jv):
		offset = jv.Offset
	}
	if offset < 0 {
		return fmt.Errorf("%s: %w; %s", name, err, hint)
	}
	line, col := position(data, max(offset, 0))
	return fmt.Errorf("%s:%d:%d: %w; %s", name, line, col, err, hint)
}

// position returns the 1-based line and column of a byte offset.
func position(data []byte, offset int) (line, col int) {
	offset = min(offset, len(data))
	before := data[:offset]
	line = 1 + strings.Count(string(before), "\n")
	last := strings.LastIndexByte(string(before), '\n')
	return line, offset - last
}
