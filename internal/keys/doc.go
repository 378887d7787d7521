// Package keys names every Redis key specsync writes, so that no other
// package concatenates key strings.
//
// All keys start with a prefix ("specsync:" unless configured). Keys that
// belong to one instance carry the instance id in a hash tag, as in
// "specsync:{erp-everreal}:idrev:push:tenant", so that one instance's keys
// live on one Redis Cluster slot and can be written in one pipeline or
// transaction. The instance registry (the stored instance documents, their
// indexes and the change counter) shares the fixed hash tag "{instances}"
// for the same reason: it is small, and a change touches several of its
// keys at once. The rate limit of a partner account, which instances of
// any slot share, has a hash tag of its own.
//
// Record keys of the synchronised systems never become part of a Redis key;
// they are fields of hashes, so they need no escaping.
package keys
