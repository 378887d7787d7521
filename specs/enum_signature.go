package specs

import "slices"

// SignatureAlgorithm is the HMAC of a webhook signature. The zero value
// means HMACSHA256.
type SignatureAlgorithm string

// The signature algorithms.
const (
	HMACSHA256 SignatureAlgorithm = "hmac-sha256"
	HMACSHA1   SignatureAlgorithm = "hmac-sha1"
)

var _ Enum = SignatureAlgorithm("")

// Values lists the algorithms.
func (SignatureAlgorithm) Values() []string { return []string{string(HMACSHA256), string(HMACSHA1)} }

// What names an algorithm in messages.
func (SignatureAlgorithm) What() string { return "signature algorithm" }

// Valid reports whether a is an algorithm.
func (a SignatureAlgorithm) Valid() bool { return slices.Contains(a.Values(), string(a)) }

// SignatureEncoding is how a webhook signature is written in its header.
// The zero value means EncodingHex.
type SignatureEncoding string

// The signature encodings.
const (
	EncodingHex    SignatureEncoding = "hex"
	EncodingBase64 SignatureEncoding = "base64"
)

var _ Enum = SignatureEncoding("")

// Values lists the encodings.
func (SignatureEncoding) Values() []string {
	return []string{string(EncodingHex), string(EncodingBase64)}
}

// What names an encoding in messages.
func (SignatureEncoding) What() string { return "signature encoding" }

// Valid reports whether e is an encoding.
func (e SignatureEncoding) Valid() bool { return slices.Contains(e.Values(), string(e)) }

// SignatureFormat is how a webhook signature is made and sent. The zero
// value means FormatHMAC.
type SignatureFormat string

// The signature formats.
const (
	// FormatHMAC: an HMAC of the body (or, with a timestamp header, of
	// the signature's content) in a header of the spec's choosing.
	FormatHMAC SignatureFormat = "hmac"
	// FormatStripe: Stripe's Stripe-Signature header, "t=<unix>,v1=<hex>",
	// an HMAC-SHA256 of "<t>.<body>".
	FormatStripe SignatureFormat = "stripe"
	// FormatStandardWebhooks: the Standard Webhooks headers (Svix sends
	// them with the prefix svix-): webhook-id, webhook-timestamp and
	// webhook-signature, "v1,<base64>", an HMAC-SHA256 of
	// "<id>.<timestamp>.<body>" keyed with the base64 secret after whsec_.
	FormatStandardWebhooks SignatureFormat = "standard-webhooks"
)

var _ Enum = SignatureFormat("")

// Values lists the formats.
func (SignatureFormat) Values() []string {
	return []string{string(FormatHMAC), string(FormatStripe), string(FormatStandardWebhooks)}
}

// What names a format in messages.
func (SignatureFormat) What() string { return "signature format" }

// Valid reports whether f is a format.
func (f SignatureFormat) Valid() bool { return slices.Contains(f.Values(), string(f)) }
