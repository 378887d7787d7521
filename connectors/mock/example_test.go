package mock_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/specsync/specsync/connectors/mock"
	"github.com/specsync/specsync/specs"
)

// Example serves the test spec's units, seeded, and lists the first page in
// the spec's own paging style (page numbers, total at meta.total).
func Example() {
	spec, findings, err := specs.Load("testdata/rest.json", specs.LoadOptions{})
	if err != nil || findings.HasErrors() {
		fmt.Println(err, findings)
		return
	}
	srv, err := mock.New(spec, mock.Options{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	seed := `{"unit": [
		{"id": "u-1", "externalId": "A-1", "name": "Flat 1"},
		{"id": "u-2", "externalId": "A-2", "name": "Flat 2"},
		{"id": "u-3", "externalId": "A-3", "name": "Flat 3"}
	]}`
	if err := srv.LoadSeed(strings.NewReader(seed)); err != nil {
		fmt.Println(err)
		return
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()

	res, err := http.Get(hs.URL + "/units?page=1&pageSize=2")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	fmt.Println(res.StatusCode, string(body))
	fmt.Println("list requests:", srv.Stats().ByOperation["unit.list"])
	// Output:
	// 200 {"data":[{"externalId":"A-1","id":"u-1","name":"Flat 1"},{"externalId":"A-2","id":"u-2","name":"Flat 2"}],"meta":{"total":3}}
	// list requests: 1
}
