package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// versionText describes the build: the module's version (or "devel" for a
// build from a source tree, which Go marks "(devel)"), and the commit,
// its time and whether the tree had changes, as the Go toolchain stamped
// them from version control.
func versionText(info *debug.BuildInfo, ok bool) string {
	if !ok || info == nil {
		return fmt.Sprintf("specsync (no build information) %s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	}
	version := info.Main.Version
	if version == "" || version == "(devel)" {
		version = "devel"
	}
	vcs := map[string]string{}
	for _, s := range info.Settings {
		if name, found := strings.CutPrefix(s.Key, "vcs."); found {
			vcs[name] = s.Value
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "specsync %s\n", version)
	if rev := vcs["revision"]; rev != "" {
		fmt.Fprintf(&b, "commit:  %s", rev)
		if vcs["modified"] == "true" {
			b.WriteString(" (with uncommitted changes)")
		}
		b.WriteString("\n")
	}
	if t := vcs["time"]; t != "" {
		fmt.Fprintf(&b, "time:    %s\n", t)
	}
	goVersion := info.GoVersion
	if goVersion == "" {
		goVersion = runtime.Version()
	}
	fmt.Fprintf(&b, "go:      %s %s/%s\n", goVersion, runtime.GOOS, runtime.GOARCH)
	return b.String()
}

// buildVersion is versionText of this binary.
func buildVersion() string {
	return versionText(debug.ReadBuildInfo())
}
