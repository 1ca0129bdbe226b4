package pricing

// DataFile is the on-disk format of the embedded catalog (data/catalog.json.gz), written by
// tools/pricinggen from public snapshots. It is exported so that the generator and a user
// who wants to supply a whole replacement catalog share one schema.
type DataFile struct {
	Meta      DataMeta                         `json:"meta"`
	Regions   []string                         `json:"regions"`
	Instances []InstanceRecord                 `json:"instances"`
	Reserved  map[string]ReservedRecord        `json:"reserved"` // by type, us-east-1
	Spot      map[string]map[string]SpotRecord `json:"spot"`     // region → type
	SpotBands []SpotBand                       `json:"spot_bands"`
	Medians   map[string]float64               `json:"medians"` // named fallback discount fractions
	Rates     map[string]float64               `json:"rates"`   // service rates by name (see Rates)
}

// DataMeta records where every number came from and when it was published.
type DataMeta struct {
	Generator string            `json:"generator"`
	Sources   map[string]string `json:"sources"`
	Dates     map[string]string `json:"dates"`
	Notes     []string          `json:"notes,omitempty"`
}

// InstanceRecord is one EC2 instance type in the data file. Prices are on-demand Linux,
// shared tenancy, USD per hour, keyed by region; a missing region means AWS published no
// price there.
type InstanceRecord struct {
	Type               string             `json:"type"`
	Family             string             `json:"family"`
	Category           string             `json:"category"`
	Generation         int                `json:"generation"`
	VCPUs              int                `json:"vcpus"`
	MemoryMiB          int                `json:"memory_mib"`
	Arch               string             `json:"arch"`
	Manufacturer       string             `json:"cpu_manufacturer"`
	GPU                *Accelerator       `json:"gpu,omitempty"`
	Accelerator        *Accelerator       `json:"accelerator,omitempty"`
	NetworkMbps        int                `json:"network_mbps,omitempty"`
	NetworkPerformance string             `json:"network_performance,omitempty"`
	Burstable          bool               `json:"burstable,omitempty"`
	BareMetal          bool               `json:"bare_metal,omitempty"`
	Hypervisor         string             `json:"hypervisor,omitempty"`
	OnDemand           map[string]float64 `json:"ondemand"`
}

// Accelerator describes the GPUs (or other accelerators) of an instance type.
type Accelerator struct {
	Count        int    `json:"count"`
	Model        string `json:"model"`
	Manufacturer string `json:"manufacturer"`
	MemoryMiB    int    `json:"memory_mib_each,omitempty"` // per device
}

// ReservedRecord holds the effective hourly rates (no upfront) of Reserved Instances for
// one type; zero means no offer was published.
type ReservedRecord struct {
	Standard1y    float64 `json:"std_1y,omitempty"`
	Standard3y    float64 `json:"std_3y,omitempty"`
	Convertible1y float64 `json:"conv_1y,omitempty"`
	Convertible3y float64 `json:"conv_3y,omitempty"`
}

// SpotRecord is the Spot Instance Advisor entry of one type in one region.
type SpotRecord struct {
	SavingsPct int `json:"s"` // typical savings vs on-demand, percent
	Band       int `json:"r"` // interruption-frequency band index into SpotBands
}

// SpotBand names an interruption-frequency band of the Spot Instance Advisor.
type SpotBand struct {
	Label  string `json:"label"`
	MaxPct int    `json:"max"`
}
