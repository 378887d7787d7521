package standins

// Owners, property groups, properties and units: queries and mutations.

type ownerInput struct {
	ID                                               *string
	ExternalOwnerID                                  string
	FirstName, LastName, CompanyName, Email, PhoneNo *string
	Address                                          *addressInput
	BankAccount                                      *bankAccountInput
	CustomFieldValues                                *[]*customFieldValueInput
	Meta                                             metaInput
}

type propertyGroupInput struct {
	ID                      *string
	ExternalPropertyGroupID string
	Name                    string
	Meta                    metaInput
}

type propertyInput struct {
	ID                                       *string
	ExternalPropertyID, Name, Type           string
	Category, OwnershipType                  *string
	ExternalOwnerID, ExternalPropertyGroupID *string
	Address                                  *addressInput
	Meta                                     metaInput
}

type unitInput struct {
	ID                                              *string
	ExternalUnitID, ExternalPropertyID              string
	ExternalOwnerID, Name, Category, Type           *string
	FloorNo                                         *int32
	LivingSurface, Rooms, TargetRent, AvailableFrom *string
	Meta                                            metaInput
}

type listArgs struct{ Input *queryInput }

type externalIDArgs struct{ ExternalID *string }

// Owners lists the integration's owners.
func (r *resolver) Owners(args listArgs) (*ownerList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.owners, q, owned[Owner])
	return &ownerList{Total: total, Items: items}, nil
}

// PropertyGroups lists the integration's property groups.
func (r *resolver) PropertyGroups(args listArgs) (*propertyGroupList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.groups, q, owned[PropertyGroup])
	return &propertyGroupList{Total: total, Items: items}, nil
}

// Properties lists the integration's properties.
func (r *resolver) Properties(args listArgs) (*propertyList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.properties, q, owned[Property])
	return &propertyList{Total: total, Items: items}, nil
}

// Units lists the integration's units.
func (r *resolver) Units(args listArgs) (*unitList, error) {
	q, err := decodeQuery(args.Input)
	if err != nil {
		return nil, err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	items, total := page(r.e.units, q, owned[Unit])
	return &unitList{Total: total, Items: items}, nil
}

// UpsertOwner creates or updates an owner by externalOwnerId.
func (r *resolver) UpsertOwner(args struct{ Owner *ownerInput }) (*Owner, error) {
	in := args.Owner
	if in == nil {
		return nil, inputErr("owner", "the owner input is required")
	}
	c := &checker{prefix: "owner."}
	o := &Owner{
		ExternalOwnerID: c.required("externalOwnerId", in.ExternalOwnerID),
		FirstName:       deref(in.FirstName), LastName: deref(in.LastName), CompanyName: deref(in.CompanyName),
		Email: deref(in.Email), PhoneNo: deref(in.PhoneNo), Address: addressOf(in.Address), BankAccount: &BankAccount{},
	}
	o.Source = c.required("meta.source", in.Meta.Source)
	if b := in.BankAccount; b != nil {
		o.BankAccount = &BankAccount{AccountHolder: deref(b.AccountHolder), IBAN: deref(b.IBAN), BIC: deref(b.BIC)}
	}
	for _, f := range deref(in.CustomFieldValues) {
		if f != nil {
			o.CustomFieldValues = append(o.CustomFieldValues, &CustomFieldValue{Key: f.Key, Value: deref(f.Value)})
		}
	}
	if o.LastName == "" && o.CompanyName == "" {
		c.required("lastName", "")
	}
	if c.err != nil {
		return nil, c.err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return upsert(r.e, r.e.owners, "upsertOwner", deref(in.ID), o.ExternalOwnerID, o)
}

// UpsertPropertyGroup creates or updates a property group.
func (r *resolver) UpsertPropertyGroup(args struct{ PropertyGroup *propertyGroupInput }) (*PropertyGroup, error) {
	in := args.PropertyGroup
	if in == nil {
		return nil, inputErr("propertyGroup", "the property group input is required")
	}
	c := &checker{prefix: "propertyGroup."}
	g := &PropertyGroup{ExternalPropertyGroupID: c.required("externalPropertyGroupId", in.ExternalPropertyGroupID), Name: c.required("name", in.Name)}
	g.Source = c.required("meta.source", in.Meta.Source)
	if c.err != nil {
		return nil, c.err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return upsert(r.e, r.e.groups, "upsertPropertyGroup", deref(in.ID), g.ExternalPropertyGroupID, g)
}

// UpsertProperty creates or updates a property; its property group and
// owner must have been imported before.
func (r *resolver) UpsertProperty(args struct{ Property *propertyInput }) (*Property, error) {
	in := args.Property
	if in == nil {
		return nil, inputErr("property", "the property input is required")
	}
	c := &checker{prefix: "property."}
	p := &Property{
		ExternalPropertyID: c.required("externalPropertyId", in.ExternalPropertyID), Name: c.required("name", in.Name),
		Type: in.Type, Category: deref(in.Category), OwnershipType: deref(in.OwnershipType),
		ExternalOwnerID: deref(in.ExternalOwnerID), ExternalPropertyGroupID: deref(in.ExternalPropertyGroupID),
		Address: addressOf(in.Address),
	}
	p.Source = c.required("meta.source", in.Meta.Source)
	if c.err != nil {
		return nil, c.err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	if err := r.e.references(p.ExternalPropertyGroupID, p.ExternalOwnerID, "property."); err != nil {
		return nil, err
	}
	return upsert(r.e, r.e.properties, "upsertProperty", deref(in.ID), p.ExternalPropertyID, p)
}

// references checks that a property group and an owner, when given, were
// imported. It is called with the lock held.
func (e *EverReal) references(group, owner, prefix string) error {
	if group != "" && e.groups.byExternal(group) == nil {
		return inputErr(prefix+"externalPropertyGroupId", "no property group has the external id %q; import property groups before properties", group)
	}
	if owner != "" && e.owners.byExternal(owner) == nil {
		return inputErr(prefix+"externalOwnerId", "no owner has the external id %q; import owners first", owner)
	}
	return nil
}

// UpsertUnit creates or updates a unit of an imported property.
func (r *resolver) UpsertUnit(args struct{ Unit *unitInput }) (*Unit, error) {
	in := args.Unit
	if in == nil {
		return nil, inputErr("unit", "the unit input is required")
	}
	c := &checker{prefix: "unit."}
	u := &Unit{
		ExternalUnitID: c.required("externalUnitId", in.ExternalUnitID), ExternalPropertyID: c.required("externalPropertyId", in.ExternalPropertyID),
		ExternalOwnerID: deref(in.ExternalOwnerID), Name: deref(in.Name), Category: deref(in.Category), Type: deref(in.Type),
		FloorNo: in.FloorNo, LivingSurface: c.number("livingSurface", in.LivingSurface), Rooms: c.number("rooms", in.Rooms),
		TargetRent: c.number("targetRent", in.TargetRent), AvailableFrom: c.date("availableFrom", in.AvailableFrom),
	}
	u.Source = c.required("meta.source", in.Meta.Source)
	if c.err != nil {
		return nil, c.err
	}
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	if r.e.properties.byExternal(u.ExternalPropertyID) == nil {
		return nil, inputErr("unit.externalPropertyId", "no property has the external id %q; import properties before units", u.ExternalPropertyID)
	}
	if err := r.e.references("", u.ExternalOwnerID, "unit."); err != nil {
		return nil, err
	}
	return upsert(r.e, r.e.units, "upsertUnit", deref(in.ID), u.ExternalUnitID, u)
}

// DeleteOwner detaches an owner from the integration.
func (r *resolver) DeleteOwner(args externalIDArgs) *AsyncEventResponse {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return detach(r.e, r.e.owners, "deleteOwner", "owner", deref(args.ExternalID))
}

// DeletePropertyGroup detaches a property group from the integration.
func (r *resolver) DeletePropertyGroup(args externalIDArgs) *AsyncEventResponse {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return detach(r.e, r.e.groups, "deletePropertyGroup", "property group", deref(args.ExternalID))
}

// DeleteProperty detaches a property from the integration.
func (r *resolver) DeleteProperty(args externalIDArgs) *AsyncEventResponse {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return detach(r.e, r.e.properties, "deleteProperty", "property", deref(args.ExternalID))
}

// DeleteUnit detaches a unit from the integration.
func (r *resolver) DeleteUnit(args externalIDArgs) *AsyncEventResponse {
	r.e.mu.Lock()
	defer r.e.mu.Unlock()
	return detach(r.e, r.e.units, "deleteUnit", "unit", deref(args.ExternalID))
}
