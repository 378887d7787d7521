package specs

import "slices"

// WebhookDirection is which way the record of a webhook event flows. The
// zero value means WebhookPull.
type WebhookDirection string

// The directions of a webhook event.
const (
	// WebhookPull: the partner's record flows home.
	WebhookPull WebhookDirection = "pull"
	// WebhookPush: the home record is sent again.
	WebhookPush WebhookDirection = "push"
)

var _ Enum = WebhookDirection("")

// Values lists the directions.
func (WebhookDirection) Values() []string { return []string{string(WebhookPull), string(WebhookPush)} }

// What names a direction in messages.
func (WebhookDirection) What() string { return "direction" }

// Valid reports whether d is a direction.
func (d WebhookDirection) Valid() bool { return slices.Contains(d.Values(), string(d)) }

// WebhookAction is what a webhook event says happened to its record. The
// zero value means WebhookUpsert.
type WebhookAction string

// The actions of a webhook event.
const (
	// WebhookUpsert: the record was created or changed.
	WebhookUpsert WebhookAction = "upsert"
	// WebhookDelete: the record went away.
	WebhookDelete WebhookAction = "delete"
)

var _ Enum = WebhookAction("")

// Values lists the actions.
func (WebhookAction) Values() []string { return []string{string(WebhookUpsert), string(WebhookDelete)} }

// What names an action in messages.
func (WebhookAction) What() string { return "action" }

// Valid reports whether a is an action.
func (a WebhookAction) Valid() bool { return slices.Contains(a.Values(), string(a)) }
