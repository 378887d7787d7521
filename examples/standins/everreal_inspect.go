package standins

// Owners returns copies of every owner, detached ones included, in the
// order they were created.
func (e *EverReal) Owners() []Owner {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.owners.all()
}

// PropertyGroups returns copies of every property group.
func (e *EverReal) PropertyGroups() []PropertyGroup {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.groups.all()
}

// Properties returns copies of every property.
func (e *EverReal) Properties() []Property {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.properties.all()
}

// Units returns copies of every unit.
func (e *EverReal) Units() []Unit {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.units.all()
}

// Tenants returns copies of every tenant, detached ones included.
func (e *EverReal) Tenants() []Tenant {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tenants.all()
}

// Candidates returns copies of every candidate.
func (e *EverReal) Candidates() []Candidate {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.candidates.all()
}
