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
