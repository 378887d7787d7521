package samples

import (
	"fmt"
	"slices"
)

// notes collects what inference skipped or could not decide, for the
// integrator to read; each note names its file.
type notes struct {
	list []string
}

func (n *notes) add(format string, args ...any) {
	n.list = append(n.list, fmt.Sprintf(format, args...))
}

// sorted returns the notes sorted and without repeats.
func (n *notes) sorted() []string {
	out := slices.Clone(n.list)
	slices.Sort(out)
	return slices.Compact(out)
}
