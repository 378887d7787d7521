package bench

import (
	"embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// fixtures are the documents of the benchmark instance (home.json,
// partner.json, model.json) and of the mapping scenario (tenant_*.json).
//
//go:embed data/*.json
var fixtures embed.FS

// writeFixtures copies the instance's documents into a new temporary
// directory, since an instance names its documents by path.
func writeFixtures() (string, error) {
	dir, err := os.MkdirTemp("", "specsync-bench-")
	if err != nil {
		return "", fmt.Errorf("bench: %w", err)
	}
	for _, name := range []string{"home.json", "partner.json", "model.json"} {
		data, err := fixtures.ReadFile("data/" + name)
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name), data, 0o600)
		}
		if err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("bench: %w", err)
		}
	}
	return dir, nil
}

// homeItem is the home system's record number i.
func homeItem(i int) map[string]any {
	return map[string]any{
		"id": fmt.Sprintf("item-%07d", i), "name": fmt.Sprintf("Musterstraße Objekt %d", i),
		"street": fmt.Sprintf("Musterstraße %d", i%300+1), "zip": fmt.Sprintf("%05d", 10000+i%89999), "city": "Berlin",
		"amount": fmt.Sprintf("%d.%d", 500+i%5000, i%10), "since": "2024-01-31", "active": i%7 != 0,
		"area": json.Number(fmt.Sprintf("%d.25", 20+i%180)), "updatedAt": "2025-03-01T12:00:00Z",
	}
}
