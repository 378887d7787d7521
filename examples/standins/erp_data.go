package standins

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/shopspring/decimal"
)

// Keys of the ERP records the demo and the tests single out.
const (
	// Client is the ERP client (Mandant) of every record.
	Client = "1000"
	// VacantUnitID is the one unit without a lease.
	VacantUnitID = "1000-0002-01-0012"
	// EndedLeaseID is a lease that ended in the past; its unit is let
	// again under EndedLeaseID's successor.
	EndedLeaseID = "1000-0001-01-0003-01"
	// BadTenantID is a tenant whose last name is empty.
	BadTenantID = "1000-70017"
	// BadLeaseID is a lease that starts on an impossible date.
	BadLeaseID = "1000-0002-02-0005-01"
	// BadLeaseStart is the impossible start date of BadLeaseID.
	BadLeaseStart = "2023-02-30"
)

// dataSeed seeds the random source of ERPData; the data never changes.
const dataSeed = 20250314

// erpBase is the modification time of the oldest generated record.
var erpBase = time.Date(2025, 3, 3, 8, 0, 0, 0, berlin())

// ERPData returns the ERP stand-in's records by ERP spec entity
// (economic_unit, building, unit, lease, tenant, owner, owner_contract):
// two economic units with five buildings in Berlin and München, 60 units,
// a lease and a tenant for every let unit, owners and owner contracts.
// One unit is vacant (VacantUnitID), one lease has ended (EndedLeaseID),
// and exactly two records are broken on purpose: a tenant without a last
// name (BadTenantID, last_name is "") and a lease starting on BadLeaseStart (BadLeaseID).
// Money, areas and shares are decimal text; instants carry their zone.
//
// The result is the same on every call (a fixed seed) and is the caller's
// to change.
func ERPData() map[string][]map[string]any {
	g := &generator{rng: rand.New(rand.NewPCG(dataSeed, 7)), stamp: erpBase}
	g.portfolio()
	return map[string][]map[string]any{
		"economic_unit":  g.eus,
		"building":       g.buildings,
		"unit":           g.units,
		"lease":          g.leases,
		"tenant":         g.tenants,
		"owner":          g.owners,
		"owner_contract": g.contracts,
	}
}

// generator builds the portfolio record by record.
type generator struct {
	rng                                    *rand.Rand
	stamp                                  time.Time
	eus, buildings, units, leases, tenants []map[string]any
	owners, contracts                      []map[string]any
	nextTenant, nextOwner                  int
	weg                                    []map[string]any // units of the community of owners
}

// euPlan describes one economic unit and its buildings.
type euPlan struct {
	no, name, management string
	addr                 address
	buildings            []buildingPlan
}

type buildingPlan struct {
	name, usage string
	year        int
	addr        address
}

type address struct{ street, number, zip, city string }

var portfolio = []euPlan{
	{no: "0001", name: "Wohnanlage Lindenhof", management: "Mietverwaltung",
		addr: address{"Müllerstraße", "12-16", "13353", "Berlin"},
		buildings: []buildingPlan{
			{"Haus A", "Wohnen", 1972, address{"Müllerstraße", "12", "13353", "Berlin"}},
			{"Haus B", "Wohnen", 1972, address{"Müllerstraße", "14", "13353", "Berlin"}},
			{"Haus Königsallee", "Wohnen und Gewerbe", 1928, address{"Königsallee", "5", "14193", "Berlin"}},
		}},
	{no: "0002", name: "Wohnpark Isarauen", management: "WEG-Verwaltung",
		addr: address{"Schleißheimer Straße", "120-122", "80797", "München"},
		buildings: []buildingPlan{
			{"Haus Isar", "Wohnen", 1998, address{"Schleißheimer Straße", "120", "80797", "München"}},
			{"Haus Würm", "Wohnen", 1999, address{"Schleißheimer Straße", "122", "80797", "München"}},
		}},
}

// portfolio generates every record: owners first, then the economic
// units down to the leases.
func (g *generator) portfolio() {
	landlord := g.owner(ownerPlan{salutation: "Frau", first: "Lieselotte", last: "Schäfer",
		company: "Schäfer Grundbesitz GmbH", addr: address{"Hohenzollernring", "48", "50672", "Köln"}})
	for i, plan := range portfolio {
		eu := g.economicUnit(plan)
		if i == 0 {
			eu["owner_id"] = landlord["id"]
			g.contract(Client+"-"+plan.no+"-E01", landlord, eu, nil, "1000.00", "2012-07-01")
		}
		for j, b := range plan.buildings {
			g.building(eu, j+1, b)
		}
	}
	g.wegOwners()
}

// next returns the modification time of the next record.
func (g *generator) next() string {
	g.stamp = g.stamp.Add(time.Duration(7+g.rng.IntN(50)) * time.Minute)
	return g.stamp.Format(time.RFC3339)
}

func (g *generator) economicUnit(p euPlan) map[string]any {
	eu := map[string]any{
		"id": Client + "-" + p.no, "client_no": Client, "eu_no": p.no, "name": p.name,
		"management_type": p.management, "street": p.addr.street, "house_number": p.addr.number,
		"zip": p.addr.zip, "city": p.addr.city, "country": "DE", "modified_at": g.next(),
	}
	g.eus = append(g.eus, eu)
	return eu
}

func (g *generator) building(eu map[string]any, no int, p buildingPlan) {
	bno := fmt.Sprintf("%02d", no)
	b := map[string]any{
		"id": eu["id"].(string) + "-" + bno, "economic_unit_id": eu["id"], "client_no": Client,
		"eu_no": eu["eu_no"], "building_no": bno, "name": p.name, "usage": p.usage,
		"construction_year": p.year, "street": p.addr.street, "house_number": p.addr.number,
		"zip": p.addr.zip, "city": p.addr.city, "country": "DE", "modified_at": g.next(),
	}
	g.buildings = append(g.buildings, b)
	for n := 1; n <= unitsPerBuilding; n++ {
		g.unit(b, p, n)
	}
}

// unitsPerBuilding makes 60 units in five buildings.
const unitsPerBuilding = 12

// unitKind is what a unit is used for, by building usage and number.
func unitKind(usage string, n int) string {
	switch {
	case usage == "Wohnen und Gewerbe" && n == 1:
		return "Einzelhandel"
	case usage == "Wohnen und Gewerbe" && n == 2:
		return "Büro"
	case n == 11:
		return "Stellplatz"
	case n == 12 && usage == "Wohnen und Gewerbe":
		return "Lager"
	}
	return "Wohnung"
}

func (g *generator) unit(b map[string]any, p buildingPlan, n int) {
	kind := unitKind(p.usage, n)
	id := fmt.Sprintf("%s-%04d", b["id"], n)
	u := map[string]any{
		"id": id, "building_id": b["id"], "client_no": Client, "eu_no": b["eu_no"],
		"building_no": b["building_no"], "unit_no": fmt.Sprintf("%04d", n), "usage_type": kind,
		"occupied": id != VacantUnitID,
	}
	area := g.describeUnit(u, kind, n)
	u["modified_at"] = g.next()
	g.units = append(g.units, u)
	if b["eu_no"] == "0002" {
		g.weg = append(g.weg, u)
	}
	if id == VacantUnitID {
		u["available_from"] = "2025-06-01"
		return
	}
	g.lettings(u, p.addr, kind, area)
}

// describeUnit sets name, floor, rooms, area and target rent; it returns
// the area.
func (g *generator) describeUnit(u map[string]any, kind string, n int) decimal.Decimal {
	switch kind {
	case "Stellplatz":
		u["name"], u["floor"] = fmt.Sprintf("Tiefgaragenstellplatz %d", n), -1
		u["target_rent"] = "85.00"
		return decimal.Zero
	case "Lager":
		u["name"], u["floor"] = "Lager im Keller", -1
		area := g.area(12, 30)
		u["living_area"], u["target_rent"] = area.StringFixed(2), area.Mul(decimal.RequireFromString("6.50")).StringFixed(2)
		return area
	}
	floor := (n - 1) / 2
	side := []string{"links", "rechts"}[(n-1)%2]
	u["floor"] = floor
	u["name"] = fmt.Sprintf("%s %d, %s %s", map[bool]string{true: "Wohnung", false: kind}[kind == "Wohnung"], n, floorName(floor), side)
	area := g.area(38, 112)
	u["living_area"] = area.StringFixed(2)
	u["rooms"] = roomsFor(area)
	u["target_rent"] = area.Mul(g.rate()).StringFixed(2)
	return area
}

func floorName(f int) string {
	if f == 0 {
		return "EG"
	}
	return fmt.Sprintf("%d. OG", f)
}

// area returns square metres between lo and hi with two places.
func (g *generator) area(lo, hi int) decimal.Decimal {
	cents := int64(lo*100 + g.rng.IntN((hi-lo)*100))
	return decimal.New(cents, -2)
}

// rate returns a rent per square metre between 10.50 and 16.80 euros.
func (g *generator) rate() decimal.Decimal {
	return decimal.New(int64(1050+g.rng.IntN(631)), -2)
}

// roomsFor returns the number of rooms a flat of this size has.
func roomsFor(area decimal.Decimal) string {
	m2 := area.IntPart()
	switch {
	case m2 < 45:
		return "1.5"
	case m2 < 60:
		return "2"
	case m2 < 75:
		return "2.5"
	case m2 < 90:
		return "3"
	}
	return "4"
}

// lettings creates the leases of a let unit, with their tenants; the unit
// of EndedLeaseID also gets its former lease.
func (g *generator) lettings(u map[string]any, addr address, kind string, area decimal.Decimal) {
	unitID := u["id"].(string)
	no := 1
	if unitID+"-01" == EndedLeaseID {
		former := g.tenant(addr)
		l := g.lease(u, former, no, kind, area, "2014-04-01")
		l["end"] = "2021-07-31"
		no++
	}
	t := g.tenant(addr)
	start := fmt.Sprintf("%d-%02d-01", 2008+g.rng.IntN(17), 1+g.rng.IntN(12))
	if no == 2 {
		start = "2021-08-01"
	}
	l := g.lease(u, t, no, kind, area, start)
	if l["id"] == BadLeaseID {
		l["start"] = BadLeaseStart
	}
}

func (g *generator) lease(u, t map[string]any, no int, kind string, area decimal.Decimal, start string) map[string]any {
	l := map[string]any{
		"id": fmt.Sprintf("%s-%02d", u["id"], no), "unit_id": u["id"], "tenant_id": t["id"],
		"lease_no": fmt.Sprintf("%02d", no), "start": start, "currency": "EUR",
	}
	if kind == "Stellplatz" {
		l["cold_rent"], l["deposit"] = "85.00", "170.00"
	} else {
		cold := area.Mul(g.rate()).Round(2)
		l["cold_rent"] = cold.StringFixed(2)
		l["service_charges"] = area.Mul(decimal.RequireFromString("2.80")).StringFixed(2)
		l["heating_costs"] = area.Mul(decimal.RequireFromString("1.10")).StringFixed(2)
		l["deposit"] = cold.Mul(decimal.NewFromInt(3)).StringFixed(2)
	}
	l["modified_at"] = g.next()
	g.leases = append(g.leases, l)
	return l
}
