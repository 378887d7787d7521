package transforms

import (
	"fmt"
	"strconv"
	"strings"
)

// categories orders and titles the docs' sections.
var categories = []struct{ key, title string }{
	{"dates", "Dates and time zones"},
	{"numbers", "Numbers and money"},
	{"currencies", "Currencies"},
	{"values", "Value maps and defaults"},
	{"checks", "Checks"},
	{"strings", "Text"},
	{"contacts", "Contact data"},
	{"keys", "Composite keys"},
	{"conversions", "Conversions"},
}

// FiltersMarkdown returns docs/filters.md: the sandbox rules and a table
// per category of every filter, generated from Filters.
func FiltersMarkdown() string {
	var b strings.Builder
	b.WriteString(docsIntro())
	infos := Filters()
	for _, c := range categories {
		fmt.Fprintf(&b, "\n## %s\n\n| filter | argument | what it does | example | result |\n| --- | --- | --- | --- | --- |\n", c.title)
		for _, f := range infos {
			if f.Category == c.key {
				b.WriteString(filterRow(f))
			}
		}
	}
	fmt.Fprintf(&b, "\n## Reading numbers\n\n%s\n", decimalRules)
	return b.String()
}

func filterRow(f FilterInfo) string {
	desc := f.Description
	if replacedBuiltins[f.Name] {
		desc += " Replaces pongo2's filter of the same name."
	}
	arg := f.Argument
	if arg == "" {
		arg = "–"
	}
	return fmt.Sprintf("| `%s` | %s | %s | `%s` | `%s` |\n",
		f.Name, cell(arg), cell(desc), cell(f.Example), cell(f.Result))
}

// cell escapes a table cell.
func cell(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}

func docsIntro() string {
	return `# Template filters

<!-- Generated from transforms.Filters() by ` + "`go generate ./transforms`" + `; do not edit. -->

Mappings in ` + "`x-sync`" + ` are pongo2 templates (Django syntax). Every template
runs in a sandbox: it cannot read files or other templates, output is not
HTML-escaped (templates produce data), and these tags and filters are not
available:

- tags: ` + codeList(bannedTags) + `
- filters: ` + codeList(bannedFilters) + `

Besides the filters below, pongo2's other built-in filters work as
documented by pongo2.

How values flow:

- A template that is exactly one expression (` + "`{{ lease.cold_rent|decimal:2 }}`" + `)
  keeps the type of its value: a list from ` + "`split`" + ` stays a list, a
  number stays a number. Any other template (text around the expression,
  several expressions, tags) produces text.
- The result is converted to the JSON Schema type of the target field:
  integer and number (read with the rules under "Reading numbers"), boolean
  (the words the ` + "`bool`" + ` filter reads), strings with format ` + "`date`" + `
  (YYYY-MM-DD) and ` + "`date-time`" + ` (RFC 3339), arrays and objects.
- An empty result (missing, null, blank text, empty list) leaves an optional
  field out and fails a required one with "required field is empty".
- Most filters let an empty value pass as empty; ` + "`required`" + ` refuses it
  and ` + "`default`" + ` replaces it.
- A filter that fails on a value fails only that record, naming the field,
  the filter and the value.
- Filter arguments are one value each (pongo2 allows no more), so filters
  with two parts take them in one text: ` + "`replace:\"old=>new\"`" + `.
- In text with several expressions pongo2 writes values its own way (a
  float as 1.500000, a boolean as True); add ` + "`|string`" + ` for the plain form.

Limits:

- Every render has a time budget, an output budget and a budget of loop
  iterations: one template, or a mapping for one record with all its
  fields together. The defaults are ` + DefaultLimits.Time.String() + `, ` + strconv.Itoa(DefaultLimits.Output) + ` bytes and
  ` + strconv.Itoa(DefaultLimits.Iterations) + ` iterations; a spec may change them under ` + "`x-sync` `limits`" + `
  (` + "`templateTime`, `templateOutput`, `loopIterations`" + `) up to ` + MaxLimits.Time.String() + `,
  ` + strconv.Itoa(MaxLimits.Output) + ` bytes and ` + strconv.Itoa(MaxLimits.Iterations) + ` iterations.
- ` + "`for`" + ` loops count every iteration, nested loops each time, and stop as
  soon as a budget is spent; ` + "`set`" + ` refuses a value longer than the
  output budget.
- No filter builds a text longer than ` + strconv.Itoa(maxFilterText) + ` bytes or a list longer
  than ` + strconv.Itoa(maxFilterItems) + ` items; padding widths and format widths beyond
  that are refused before anything is built.
- A record whose render goes over a budget fails alone with the failure
  code ` + "`template-limit`" + `, naming the field and the limit; the run goes on.
  ` + "`specsync validate`" + ` reports a template whose constant arguments go over
  a limit already.
`
}

func codeList(names []string) string {
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return strings.Join(quoted, ", ")
}
