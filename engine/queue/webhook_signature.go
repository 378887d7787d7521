package queue

import (
	"cmp"
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/specsync/specsync/specs"
)

// Headers of the signature formats, where the spec names none.
const (
	stripeHeader            = "Stripe-Signature"
	standardSignatureHeader = "webhook-signature"
	standardTimestampHeader = "webhook-timestamp"
	standardIDHeader        = "webhook-id"
	standardSecretPrefix    = "whsec_"
)

// Signed is what the verified signature of a delivery says about its time.
type Signed struct {
	// At is the delivery's signed time; zero when its signature carries
	// none (an hmac signature without a timestamp header).
	At time.Time
	// Header names the header that carries the time, for messages.
	Header string
	// Digest names the signature for replay protection (a hash of it);
	// empty when it carries no time.
	Digest string
	// Until is when At leaves the tolerance: until then a repeat of the
	// signature is a replay, afterwards it is refused as stale.
	Until time.Time
}

// signatureCheck verifies the signatures of one spec's deliveries. It is
// safe for concurrent use.
type signatureCheck struct {
	spec                  *specs.Signature
	header, timestamp, id string
	before, after         string // the signed content around the body (hmac with a timestamp)
	tolerance             time.Duration
}

// newSignatureCheck fills in the defaults of sig's format.
func newSignatureCheck(sig *specs.Signature) (*signatureCheck, error) {
	c := &signatureCheck{spec: sig, header: sig.Header, timestamp: sig.Timestamp, id: sig.ID, tolerance: sig.ToleranceOrDefault()}
	switch sig.Format {
	case specs.FormatStripe:
		c.header = cmp.Or(c.header, stripeHeader)
	case specs.FormatStandardWebhooks:
		c.header = cmp.Or(c.header, standardSignatureHeader)
		c.timestamp = cmp.Or(c.timestamp, standardTimestampHeader)
		c.id = cmp.Or(c.id, standardIDHeader)
	default:
		if c.timestamp == "" {
			return c, nil
		}
		var err error
		if c.before, c.after, err = sig.SplitContent(); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Verify checks the delivery's signature when the spec asks for one and,
// when the signature carries a time, that the time is within the
// tolerance around now. Errors of the delivery wrap ErrBadSignature and
// name the header and what is wrong with it, never a secret or an
// expected signature; an unusable secret is an error of the instance.
// Replays are the caller's to refuse, by Signed.Digest.
func (w *Webhook) Verify(h http.Header, body []byte, now time.Time) (Signed, error) {
	if w.sig == nil {
		return Signed{}, nil
	}
	secret, err := w.creds.Resolve(w.sig.spec.Secret)
	if err != nil {
		return Signed{}, fmt.Errorf("instance %q: webhook signature secret: %w", w.inst.ID, err)
	}
	signed, err := w.sig.verify(h, body, secret, now)
	if err != nil {
		return Signed{}, fmt.Errorf("instance %q: %w", w.inst.ID, err)
	}
	return signed, nil
}

// verify checks the signature in the spec's format.
func (c *signatureCheck) verify(h http.Header, body []byte, secret string, now time.Time) (Signed, error) {
	var ts, tsHeader string
	var mac []byte
	var err error
	switch c.spec.Format {
	case specs.FormatStripe:
		ts, mac, err = c.stripe(h, body, secret)
		tsHeader = c.header
	case specs.FormatStandardWebhooks:
		ts, mac, err = c.standard(h, body, secret)
		tsHeader = c.timestamp
	default:
		ts, mac, err = c.hmac(h, body, secret)
		tsHeader = c.timestamp
	}
	if err != nil || tsHeader == "" {
		return Signed{}, err
	}
	return c.timed(tsHeader, ts, mac, now)
}

// hmac checks an HMAC of the body, or of the content around it and the
// timestamp header's value; it returns that value and the MAC.
func (c *signatureCheck) hmac(h http.Header, body []byte, secret string) (string, []byte, error) {
	value := h.Get(c.header)
	got, ok := strings.CutPrefix(value, c.spec.Prefix)
	switch {
	case value == "":
		return "", nil, badSignature(c.header, "missing")
	case !ok || got == "":
		return "", nil, badSignature(c.header, "does not hold a signature after the prefix %q", c.spec.Prefix)
	}
	var ts, before, after string
	if c.timestamp != "" {
		if ts = h.Get(c.timestamp); ts == "" {
			return "", nil, badSignature(c.timestamp, "missing; the signature covers the delivery's time")
		}
		before, after = strings.ReplaceAll(c.before, "{timestamp}", ts), strings.ReplaceAll(c.after, "{timestamp}", ts)
	}
	mac := sum(hasher(c.spec.Algorithm), []byte(secret), before, body, after)
	if !hmac.Equal([]byte(encodeSig(c.spec.Encoding, mac)), []byte(got)) {
		return "", nil, badSignature(c.header, "does not match the signed content; check the secret and the spec's signature settings")
	}
	return ts, mac, nil
}

// stripe checks a Stripe-Signature header, "t=<unix>,v1=<hex>[,v1=...]",
// against an HMAC-SHA256 of "<t>.<body>"; other schemes (v0) are
// skipped.
func (c *signatureCheck) stripe(h http.Header, body []byte, secret string) (string, []byte, error) {
	value := h.Get(c.header)
	if value == "" {
		return "", nil, badSignature(c.header, "missing")
	}
	var ts string
	var sigs []string
	for item := range strings.SplitSeq(value, ",") {
		switch k, v, _ := strings.Cut(strings.TrimSpace(item), "="); k {
		case "t":
			if ts != "" {
				return "", nil, badSignature(c.header, "has more than one t=")
			}
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	switch {
	case ts == "":
		return "", nil, badSignature(c.header, "has no t=<timestamp>")
	case len(sigs) == 0:
		return "", nil, badSignature(c.header, "has no v1=<signature>")
	}
	mac := sum(sha256.New, []byte(secret), ts+".", body, "")
	if !anyEqual(sigs, hex.EncodeToString(mac)) {
		return "", nil, badSignature(c.header, "no v1 signature matches the timestamp and body; check the secret")
	}
	return ts, mac, nil
}

// standard checks the Standard Webhooks headers: the signature header is
// a space-separated list of "v1,<base64>" (other versions are skipped),
// each an HMAC-SHA256 of "<id>.<timestamp>.<body>" keyed with the secret
// decoded from base64 after an optional whsec_.
func (c *signatureCheck) standard(h http.Header, body []byte, secret string) (string, []byte, error) {
	id, ts, value := h.Get(c.id), h.Get(c.timestamp), h.Get(c.header)
	for _, hv := range [][2]string{{c.id, id}, {c.timestamp, ts}, {c.header, value}} {
		if hv[1] == "" {
			return "", nil, badSignature(hv[0], "missing")
		}
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, standardSecretPrefix))
	if err != nil {
		return "", nil, fmt.Errorf("webhook signature secret: a standard-webhooks secret is base64 after an optional %s: %w", standardSecretPrefix, err)
	}
	mac := sum(sha256.New, key, id+"."+ts+".", body, "")
	var sigs []string
	for item := range strings.FieldsSeq(value) {
		if version, sig, ok := strings.Cut(item, ","); ok && version == "v1" {
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		return "", nil, badSignature(c.header, "has no v1,<signature>")
	}
	if !anyEqual(sigs, base64.StdEncoding.EncodeToString(mac)) {
		return "", nil, badSignature(c.header, "no v1 signature matches the id, timestamp and body; check the secret")
	}
	return ts, mac, nil
}

// timed checks a verified signature's time against the tolerance around
// now and names the signature for replay protection.
func (c *signatureCheck) timed(header, ts string, mac []byte, now time.Time) (Signed, error) {
	secs, err := unixSeconds(ts)
	if err != nil {
		return Signed{}, badSignature(header, "timestamp %q is not a Unix time in seconds (digits, up to the year 9999)", ts)
	}
	at := time.Unix(secs, 0)
	if age := now.Sub(at); age > c.tolerance {
		return Signed{}, badSignature(header, "timestamp %s is %s old; deliveries older than the tolerance of %s are refused",
			at.UTC().Format(time.RFC3339), age.Truncate(time.Second), c.tolerance)
	}
	if ahead := at.Sub(now); ahead > c.tolerance {
		return Signed{}, badSignature(header, "timestamp %s is %s ahead of this server's clock, beyond the tolerance of %s",
			at.UTC().Format(time.RFC3339), ahead.Truncate(time.Second), c.tolerance)
	}
	h := sha256.Sum256(mac)
	return Signed{At: at, Header: header, Digest: hex.EncodeToString(h[:16]), Until: at.Add(c.tolerance)}, nil
}

// maxUnixSeconds is the last second of the year 9999: a larger number is
// not a time in seconds (milliseconds, say).
const maxUnixSeconds = 253402300799

// unixSeconds reads a Unix time in seconds: digits only, up to the year
// 9999.
func unixSeconds(ts string) (int64, error) {
	if ts == "" || strings.Trim(ts, "0123456789") != "" {
		return 0, strconv.ErrSyntax
	}
	secs, err := strconv.ParseInt(ts, 10, 64)
	if err == nil && secs > maxUnixSeconds {
		err = strconv.ErrRange
	}
	return secs, err
}

// badSignature is an ErrBadSignature naming the header and what is wrong.
func badSignature(header, format string, args ...any) error {
	return fmt.Errorf("header %s: %s: %w", header, fmt.Sprintf(format, args...), ErrBadSignature)
}

// sum is the HMAC with key of before, body and after.
func sum(h func() hash.Hash, key []byte, before string, body []byte, after string) []byte {
	mac := hmac.New(h, key)
	mac.Write([]byte(before))
	mac.Write(body)
	mac.Write([]byte(after))
	return mac.Sum(nil)
}

// anyEqual reports whether one of sigs is want, comparing in constant time.
func anyEqual(sigs []string, want string) bool {
	found := false
	for _, s := range sigs {
		if hmac.Equal([]byte(s), []byte(want)) {
			found = true
		}
	}
	return found
}

// hasher returns the hash of an HMAC algorithm; empty means hmac-sha256.
func hasher(alg specs.SignatureAlgorithm) func() hash.Hash {
	if alg == specs.HMACSHA1 {
		return sha1.New
	}
	return sha256.New
}

// encodeSig encodes a MAC as the spec says; empty means hex.
func encodeSig(enc specs.SignatureEncoding, mac []byte) string {
	if enc == specs.EncodingBase64 {
		return base64.StdEncoding.EncodeToString(mac)
	}
	return hex.EncodeToString(mac)
}
