package specs

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// maxSuggestDistance is the largest edit distance of a suggestion.
const maxSuggestDistance = 2

// suggest returns the candidates close to word: within an edit distance of
// two, and less than the length of either (adjacent swaps count once, case
// is ignored), or sharing a prefix of at least three letters with it. The closest come first; ties are
// ordered by name.
func suggest(word string, candidates []string) []string {
	type scored struct {
		name string
		dist int
	}
	var found []scored
	lw := strings.ToLower(word)
	for _, c := range candidates {
		lc := strings.ToLower(c)
		d := editDistance(lw, lc)
		if (d <= maxSuggestDistance && d < len(lw) && d < len(lc)) || isPrefixPair(lw, lc) {
			found = append(found, scored{c, d})
		}
	}
	slices.SortFunc(found, func(a, b scored) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(a.name, b.name))
	})
	out := make([]string, 0, len(found))
	for _, s := range found {
		out = append(out, s.name)
	}
	return slices.Compact(out)
}

// isPrefixPair reports whether one word starts the other, when the shorter
// has three letters or more.
func isPrefixPair(a, b string) bool {
	if len(a) > len(b) {
		a, b = b, a
	}
	return len(a) >= 3 && strings.HasPrefix(b, a)
}

// editDistance is the optimal string alignment distance between a and b:
// insertions, deletions, substitutions and swaps of adjacent runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cur[j] = editStep(ra, rb, i, j, prev2, prev, cur)
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}

// editStep computes one cell of the distance table.
func editStep(ra, rb []rune, i, j int, prev2, prev, cur []int) int {
	cost := 1
	if ra[i-1] == rb[j-1] {
		cost = 0
	}
	d := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
	if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
		d = min(d, prev2[j-2]+1)
	}
	return d
}

// didYouMean formats a hint naming the candidates close to word, or listing
// what is allowed (up to a dozen names) when none is close.
func didYouMean(word string, candidates []string, what string) string {
	if close := suggest(word, candidates); len(close) > 0 {
		return "did you mean " + quoteList(close[:min(len(close), 3)], "or") + "?"
	}
	if len(candidates) == 0 {
		return ""
	}
	sorted := slices.Sorted(slices.Values(candidates))
	if len(sorted) > 12 {
		return fmt.Sprintf("%s: %s, ... (%d in all)", what, strings.Join(sorted[:12], ", "), len(sorted))
	}
	return what + ": " + strings.Join(sorted, ", ")
}

// withSuggestion puts "did you mean" and the candidate closest to word in
// front of hint, when one is close.
func withSuggestion(word string, candidates []string, hint string) string {
	if close := Suggest(word, candidates); close != "" {
		return fmt.Sprintf("did you mean %q? %s", close, hint)
	}
	return hint
}

// quoteList formats names as `"a", "b" or "c"`.
func quoteList(names []string, conj string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	if len(q) == 1 {
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " " + conj + " " + q[len(q)-1]
}
