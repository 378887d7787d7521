// Package stored marks the values the engine keeps in Redis with the
// version of their format and refuses, with a *FormatError that says what
// to do, a value marked with another version or not at all: a version of
// specsync reads only the formats it writes, and nothing of another
// format is migrated.
//
// A marked value is the version, a space and the data ("v1 {...}"). Each
// kind of value (written state, failure, create intent, instance, run
// record) has its own Version, so that one can change without the others.
//
// It is a leaf: it imports nothing of the module.
package stored
