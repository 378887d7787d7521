package server

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// A users file keeps no secret, only its hash, in one of two schemes:
//   - "sha256:<64 hex digits>" for a token: a long random string a program
//     sends as a bearer token. It carries enough entropy that a fast hash
//     cannot be reversed, and checking it costs nothing per request.
//   - a bcrypt hash ("$2a$", "$2b$" or "$2y$") for a password a person
//     types: a slow, salted hash, so that a stolen file does not give the
//     passwords away. It is checked when signing in, never per request.
const tokenHashPrefix = "sha256:"

// PasswordCost is the bcrypt cost of the password hashes HashPassword
// makes.
const PasswordCost = 12

// MinTokenLength is the shortest secret HashToken accepts: a token
// shorter than this is a password, and wants HashPassword.
const MinTokenLength = 32

// HashToken returns the hash a users file keeps of a token. It refuses a
// token shorter than MinTokenLength; NewToken makes one long enough.
func HashToken(token string) (string, error) {
	if len(token) < MinTokenLength {
		return "", fmt.Errorf("a token has at least %d characters (this one has %d): make one with `specsync users token`, or hash a password as a password", MinTokenLength, len(token))
	}
	return tokenHash(token), nil
}

// tokenHash is the SHA-256 hash of token in the users file's notation.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return tokenHashPrefix + hex.EncodeToString(sum[:])
}

// HashPassword returns the bcrypt hash a users file keeps of a password.
func HashPassword(password string) (string, error) {
	if password == "" {
		return "", errors.New("the password is empty")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), PasswordCost)
	if err != nil {
		return "", fmt.Errorf("hash the password: %w", err)
	}
	return string(h), nil
}

// NewToken returns a new random token of 32 bytes (256 bits), URL-safe.
func NewToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("read random bytes: %w", err)
	}
	return "ssk_" + base64.RawURLEncoding.EncodeToString(b), nil
}

// hashKind is the scheme of a stored hash.
type hashKind int

const (
	hashToken hashKind = iota + 1
	hashPassword
)

// checkHash returns the scheme of hash, or an error when it is not a hash
// of a known scheme: most likely a secret written where its hash belongs.
// The error never repeats the value.
func checkHash(hash string) (hashKind, error) {
	if hexPart, ok := strings.CutPrefix(hash, tokenHashPrefix); ok {
		if b, err := hex.DecodeString(hexPart); err != nil || len(b) != sha256.Size {
			return 0, errors.New("a sha256: hash is 64 hex digits; make it with `specsync users hash --token`")
		}
		return hashToken, nil
	}
	if _, err := bcrypt.Cost([]byte(hash)); err == nil {
		return hashPassword, nil
	}
	return 0, errors.New("not a hash (want sha256:<64 hex digits> or a bcrypt hash $2a$/$2b$/$2y$); a secret never goes in this file: make its hash with `specsync users hash`")
}

// verifyHash reports whether secret matches hash, in constant time for a
// token hash and by bcrypt for a password hash.
func verifyHash(kind hashKind, hash, secret string) bool {
	switch kind {
	case hashToken:
		return subtle.ConstantTimeCompare([]byte(tokenHash(secret)), []byte(hash)) == 1
	case hashPassword:
		return bcrypt.CompareHashAndPassword([]byte(hash), []byte(secret)) == nil
	}
	return false
}
