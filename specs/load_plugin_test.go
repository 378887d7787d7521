package specs_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/specsync/specsync/specs"
)

// TestLiteralSecretNeverPrinted checks that the literal secrets of the
// fixtures are reported without their value, in text and in JSON.
func TestLiteralSecretNeverPrinted(t *testing.T) {
	t.Parallel()
	for path, secret := range map[string]string{
		"testdata/decode_errors.json":      "s3cr3t-literal-value",
		"testdata/decode_errors_yaml.yaml": "hunter2-literal",
	} {
		_, fs, err := specs.Load(path, loadOptions())
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(fs)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(fmt.Sprint(fs), specs.CodeLiteralSecret) {
			t.Errorf("%s: no %s finding", path, specs.CodeLiteralSecret)
		}
		if strings.Contains(fmt.Sprint(fs), secret) || strings.Contains(string(js), secret) {
			t.Errorf("%s: a finding repeats the secret", path)
		}
	}
}
