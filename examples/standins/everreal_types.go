package standins

import "time"

// Entry is what every record the EverReal stand-in keeps has: EverReal's
// id, the integration source that wrote it and whether the integration
// still owns it (a delete detaches: the record stays, no longer owned).
type Entry struct {
	ID          string
	Source      string
	Integration bool
	CreatedAt   string
	UpdatedAt   string
	updated     time.Time
}

// entry returns e; every record type embeds an Entry.
func (e *Entry) entry() *Entry { return e }

// Address is a postal address of an owner or a property.
type Address struct {
	Street, Number, Zip, City, Country string
}

// BankAccount is an owner's account.
type BankAccount struct {
	AccountHolder, IBAN, BIC string
}

// CustomFieldValue is one value of a custom field.
type CustomFieldValue struct {
	Key, Value string
}

// Owner is an owner in EverReal.
type Owner struct {
	Entry
	ExternalOwnerID                                  string
	FirstName, LastName, CompanyName, Email, PhoneNo string
	Address                                          *Address
	BankAccount                                      *BankAccount
	CustomFieldValues                                []*CustomFieldValue
}

// PropertyGroup is a property group (an ERP economic unit).
type PropertyGroup struct {
	Entry
	ExternalPropertyGroupID, Name string
}

// Property is a property (an ERP building).
type Property struct {
	Entry
	ExternalPropertyID, ExternalPropertyGroupID, ExternalOwnerID string
	Name, Type, Category, OwnershipType                          string
	Address                                                      *Address
}

// Unit is a unit of a property.
type Unit struct {
	Entry
	ExternalUnitID, ExternalPropertyID, ExternalOwnerID string
	Name, Category, Type                                string
	FloorNo                                             *int32
	LivingSurface, Rooms, TargetRent, AvailableFrom     string
}

// Tenant is a tenant with the fields of its contract, as EverReal keeps
// them. Contracts counts the tenant's contracts: one when the upsert gave
// a contract start date.
type Tenant struct {
	Entry
	ExternalTenantID, ExternalUnitID, UnitID                              string
	FirstName, LastName, Email, CompanyName, PhoneNumber, CellPhoneNumber string
	AdditionalTenants                                                     []AdditionalTenant
	ColdRent, ServiceCharges, HeatingCosts, TotalRent, SecurityDeposit    string
	ContractStartDate, ContractEndDate                                    string
	Contracts                                                             int32
}

// AdditionalTenant is a co-tenant named on a tenant.
type AdditionalTenant struct {
	ExternalID, FirstName, LastName, Email, PhoneNumber string
}

// Candidate is someone who applied for a listing. The stand-in takes
// candidates from AddCandidate; the unit is given by its external id and
// shown with EverReal's id of that unit once the unit was imported.
type Candidate struct {
	Entry
	ListingID, ExternalUnitID               string
	Salutation                              string // MR, MRS or DIVERSE; empty for none
	FirstName, LastName, Email, PhoneNumber string
	HouseholdSize                           int32 // 0 for unknown
	NetIncome, MoveInDate, Message, Status  string
}

// AsyncEventResponse answers EverReal's delete mutations.
type AsyncEventResponse struct {
	StatusCode *int32
	Message    *string
}

// candidateOut is a Candidate as the schema shows it.
type candidateOut struct {
	ID, ListingID                           string
	Unit                                    *candidateUnit
	Salutation                              *string
	FirstName, LastName, Email, PhoneNumber string
	HouseholdSize                           *int32
	NetIncome, MoveInDate, Message, Status  string
	CreatedAt, UpdatedAt                    string
}

type candidateUnit struct {
	ID, ExternalUnitID string
}

// Lists of the query results.
type (
	ownerList struct {
		Total int32
		Items []*Owner
	}
	propertyGroupList struct {
		Total int32
		Items []*PropertyGroup
	}
	propertyList struct {
		Total int32
		Items []*Property
	}
	unitList struct {
		Total int32
		Items []*Unit
	}
	tenantList struct {
		Total int32
		Items []*Tenant
	}
	candidateList struct {
		Total int32
		Items []*candidateOut
	}
)
