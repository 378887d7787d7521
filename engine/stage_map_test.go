package engine

import (
	"errors"
	"strings"
	"testing"

	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/engine/store"
	"github.com/specsync/specsync/transforms"
)

// fixedMapping is a write mapping that copies the record's name, or
// fails.
type fixedMapping struct{ err error }

func (m fixedMapping) Apply(vars transforms.Vars) (map[string]any, error) {
	if m.err != nil {
		return nil, m.err
	}
	rec, _ := vars[varRecord].(map[string]any)
	return map[string]any{"name": rec["name"]}, nil
}

// TestMapStage pins what the map stage makes of source records: failed
// ones carry on unmapped, a key the page before listed is skipped, inputs
// of the last write are recalled without mapping, and the rest is mapped
// and hashed.
func TestMapStage(t *testing.T) {
	t.Parallel()
	j := &job{vars: map[string]any{"id": "i1"}}
	f := &flow{dir: instance.Push, entity: "tenant", model: "tenant", recipe: "r1", write: fixedMapping{}}
	rec := map[string]any{"name": "Ada"}
	payloadHash, _ := hashPayload(map[string]any{"name": "Ada"})
	recalled := source{key: "k3", obj: rec, rec: rec}
	stored := "0123456789abcdef"
	recalled.known = store.Known{Hash: stored, Memo: memo{input: inputHash(f, &recalled), payload: stored}.encode()}
	src := []source{
		{key: "k1", fail: reasonf(CodeMissingKey, "no key")},
		{key: "k2", obj: rec, rec: rec},
		recalled,
		{key: "k4", obj: rec, rec: rec},
	}
	got := (&mapStage{job: j}).page(f, src, map[string]bool{"k2": true})
	if got[0].fail != nil || got[0].payload != nil || got[0].input != "" {
		t.Errorf("a failed source was mapped: %+v", got[0])
	}
	if got[1].note != noteRepeated || got[1].payload != nil {
		t.Errorf("a repeated key: note %q, payload %v; want it skipped", got[1].note, got[1].payload)
	}
	if !got[2].recalled || got[2].hash != stored || got[2].payload != nil {
		t.Errorf("unchanged inputs: recalled %v, hash %q, payload %v; want the stored hash without mapping", got[2].recalled, got[2].hash, got[2].payload)
	}
	if got[3].hash != payloadHash || got[3].payload["name"] != "Ada" || got[3].input == "" || got[3].src != &src[3] {
		t.Errorf("mapped: %+v; want the payload and its hash %s", got[3], payloadHash)
	}

	f.write = fixedMapping{err: errors.New("no name")}
	failed := (&mapStage{job: j}).page(f, src[3:], nil)[0]
	if failed.fail == nil || failed.fail.code != CodeMapping || !strings.Contains(failed.fail.message, "no name") {
		t.Errorf("a mapping error gives %+v; want a mapping failure", failed.fail)
	}
}

// TestMapStageTemplateLimit checks that a record whose render goes over
// a template limit fails alone, with template-limit naming the limit, and
// the records around it are mapped.
func TestMapStageTemplateLimit(t *testing.T) {
	t.Parallel()
	loops := `{% for a in record.code|make_list %}{% for b in record.code|make_list %}{% for c in record.code|make_list %}` +
		`{% for d in record.code|make_list %}{% for e in record.code|make_list %}x{% endfor %}{% endfor %}{% endfor %}{% endfor %}{% endfor %}`
	write, err := transforms.NewEnv().CompileMapping(map[string]any{"name": loops}, nil)
	if err != nil {
		t.Fatal(err)
	}
	j := &job{vars: map[string]any{"id": "i1"}}
	f := &flow{dir: instance.Push, entity: "unit", model: "unit", recipe: "r1", write: write}
	short := map[string]any{"code": "ab"}
	long := map[string]any{"code": "abcdefghijklmnopqrstuv"}
	src := []source{{key: "k1", obj: short, rec: short}, {key: "k2", obj: long, rec: long}, {key: "k3", obj: short, rec: short}}
	got := (&mapStage{job: j}).page(f, src, nil)
	// The iterations limit stops it first; on a machine slow enough (the
	// race detector under load) the time limit may, which is as right.
	if fl := got[1].fail; fl == nil || fl.code != CodeTemplateLimit || !strings.Contains(fl.message, "iterations limit") && !strings.Contains(fl.message, "time limit") {
		t.Errorf("the hostile record gives %+v; want a template-limit failure naming the limit", fl)
	}
	for _, i := range []int{0, 2} {
		if got[i].fail != nil || got[i].payload["name"] != "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx" {
			t.Errorf("record %s: %+v, fail %+v; want it mapped", src[i].key, got[i].payload, got[i].fail)
		}
	}
}
