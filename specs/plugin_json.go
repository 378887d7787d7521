package specs

import (
	"encoding/json"
	"fmt"
)

// ConfigJSON encodes a plug-in's config struct as the JSON object of its
// keys; nil gives "{}". It panics when config cannot be encoded, which
// config structs of plain fields never cause.
func ConfigJSON(config any) json.RawMessage {
	if config == nil {
		return json.RawMessage("{}")
	}
	data, err := json.Marshal(config)
	if err != nil {
		panic(fmt.Sprintf("specs: encoding a plug-in config: %v", err))
	}
	return data
}

// splitPluginJSON decodes the shared keys of a plug-in object into their
// targets and returns the other keys as a JSON object.
func splitPluginJSON(data []byte, shared map[string]any) (json.RawMessage, error) {
	var all map[string]json.RawMessage
	if err := json.Unmarshal(data, &all); err != nil {
		return nil, err
	}
	for key, target := range shared {
		if v, ok := all[key]; ok {
			if err := json.Unmarshal(v, target); err != nil {
				return nil, fmt.Errorf("%s: %w", key, err)
			}
			delete(all, key)
		}
	}
	return json.Marshal(all)
}

// joinPluginJSON writes the shared keys beside the keys of config.
func joinPluginJSON(config json.RawMessage, shared map[string]any) ([]byte, error) {
	all := map[string]json.RawMessage{}
	if len(config) > 0 {
		if err := json.Unmarshal(config, &all); err != nil {
			return nil, err
		}
	}
	for key, v := range shared {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		all[key] = data
	}
	return json.Marshal(all)
}
