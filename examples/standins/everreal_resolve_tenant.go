package standins

import (
	"fmt"
	"time"
)

// Tenants and candidates: queries and mutations.

// tenantInput is the seed's TenantInput.
type tenantInput struct {
	ID                                                                 *string
	ExternalTenantID, UnitID, ExternalUnitID, FirstName, LastName      string
	Email, CompanyName, PhoneNumber, CellPhoneNumber                   *string
	AdditionalTenants                                                  *[]*additionalTenantInput
	ColdRent, ServiceCharges, HeatingCosts, TotalRent, SecurityDeposit *string
	ContractStartDate, ContractEndDate                                 *string
	Meta                                                               metaInput
}

type additionalTenantInput struct {
	ExternalID, FirstName, LastName, Email, PhoneNumber *string
}

// Tenants lists the integration's tenants.
func (r *resolver) Tenants(args listArgs) (*tenantList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.tenants, q, owned[Tenant])
	return &tenantList{Total: total, Items: items}, nil
}

// UpsertTenant creates or updates a tenant by externalTenantId, attached
// to an imported unit given by both its EverReal id and its external id.
func (r *resolver) UpsertTenant(args struct{ Tenant *tenantInput }) (*Tenant, error) {
	in := args.Tenant
	if in == nil {
		return nil, inputErr("tenant", "the tenant input is required")
	}
	t, err := decodeTenant(in)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	if err := r.e.tenantUnit(t); err != nil {
		return nil, err
	}
	return upsert(r.e, r.e.tenants, "upsertTenant", deref(in.ID), t.ExternalTenantID, t)
}

// decodeTenant checks a TenantInput's values.
func decodeTenant(in *tenantInput) (*Tenant, error) {
	c := &checker{prefix: "tenant."}
	t := &Tenant{
		ExternalTenantID: c.required("externalTenantId", in.ExternalTenantID),
		UnitID:           in.UnitID, ExternalUnitID: in.ExternalUnitID,
		FirstName: c.required("firstName", in.FirstName), LastName: c.required("lastName", in.LastName),
		Email: deref(in.Email), CompanyName: deref(in.CompanyName), PhoneNumber: deref(in.PhoneNumber), CellPhoneNumber: deref(in.CellPhoneNumber),
		ColdRent: c.number("coldRent", in.ColdRent), ServiceCharges: c.number("serviceCharges", in.ServiceCharges),
		HeatingCosts: c.number("heatingCosts", in.HeatingCosts), TotalRent: c.number("totalRent", in.TotalRent),
		SecurityDeposit:   c.number("securityDeposit", in.SecurityDeposit),
		ContractStartDate: c.date("contractStartDate", in.ContractStartDate), ContractEndDate: c.date("contractEndDate", in.ContractEndDate),
	}
	t.Source = c.required("meta.source", in.Meta.Source)
	for _, a := range deref(in.AdditionalTenants) {
		if a != nil {
			t.AdditionalTenants = append(t.AdditionalTenants, AdditionalTenant{ExternalID: deref(a.ExternalID), FirstName: deref(a.FirstName), LastName: deref(a.LastName), Email: deref(a.Email), PhoneNumber: deref(a.PhoneNumber)})
		}
	}
	if t.ContractStartDate != "" {
		t.Contracts = 1
	}
	return t, c.err
}

// tenantUnit checks the unit a tenant is attached to: unitId and
// externalUnitId must name the same imported unit. It is called with the
// lock held.
func (e *EverReal) tenantUnit(t *Tenant) error {
	if t.UnitID == "" && t.ExternalUnitID == "" {
		return inputErr("tenant.unitId", "pass unitId or externalUnitId")
	}
	byExt := e.units.byExternal(t.ExternalUnitID)
	if t.ExternalUnitID != "" && byExt == nil {
		return inputErr("tenant.externalUnitId", "no unit has the external id %q; import units before tenants", t.ExternalUnitID)
	}
	if t.UnitID == "" {
		t.UnitID = byExt.ID
		return nil
	}
	byID := e.units.byID[t.UnitID]
	switch {
	case byID == nil:
		return inputErr("tenant.unitId", "no unit has the EverReal id %q", t.UnitID)
	case byExt != nil && byExt.ID != byID.ID:
		return inputErr("tenant.unitId", "unit %q is not the unit with external id %q (%s)", t.UnitID, t.ExternalUnitID, byExt.ID)
	}
	t.ExternalUnitID = byID.ExternalUnitID
	return nil
}

// DeleteTenant detaches a tenant: it stays in EverReal, editable there.
func (r *resolver) DeleteTenant(args externalIDArgs) *AsyncEventResponse {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return detach(r.e, r.e.tenants, "deleteTenant", "tenant", deref(args.ExternalID))
}

// RemoveTenant erases a tenant, refused while the tenant has contracts.
func (r *resolver) RemoveTenant(args struct{ ID *string }) (*bool, error) {
	id := deref(args.ID)
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	t := r.e.tenants.byID[id]
	if t == nil {
		return nil, inputErr("id", "no tenant has the EverReal id %q", id)
	}
	if t.Contracts > 0 {
		return nil, inputErr("id", "tenant %q still has %d contract(s); remove the tenant's contracts before removing the tenant", id, t.Contracts)
	}
	r.e.tenants.remove(id)
	r.e.stats.Removes++
	r.e.stats.ByMutation["removeTenant"]++
	ok := true
	return &ok, nil
}

// Candidates lists the candidates, oldest first.
func (r *resolver) Candidates(args listArgs) (*candidateList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.candidates, q, func(*Candidate) bool { return true })
	out := make([]*candidateOut, len(items))
	for i, c := range items {
		out[i] = r.e.candidateOut(c)
	}
	return &candidateList{Total: total, Items: out}, nil
}

// Candidate returns one candidate, or null.
func (r *resolver) Candidate(args struct{ ID string }) *candidateOut {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	c := r.e.candidates.byID[args.ID]
	if c == nil {
		return nil
	}
	return r.e.candidateOut(c)
}

// candidateOut shows a candidate with EverReal's id of its unit. It is
// called with the lock held.
func (e *EverReal) candidateOut(c *Candidate) *candidateOut {
	out := &candidateOut{
		ID: c.ID, ListingID: c.ListingID, FirstName: c.FirstName, LastName: c.LastName, Email: c.Email,
		PhoneNumber: c.PhoneNumber, NetIncome: c.NetIncome, MoveInDate: c.MoveInDate, Message: c.Message,
		Status: c.Status, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
	if c.ExternalUnitID != "" {
		out.Unit = &candidateUnit{ExternalUnitID: c.ExternalUnitID}
		if u := e.units.byExternal(c.ExternalUnitID); u != nil {
			out.Unit.ID = u.ID
		}
	}
	if c.Salutation != "" {
		out.Salutation = &c.Salutation
	}
	if c.HouseholdSize > 0 {
		out.HouseholdSize = &c.HouseholdSize
	}
	return out
}

// AddCandidate stores a candidate as if they had applied on EverReal now
// (or at c.CreatedAt when given). It returns the candidate's id.
func (e *EverReal) AddCandidate(c Candidate) (string, error) {
	if c.LastName == "" && c.FirstName == "" {
		return "", fmt.Errorf("EverReal stand-in: a candidate needs a name")
	}
	now := e.opts.Now()
	e.mu.Lock()
	defer e.mu.Unlock()
	if c.ID == "" {
		c.ID = e.newIDLocked()
	}
	if c.CreatedAt == "" {
		c.CreatedAt = now.UTC().Format(time.RFC3339)
	}
	c.updated = now
	c.UpdatedAt = now.UTC().Format(time.RFC3339Nano)
	c.Integration = true
	e.candidates.put(c.ID, &c, true)
	return c.ID, nil
}

// DemoCandidates are three people who applied for the vacant unit.
func DemoCandidates() []Candidate {
	return []Candidate{
		{ListingID: "listing-0002-01-0012", ExternalUnitID: VacantUnitID, Salutation: "MRS", FirstName: "Zoë", LastName: "Müller-Lüdenscheid",
			Email: "zoe.mueller@example.org", PhoneNumber: "+49 170 1234567", HouseholdSize: 2, NetIncome: "3450.00",
			MoveInDate: "2025-06-01", Message: "Guten Tag, ich interessiere mich für die Wohnung und würde sie gern besichtigen.", Status: "APPLIED"},
		{ListingID: "listing-0002-01-0012", ExternalUnitID: VacantUnitID, Salutation: "MR", FirstName: "Björn", LastName: "Größer",
			Email: "bjoern.groesser@example.org", PhoneNumber: "+49 151 17654321", HouseholdSize: 1, NetIncome: "2890.50",
			MoveInDate: "2025-07-01", Message: "Ich suche eine ruhige Wohnung nahe der Isar.", Status: "APPLIED"},
		{ListingID: "listing-0002-01-0012", ExternalUnitID: VacantUnitID, Salutation: "DIVERSE", FirstName: "Kim", LastName: "Öztürk",
			Email: "kim.oeztuerk@example.org", PhoneNumber: "+49 89 5550199", HouseholdSize: 3, NetIncome: "5120.00",
			MoveInDate: "2025-06-15", Message: "Wir sind eine kleine Familie und freuen uns auf Ihre Antwort.", Status: "VIEWING_SCHEDULED"},
	}
}
