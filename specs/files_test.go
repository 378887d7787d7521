package specs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// copyTree copies the files of src (one level of subfolders) into dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, path)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dst, rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestFileRecorderKeepsEveryFileTheLoadRead loads a spec whose $ref names
// another file: the recorder keeps both, and loading from the recorded
// set gives the same spec while the files on disk are broken.
func TestFileRecorderKeepsEveryFileTheLoadRead(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	copyTree(t, "testdata/refs", dir)
	root := filepath.Join(dir, "inside.json")
	rec := &FileRecorder{}
	spec, found, err := Load(root, LoadOptions{Files: rec})
	if err != nil || spec == nil {
		t.Fatalf("Load: %v, %v", err, found)
	}
	set := rec.Files()
	var names []string
	for loc := range set {
		names = append(names, strings.TrimPrefix(filepath.ToSlash(loc), filepath.ToSlash(dir)+"/"))
	}
	slices.Sort(names)
	if d := cmp.Diff([]string{"inside.json", "parts/common.json"}, names); d != "" {
		t.Errorf("recorded files (-want +got):\n%s", d)
	}
	for _, f := range []string{"inside.json", "parts/common.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("{\"half\": "), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	again, foundAgain, err := Load(root, LoadOptions{Files: set})
	if err != nil || again == nil || len(foundAgain) != len(found) {
		t.Fatalf("Load from the recorded set: %v, %v; want the findings of the recorded load, %v", err, foundAgain, found)
	}
	if len(again.Doc.Paths.Map()) != len(spec.Doc.Paths.Map()) {
		t.Errorf("the spec loaded from the set differs from the one recorded")
	}
}

// TestFileSetNeverReadsTheDisk loads from a set that lacks the file a
// $ref names: the load fails although the file is on disk.
func TestFileSetNeverReadsTheDisk(t *testing.T) {
	t.Parallel()
	root, err := filepath.Abs("testdata/refs/inside.json")
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(root)
	if err != nil {
		t.Fatal(err)
	}
	spec, found, err := Load(root, LoadOptions{Files: FileSet{root: data}})
	if err != nil || spec != nil || !found.HasErrors() {
		t.Errorf("Load with a missing referenced file: spec=%v err=%v findings=%v; want error findings", spec != nil, err, found)
	}
	_, _, err = Load(filepath.Join(filepath.Dir(root), "nested.json"), LoadOptions{Files: FileSet{}})
	if !errors.Is(err, fs.ErrNotExist) || !errors.Is(err, ErrUnreadable) {
		t.Errorf("Load of a file the set lacks: %v; want ErrUnreadable and fs.ErrNotExist", err)
	}
}
