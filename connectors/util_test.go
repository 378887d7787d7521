package connectors_test

import (
	"strings"
	"time"
)

func contains(s, sub string) bool { return strings.Contains(s, sub) }

func unix(sec int64) time.Time { return time.Unix(sec, 0) }
