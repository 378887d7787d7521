package specs

import (
	"fmt"

	"github.com/specsync/specsync/internal/jsonptr"
)

// todoHint is the hint of every todo finding.
const todoHint = "decide what the note asks, change the x-sync accordingly and remove the note from todo"

// checkTodo reports each note of a todo list at pointer p as a warning.
func checkTodo(notes []string, p string, r *report) {
	for i, note := range notes {
		r.warnHint(CodeTodo, jsonptr.Join(p, "todo", fmt.Sprint(i)), todoHint, "todo: %s", note)
	}
}
