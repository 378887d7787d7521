package specs

import (
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Files reads the files a load needs: the document itself and every file
// or URL its $refs name, after the reference policy allowed them.
// Implementations must be safe for concurrent use.
type Files interface {
	// ReadFile returns the content of location: a file path as the load
	// was given it or, for a $ref, absolute and clean; or an http(s) URL.
	ReadFile(location string) ([]byte, error)
}

// DiskFiles reads files from disk and URLs over HTTP: what a nil
// LoadOptions.Files reads.
type DiskFiles struct{}

var _ Files = DiskFiles{}

// ReadFile reads location from disk, or downloads it when it is an
// http(s) URL.
func (DiskFiles) ReadFile(location string) ([]byte, error) {
	if !isURL(location) {
		return os.ReadFile(location)
	}
	client := &http.Client{Timeout: remoteRefTimeout}
	resp, err := client.Get(location)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return nil, fmt.Errorf("GET %s: status %d", location, resp.StatusCode)
	}
	return io.ReadAll(resp.Body)
}

// isURL reports whether location is an http(s) URL.
func isURL(location string) bool {
	return strings.HasPrefix(location, "http://") || strings.HasPrefix(location, "https://")
}

// refLocation is the location a $ref target is read from: the URL, or
// the clean file path.
func refLocation(scheme, raw, path string) string {
	if scheme == "http" || scheme == "https" {
		return raw
	}
	return filepath.Clean(filepath.FromSlash(path))
}

// FileSet is the content of files by location: the files an applied
// instance's documents were loaded from. Reading a location it does not
// hold fails; it never falls back to the disk. A FileSet is safe for
// concurrent reads.
type FileSet map[string][]byte

var _ Files = FileSet(nil)

// ReadFile returns the content of location; the error matches
// fs.ErrNotExist when the set does not hold it.
func (s FileSet) ReadFile(location string) ([]byte, error) {
	data, ok := s[location]
	if !ok {
		return nil, fmt.Errorf("%s is not among the applied files: %w", location, fs.ErrNotExist)
	}
	return data, nil
}

// FileRecorder reads through From and keeps a copy of every file it read,
// so that the files a load needed can be stored with what it loaded. It is
// safe for concurrent use.
type FileRecorder struct {
	// From reads the files. Nil means DiskFiles.
	From Files

	mu  sync.Mutex
	set FileSet
}

var _ Files = (*FileRecorder)(nil)

// ReadFile reads location through From and records its content.
func (r *FileRecorder) ReadFile(location string) ([]byte, error) {
	from := r.From
	if from == nil {
		from = DiskFiles{}
	}
	data, err := from.ReadFile(location)
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.set == nil {
		r.set = FileSet{}
	}
	r.set[location] = data
	return data, nil
}

// Files returns a copy of what was read so far.
func (r *FileRecorder) Files() FileSet {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(FileSet, len(r.set))
	for k, v := range r.set {
		out[k] = v
	}
	return out
}
