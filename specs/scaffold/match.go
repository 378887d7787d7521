package scaffold

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// synonyms are groups of field names (in flat form) that mean the same.
var synonyms = [][]string{
	{"zip", "zipcode", "postalcode", "postcode", "plz", "postal"},
	{"street", "address1", "addressline1", "streetaddress", "line1", "street1", "streetname"},
	{"housenumber", "streetnumber", "houseno", "buildingnumber"},
	{"email", "emailaddress", "mail"},
	{"phone", "telephone", "phonenumber", "tel", "telephonenumber"},
	{"mobile", "mobilephone", "mobilenumber", "cellphone", "cell"},
	{"firstname", "givenname", "forename"},
	{"lastname", "surname", "familyname"},
	{"city", "town", "locality"},
	{"country", "countrycode"},
	{"state", "region", "province"},
	{"companyname", "company", "organization", "organisation", "organizationname"},
	{"birthdate", "dateofbirth", "dob", "birthday"},
	{"modifiedat", "updatedat", "lastmodified", "modified", "updated", "lastupdated", "modifiedon", "updatedon"},
	{"createdat", "created", "createdon", "creationdate"},
	{"salutation", "title", "honorific"},
	{"description", "desc"},
}

// field is a scalar field of a vendor schema, at a dotted path.
type field struct {
	path string // "address.postalCode"
	name string // the last segment
}

// scalarFields lists the scalar fields of s: its own and those of its
// object members, one level down. Read-only fields are left out when
// writable is set, write-only ones otherwise.
func scalarFields(s *openapi3.Schema, writable bool) []field {
	var out []field
	props := properties(s, 0)
	for _, name := range slices.Sorted(maps.Keys(props)) {
		p := props[name]
		if writable && p.ReadOnly || !writable && p.WriteOnly {
			continue
		}
		switch {
		case isScalar(p):
			out = append(out, field{path: name, name: name})
		case isObject(p):
			for _, inner := range scalarFields(p, writable) {
				if !strings.Contains(inner.path, ".") {
					out = append(out, field{path: name + "." + inner.path, name: inner.name})
				}
			}
		}
	}
	return out
}

// pair is a model field matched to a vendor field.
type pair struct {
	model  string
	vendor field
	score  int
}

// matchFields pairs model fields with vendor fields by name, best match
// first, each field used once: the same words (case and separators
// ignored) score 0, synonyms 1, a name within the edit distance threshold
// 2 and more.
func matchFields(model []string, vendor []field) []pair {
	var all []pair
	for _, m := range model {
		for _, v := range vendor {
			if s, ok := nameScore(m, v); ok {
				all = append(all, pair{model: m, vendor: v, score: s})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b pair) int {
		return cmp.Or(cmp.Compare(a.score, b.score), cmp.Compare(len(a.vendor.path), len(b.vendor.path)))
	})
	var out []pair
	usedM, usedV := map[string]bool{}, map[string]bool{}
	for _, p := range all {
		if !usedM[p.model] && !usedV[p.vendor.path] {
			usedM[p.model], usedV[p.vendor.path] = true, true
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b pair) int { return cmp.Compare(a.vendor.path, b.vendor.path) })
	return out
}

// nameScore scores how well a model field's name fits a vendor field; a
// nested vendor field also fits by its parent and name together
// ("address.zip" as "addresszip").
func nameScore(model string, v field) (int, bool) {
	best, ok := 0, false
	for i, name := range []string{v.name, strings.ReplaceAll(v.path, ".", "_")} {
		if s, fits := namesFit(flat(model), flat(name)); fits && (!ok || s+i < best) {
			best, ok = s+i, true
		}
	}
	return best, ok
}

// namesFit compares two flat names.
func namesFit(a, b string) (int, bool) {
	switch {
	case a == b:
		return 0, true
	case synonymous(a, b):
		return 1, true
	}
	if strings.HasSuffix(a, "id") != strings.HasSuffix(b, "id") {
		return 0, false // an id is never a number or a name one letter off
	}
	d := distance(a, b)
	return 2 + d, d <= threshold(min(len(a), len(b)))
}

// threshold is the largest edit distance that still matches names of
// length n: none below 5 letters, one up to 8, two above.
func threshold(n int) int {
	switch {
	case n < 5:
		return 0
	case n <= 8:
		return 1
	}
	return 2
}

// synonymous reports whether a and b are in one synonym group.
func synonymous(a, b string) bool {
	for _, group := range synonyms {
		if slices.Contains(group, a) && slices.Contains(group, b) {
			return true
		}
	}
	return false
}
