package queue

import (
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// LoadWebhook loads both specs of inst from files, the content it was
// applied with (instance.InstanceStore.Files), and returns the checker of
// its webhooks (NewWebhook). It is how the HTTP side builds a webhook
// without loading specs itself.
func LoadWebhook(inst *instance.Instance, files specs.Files, cfg WebhookConfig) (*Webhook, error) {
	opts := specs.LoadOptions{Files: files}
	home, _, err := specs.Load(inst.Home.Spec, opts)
	if err != nil {
		return nil, err
	}
	partner, _, err := specs.Load(inst.Partner.Spec, opts)
	if err != nil {
		return nil, err
	}
	return NewWebhook(inst, home, partner, cfg)
}
