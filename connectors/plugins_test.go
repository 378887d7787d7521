package connectors_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/specsync/specsync/connectors"
	"github.com/specsync/specsync/specs"
)

// TestDescribeListsEveryPlugin checks that specs sees every registered
// auth method and paging style, a custom one included, with its config.
func TestDescribeListsEveryPlugin(t *testing.T) {
	t.Parallel()
	p := connectors.DefaultPlugins()
	custom := connectors.PaginatorMethod{Name: "single", Doc: "One page.", Config: func() any { return &struct{}{} },
		New: func(any) (connectors.Paginator, error) { return nil, nil }}
	if err := p.Paginators.Register(custom); err != nil {
		t.Fatal(err)
	}
	described := p.Describe()
	if diff := cmp.Diff(p.Auth.Names(), described.Names(specs.PluginAuth)); diff != "" {
		t.Errorf("auth methods (-registered +described):\n%s", diff)
	}
	if diff := cmp.Diff(p.Paginators.Names(), described.Names(specs.PluginPagination)); diff != "" {
		t.Errorf("paging styles (-registered +described):\n%s", diff)
	}
	if d, ok := described.Lookup(specs.PluginPagination, "single"); !ok || d.Doc != "One page." || d.Config == nil {
		t.Errorf("single is described as %+v", d)
	}
}
