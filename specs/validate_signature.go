package specs

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/specsync/specsync/internal/jsonptr"
)

// DefaultSignedContent is what an hmac signature with a timestamp covers
// when the spec's content says nothing.
const DefaultSignedContent = "{timestamp}.{body}"

// placeholder matches a {name} in a signature's content.
var placeholder = regexp.MustCompile(`\{[A-Za-z_]+\}`)

// SplitContent splits the signed content (Content, or
// DefaultSignedContent) around {body}: the text before and after it,
// {timestamp} still in them. It fails unless {body} and {timestamp} each
// appear once and no other {name} does.
func (s *Signature) SplitContent() (before, after string, err error) {
	content := s.Content
	if content == "" {
		content = DefaultSignedContent
	}
	for _, name := range placeholder.FindAllString(content, -1) {
		if name != "{body}" && name != "{timestamp}" {
			return "", "", fmt.Errorf("content %q has %s; only {timestamp} and {body} are replaced", content, name)
		}
	}
	for _, name := range []string{"{body}", "{timestamp}"} {
		if n := strings.Count(content, name); n != 1 {
			return "", "", fmt.Errorf("content %q has %s %d times; it needs it once", content, name, n)
		}
	}
	before, after, _ = strings.Cut(content, "{body}")
	return before, after, nil
}

// checkSignature checks that a webhook signature's keywords fit its
// format, that an hmac signature names its header, and the tolerance and
// content of a timed one.
func (c *specCheck) checkSignature(sig *Signature) {
	p := "/x-sync/webhooks/signature"
	if c.r.has(jsonptr.Join(p, "format")) {
		return // an unknown format, reported by the decoder: what it takes is unknown
	}
	if sig.Format == "" || sig.Format == FormatHMAC {
		c.checkHMACSignature(sig, p)
	}
	fixed := map[SignatureFormat][]struct{ key, value string }{
		FormatHMAC: {{"id", sig.ID}},
		FormatStripe: {{"algorithm", string(sig.Algorithm)}, {"encoding", string(sig.Encoding)}, {"prefix", sig.Prefix},
			{"timestamp", sig.Timestamp}, {"content", sig.Content}, {"id", sig.ID}},
		FormatStandardWebhooks: {{"algorithm", string(sig.Algorithm)}, {"encoding", string(sig.Encoding)}, {"prefix", sig.Prefix},
			{"content", sig.Content}},
	}
	format := sig.Format
	if format == "" {
		format = FormatHMAC
	}
	for _, k := range fixed[format] {
		if k.value != "" {
			c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, k.key), "remove it, or choose the format whose keyword it is",
				"the %s format has no %q: it fixes what it signs and how", format, k.key)
		}
	}
	if sig.Tolerance.Std() > MaxSignatureTolerance {
		c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, "tolerance"), "write at most \"24h\"; replays are remembered for as long",
			"tolerance %s exceeds %s", sig.Tolerance.Std(), MaxSignatureTolerance)
	}
}

// checkHMACSignature checks the header, timestamp, content and tolerance
// of an hmac signature.
func (c *specCheck) checkHMACSignature(sig *Signature, p string) {
	if sig.Header == "" {
		c.r.errorHint(CodeMissingKey, jsonptr.Join(p, "header"), "name the header that carries the signature, such as \"X-Signature\"",
			"an hmac signature needs its header")
	}
	if sig.Timestamp == "" {
		for key, set := range map[string]bool{"content": sig.Content != "", "tolerance": sig.Tolerance != 0} {
			if set {
				c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, key), "name the header that carries the delivery's time in \"timestamp\", or remove it",
					"%q needs a timestamp: without one the signature covers the body alone", key)
			}
		}
		return
	}
	if _, _, err := sig.SplitContent(); err != nil {
		c.r.errorHint(CodeInvalidValue, jsonptr.Join(p, "content"), "write the signed text with {timestamp} and {body} once each, such as \"{timestamp}.{body}\"",
			"%v", err)
	}
}
