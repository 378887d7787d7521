package mock

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCreateFromFormFields pins the bug where a create whose operation
// takes application/x-www-form-urlencoded (as Twilio's do) was refused
// with "must be a JSON object".
func TestCreateFromFormFields(t *testing.T) {
	t.Parallel()
	srv, hs := serve(t, "testdata/form.json", Options{})
	for _, c := range []struct {
		body   string
		status int
	}{
		{"FriendlyName=admins&Permission=sendMessage", 201},
		{"FriendlyName=readers&Permission=readMessage&Permission=listMessages", 201},
		{"Permission=sendMessage", 400},
	} {
		res, err := http.Post(hs.URL+"/roles", formContentType, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != c.status {
			t.Errorf("POST %s: %d %s, want %d", c.body, res.StatusCode, body, c.status)
		}
	}
	var got []map[string]any
	for _, r := range srv.Records("role") {
		delete(r, "sid")
		got = append(got, r)
	}
	want := []map[string]any{
		{"FriendlyName": "admins", "Permission": []any{"sendMessage"}},
		{"FriendlyName": "readers", "Permission": []any{"readMessage", "listMessages"}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("records (-want +got):\n%s", diff)
	}
}
