package connectortest

import (
	"encoding/json"
	"fmt"
	"time"
)

// Epoch is the modification time of the data set's first record.
var epoch = time.Date(2024, 3, 1, 8, 0, 0, 0, time.UTC)

// Records returns a data set of n records with distinct ids ("r00001"), a
// decimal amount as a JSON number and an RFC 3339 modification time one
// minute apart, starting at 2024-03-01T08:00:00Z.
func Records(n int) []map[string]any {
	out := make([]map[string]any, n)
	for i := range out {
		out[i] = map[string]any{
			"id":        fmt.Sprintf("r%05d", i+1),
			"name":      fmt.Sprintf("Record %d", i+1),
			"amount":    json.Number(fmt.Sprintf("%d.%02d", 1000+i, i%100)),
			"updatedAt": epoch.Add(time.Duration(i) * time.Minute).Format(time.RFC3339),
		}
	}
	return out
}

// LastModified is the modification time of the last of n records of
// Records.
func LastModified(n int) time.Time {
	return epoch.Add(time.Duration(n-1) * time.Minute)
}
