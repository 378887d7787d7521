package samples

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDetectAuth(t *testing.T) {
	cases := []struct {
		name    string
		headers []Pair
		query   []Pair
		want    string
	}{
		{"bearer", []Pair{{"authorization", "Bearer abc.def"}}, nil, `{"bearerAuth":{"scheme":"bearer","type":"http"}}`},
		{"basic", []Pair{{"Authorization", "Basic dXNlcjpwdw=="}}, nil, `{"basicAuth":{"scheme":"basic","type":"http"}}`},
		{"token in Authorization", []Pair{{"Authorization", "Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"}}, nil, `{"authorizationHeader":{"in":"header","name":"Authorization","type":"apiKey"}}`},
		{"api key header", []Pair{{"X-API-KEY", "k"}}, nil, `{"xApiKey":{"in":"header","name":"X-API-KEY","type":"apiKey"}}`},
		{"auth token header", []Pair{{"X-Auth-Token", "k"}}, nil, `{"xAuthToken":{"in":"header","name":"X-Auth-Token","type":"apiKey"}}`},
		{"idempotency key is no auth", []Pair{{"Idempotency-Key", "k"}}, nil, `{}`},
		{"api key in query", nil, []Pair{{"api_key", "k"}}, `{"apiKeyQuery":{"in":"query","name":"api_key","type":"apiKey"}}`},
		{"session cookie", []Pair{{"Cookie", "_ga=1; SESSIONID=abc"}}, nil, `{"cookieAuth":{"in":"cookie","name":"SESSIONID","type":"apiKey"}}`},
		{"cookie besides a bearer", []Pair{{"Cookie", "SESSIONID=abc"}, {"Authorization", "Bearer x"}}, nil, `{"bearerAuth":{"scheme":"bearer","type":"http"}}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := detectAuth([]*Sample{{RequestHeaders: c.headers, Query: c.query}})
			got, _ := json.Marshal(a.schemes)
			if diff := cmp.Diff(c.want, string(got)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
