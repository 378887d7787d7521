package queue

import (
	"github.com/specsync/specsync/engine/instance"
	"github.com/specsync/specsync/specs"
)

// LoadWebhook loads both specs of inst and returns the checker of its
// webhooks (NewWebhook). It is how the HTTP side builds a webhook without
// loading specs itself.
func LoadWebhook(inst *instance.Instance, cfg WebhookConfig) (*Webhook, error) {
	home, _, err := specs.Load(inst.Home.Spec, specs.LoadOptions{})
	if err != nil {
		return nil, err
	}
	partner, _, err := specs.Load(inst.Partner.Spec, specs.LoadOptions{})
	if err != nil {
		return nil, err
	}
	return NewWebhook(inst, home, partner, cfg)
}
