package instance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/specsync/specsync/internal/stored"
	"github.com/specsync/specsync/specs"
)

// Documents names the content of the files an instance was applied with:
// its model, both specs and every file or URL their $refs read, each the
// SHA-256 (hex) of its bytes by location (as specs.Files names it). The
// store keeps each content under keys.Document; runs load exactly these
// (InstanceStore.Files), whatever the files on disk hold meanwhile.
type Documents map[string]string

// documentFormat marks the stored content of a document: "v1 " and the
// file's bytes.
const documentFormat stored.Version = "v1"

// DocumentGrace is how long the content of a document stays after no
// applied instance names it any more (or before the instance that names
// it is stored), so that a run that read the previous version can still
// load it.
const DocumentGrace = time.Hour

// documentsOf hashes every file of files, which must hold the model and
// both specs of inst.
func documentsOf(inst *Instance, files specs.FileSet) (Documents, error) {
	for _, need := range []struct{ what, path string }{{"model", inst.Model}, {"home spec", inst.Home.Spec}, {"partner spec", inst.Partner.Spec}} {
		if _, ok := files[need.path]; !ok {
			return nil, fmt.Errorf("the content of the %s %s was not read, so it cannot be applied", need.what, need.path)
		}
	}
	docs := make(Documents, len(files))
	for loc, data := range files {
		sum := sha256.Sum256(data)
		docs[loc] = hex.EncodeToString(sum[:])
	}
	return docs, nil
}

// ChangedDocuments lists, sorted, the locations whose content differs
// between old and docs, including files only one of them has.
func ChangedDocuments(old, docs Documents) []string {
	var out []string
	for loc, h := range docs {
		if old[loc] != h {
			out = append(out, loc)
		}
	}
	for loc := range old {
		if _, ok := docs[loc]; !ok {
			out = append(out, loc)
		}
	}
	slices.Sort(out)
	return out
}

// putDocuments stores the content of files that the store does not have
// yet, each expiring after DocumentGrace until keepDocuments keeps it.
func (s *InstanceStore) putDocuments(ctx context.Context, id string, docs Documents, files specs.FileSet) error {
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, loc := range slices.Sorted(maps.Keys(docs)) {
			p.SetNX(ctx, s.keys.Document(id, docs[loc]), documentFormat.Mark(string(files[loc])), DocumentGrace)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store the documents: %w", err)
	}
	return nil
}

// keepDocuments makes the documents of docs permanent and lets those of
// old that docs does not name expire after DocumentGrace.
func (s *InstanceStore) keepDocuments(ctx context.Context, id string, old, docs Documents) error {
	keep := map[string]bool{}
	for _, h := range docs {
		keep[h] = true
	}
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for _, h := range slices.Sorted(maps.Keys(keep)) {
			p.Persist(ctx, s.keys.Document(id, h))
		}
		for _, h := range old {
			if !keep[h] {
				p.Expire(ctx, s.keys.Document(id, h), DocumentGrace)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("keep the documents: %w", err)
	}
	return nil
}

// Files returns the content of the documents inst was applied with, the
// files its runs load (specs.LoadOptions.Files). Each content is checked
// against its hash; a missing or damaged one is an error that says to
// apply the instance again. An instance without documents gives an error.
func (s *InstanceStore) Files(ctx context.Context, inst *Instance) (specs.FileSet, error) {
	if len(inst.Documents) == 0 {
		return nil, fmt.Errorf("instance %q holds no applied documents: apply it again", inst.ID)
	}
	locs := slices.Sorted(maps.Keys(inst.Documents))
	names := make([]string, len(locs))
	for i, loc := range locs {
		names[i] = s.keys.Document(inst.ID, inst.Documents[loc])
	}
	vals, err := s.rdb.MGet(ctx, names...).Result()
	if err != nil {
		return nil, fmt.Errorf("read the documents of instance %q: %w", inst.ID, err)
	}
	files := make(specs.FileSet, len(locs))
	for i, loc := range locs {
		data, err := openDocument(inst, loc, names[i], vals[i])
		if err != nil {
			return nil, err
		}
		files[loc] = data
	}
	return files, nil
}

// errDocumentMissing marks an applied document whose content is gone.
var errDocumentMissing = errors.New("the applied content is missing")

// openDocument checks the stored value v of the document at loc of inst,
// kept under key, and returns its content.
func openDocument(inst *Instance, loc, key string, v any) ([]byte, error) {
	what := fmt.Sprintf("document %s of instance %q", loc, inst.ID)
	value, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("%s: %w (the key %s); apply the instance again", what, errDocumentMissing, key)
	}
	data, ok := documentFormat.Open(value)
	if !ok {
		return nil, documentFormat.Refuse(value, what, fmt.Sprintf("remove it (the key %s) and apply the instance again", key))
	}
	if sum := sha256.Sum256([]byte(data)); hex.EncodeToString(sum[:]) != inst.Documents[loc] {
		return nil, stored.Damaged(what+" (apply the instance again)", errors.New("its content does not match its hash"))
	}
	return []byte(data), nil
}
