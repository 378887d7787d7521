package standins

import (
	"fmt"
	"math/big"
	"strings"
	"time"
	// The ERP's instants are in Europe/Berlin, also on hosts without a
	// zoneinfo database.
	_ "time/tzdata"
)

// Names of the generated people: common German names, with umlauts and ß
// where German has them.
var (
	firstNames = []string{
		"Jürgen", "Anna", "Lukas", "Sophie", "Maximilian", "Marie", "Björn", "Zoë",
		"Günther", "Hannah", "Jörg", "Lea", "Sören", "Käthe", "Felix", "Mia",
		"Dörte", "Paul", "Ute", "Jonas", "Emma", "Tobias", "Greta", "Ömer",
	}
	lastNames = []string{
		"Weiß", "Müller", "Schäfer", "Köhler", "Groß", "Jäger", "Krüger", "Böhm",
		"Schröder", "Hoffmann", "Becker", "Özdemir", "Lehmann", "Fuchs", "Brückner", "Hähnel",
		"Wagner", "Schmitz", "Günther", "Möller", "Vogt", "Preuß", "Kühn", "Strauß",
	}
)

// banks are bank codes (BLZ) and BICs of real German banks; the account
// numbers are made up, the IBANs carry correct check digits.
var banks = []struct{ blz, bic string }{
	{"10070000", "DEUTDEBBXXX"}, {"37040044", "COBADEFFXXX"},
	{"70150000", "SSKMDEMMXXX"}, {"37050198", "COLSDE33XXX"},
}

// ownerPlan describes an owner.
type ownerPlan struct {
	salutation, first, last, company string
	addr                             address
}

// tenant creates the next tenant; the first is Jürgen Weiß, BadTenantID
// has an empty last name.
func (g *generator) tenant(addr address) map[string]any {
	g.nextTenant++
	no := fmt.Sprintf("%05d", 70000+g.nextTenant)
	first, last := g.name(g.nextTenant)
	t := g.person(no, first, last, addr)
	if g.rng.IntN(6) == 0 {
		delete(t, "email")
	}
	prefix := mobilePrefixes[(g.rng.IntN(3)*7+g.rng.IntN(7))%len(mobilePrefixes)]
	t["mobile"] = fmt.Sprintf("%s %07d", prefix, g.rng.IntN(10_000_000))
	t["birth_date"] = fmt.Sprintf("%d-%02d-%02d", 1950+g.rng.IntN(55), 1+g.rng.IntN(12), 1+g.rng.IntN(28))
	if t["id"] == BadTenantID {
		t["last_name"] = "" // exported empty, as ERPs do
		t["email"] = "doerte@example.de"
	}
	t["modified_at"] = g.next()
	g.tenants = append(g.tenants, t)
	return t
}

// name picks a person's names; number 1 is Jürgen Weiß.
func (g *generator) name(n int) (first, last string) {
	if n == 1 {
		return "Jürgen", "Weiß"
	}
	return firstNames[g.rng.IntN(len(firstNames))], lastNames[g.rng.IntN(len(lastNames))]
}

// person builds the fields tenants and owners share.
func (g *generator) person(no, first, last string, addr address) map[string]any {
	bank := banks[g.rng.IntN(len(banks))]
	p := map[string]any{
		"id": Client + "-" + no, "client_no": Client, "person_no": no,
		"salutation": salutationOf(first), "first_name": first, "last_name": last,
		"email":  fmt.Sprintf("%s.%s@example.de", asciiFold(first), asciiFold(last)),
		"phone":  areaCode(addr.city) + fmt.Sprintf(" %07d", g.rng.IntN(10_000_000)),
		"street": addr.street, "house_number": addr.number, "zip": addr.zip, "city": addr.city,
		"country": "DE", "iban": iban(bank.blz, fmt.Sprintf("%010d", g.rng.Int64N(10_000_000_000))),
	}
	if no[0] == '8' {
		p["bic"] = bank.bic
	}
	return p
}

// owner creates the next owner.
func (g *generator) owner(p ownerPlan) map[string]any {
	g.nextOwner++
	no := fmt.Sprintf("%05d", 80000+g.nextOwner)
	o := g.person(no, p.first, p.last, p.addr)
	o["salutation"] = p.salutation
	if p.company != "" {
		o["company_name"] = p.company
		o["email"] = "verwaltung@schaefer-grundbesitz.example.de"
	}
	o["modified_at"] = g.next()
	g.owners = append(g.owners, o)
	return o
}

// wegOwners gives the units of the community of owners eight owners,
// three units each, with their shares in thousandths by area.
func (g *generator) wegOwners() {
	homes := []address{
		{"Türkenstraße", "33", "80799", "München"}, {"Brüsseler Straße", "21", "50674", "Köln"},
		{"Schönhauser Allee", "88", "10439", "Berlin"}, {"Maximilianstraße", "9", "80539", "München"},
	}
	var owners []map[string]any
	for i := range 8 {
		first, last := g.name(100 + i)
		owners = append(owners, g.owner(ownerPlan{salutation: salutationOf(first), first: first, last: last, addr: homes[i%len(homes)]}))
	}
	eu := g.eus[1]
	for i, u := range g.weg {
		share := fmt.Sprintf("%d.%02d", 30+g.rng.IntN(20), g.rng.IntN(100))
		g.contract(fmt.Sprintf("%s-E01", u["id"]), owners[i/3], eu, u, share, fmt.Sprintf("%d-%02d-01", 1999+g.rng.IntN(20), 1+g.rng.IntN(12)))
	}
}

func (g *generator) contract(id string, owner, eu, unit map[string]any, share, start string) {
	c := map[string]any{
		"id": id, "owner_id": owner["id"], "economic_unit_id": eu["id"], "share": share,
		"start": start, "modified_at": g.next(),
	}
	if unit != nil {
		c["unit_id"] = unit["id"]
	}
	g.contracts = append(g.contracts, c)
}

// women are the female first names of firstNames.
var women = map[string]bool{
	"Anna": true, "Sophie": true, "Marie": true, "Zoë": true, "Hannah": true, "Lea": true,
	"Käthe": true, "Mia": true, "Dörte": true, "Ute": true, "Emma": true, "Greta": true, "Lieselotte": true,
}

// salutationOf returns the salutation that goes with a first name.
func salutationOf(first string) string {
	if women[first] {
		return "Frau"
	}
	return "Herr"
}

// mobilePrefixes are German mobile prefixes whose numbers have seven
// digits after the prefix, so that generated numbers fit the numbering
// plan the phone filter checks.
var mobilePrefixes = []string{"0160", "0162", "0163", "0170", "0171", "0172", "0173", "0174", "0175", "0177", "0178", "0179"}

// areaCode is the dialling code of a city.
func areaCode(city string) string {
	switch city {
	case "Berlin":
		return "030"
	case "München":
		return "089"
	}
	return "0221"
}

// asciiFold writes a name as the local part of an e-mail address.
func asciiFold(s string) string {
	return strings.ToLower(umlautFolder.Replace(s))
}

// umlautFolder spells out the letters of German names that an e-mail
// address leaves out, and drops spaces.
var umlautFolder = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "Ae", "Ö", "Oe", "Ü", "Ue", "ß", "ss", "ë", "e", " ", "")

// iban builds a German IBAN with its ISO 13616 check digits.
func iban(blz, account string) string {
	bban := blz + account
	n, _ := new(big.Int).SetString(bban+"131400", 10) // D=13, E=14, check digits 00
	check := 98 - new(big.Int).Mod(n, big.NewInt(97)).Int64()
	return fmt.Sprintf("DE%02d%s", check, bban)
}

// berlin is the zone of the ERP's instants.
func berlin() *time.Location {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return time.FixedZone("CET", 3600)
	}
	return loc
}
