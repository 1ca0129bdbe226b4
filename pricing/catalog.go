package pricing

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

//go:embed data/catalog.json.gz
var embeddedCatalog []byte

// DefaultRegion is the region whose prices are complete in the embedded data (service
// prices exist only for it); other regions reuse its service rates.
const DefaultRegion = "us-east-1"

// Sentinel errors callers can branch on with errors.Is.
var (
	ErrUnknownType   = errors.New("unknown instance type")
	ErrUnknownRegion = errors.New("unknown region")
	ErrNoPrice       = errors.New("no price")
	ErrNoMatch       = errors.New("no instance type matches")
)

// Instance is one EC2 instance type: its specs and on-demand Linux prices per region.
type Instance struct {
	Type               string
	Family             string // e.g. "m5"
	Category           string // e.g. "m"
	Generation         int
	VCPUs              int
	MemoryMiB          int
	Arch               string // "x86_64" or "arm64"
	Manufacturer       string // CPU maker: "intel", "amd" or "aws"
	GPU                *Accelerator
	Accelerator        *Accelerator // non-GPU accelerators (Inferentia, Trainium, ...)
	NetworkMbps        int          // baseline bandwidth, 0 if unknown
	NetworkPerformance string       // AWS's text, e.g. "Up to 5 Gigabit"
	Burstable          bool
	Credits            *CreditSpec // CPU credit figures of burstable types, nil otherwise
	BareMetal          bool
	Hypervisor         string
	OnDemand           map[string]float64 // region → USD per hour; missing = not sold there
}

// MemoryGiB returns the memory in GiB.
func (i Instance) MemoryGiB() float64 { return float64(i.MemoryMiB) / 1024 }

// GPUs returns the number of GPUs (0 without).
func (i Instance) GPUs() int {
	if i.GPU == nil {
		return 0
	}
	return i.GPU.Count
}

// GPUMemoryGiB returns the GPU memory summed over all GPUs, in GiB.
func (i Instance) GPUMemoryGiB() float64 {
	if i.GPU == nil {
		return 0
	}
	return float64(i.GPU.Count*i.GPU.MemoryMiB) / 1024
}

// Catalog is the set of instance types with their prices and discount data. The zero
// value is empty; use Embedded or Parse. A Catalog may be modified by overrides; it is not
// safe for concurrent modification, but concurrent reads are fine.
type Catalog struct {
	meta     DataMeta
	regions  []string
	types    []string // sorted
	byType   map[string]*Instance
	reserved map[string]ReservedRecord
	spot     map[string]map[string]SpotRecord
	bands    []SpotBand
	rates    map[string]float64
	sources  []string // descriptions of overrides applied, in order
}

// Embedded returns a fresh copy of the catalog built into the binary, so callers may apply
// overrides to it without affecting anyone else.
func Embedded() (*Catalog, error) {
	c, err := Parse(bytes.NewReader(embeddedCatalog))
	if err != nil {
		return nil, fmt.Errorf("pricing: embedded catalog: %w", err)
	}
	return c, nil
}

// Parse reads a catalog in the DataFile format, gzipped or plain JSON.
func Parse(r io.Reader) (*Catalog, error) {
	br := newPeekReader(r)
	var src io.Reader = br
	if br.gzipped() {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		src = zr
	}
	var df DataFile
	dec := json.NewDecoder(src)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&df); err != nil {
		return nil, err
	}
	return fromDataFile(&df)
}

func fromDataFile(df *DataFile) (*Catalog, error) {
	if len(df.Instances) == 0 {
		return nil, errors.New("no instances")
	}
	c := &Catalog{
		meta:     df.Meta,
		regions:  append([]string(nil), df.Regions...),
		byType:   make(map[string]*Instance, len(df.Instances)),
		reserved: df.Reserved,
		spot:     df.Spot,
		bands:    df.SpotBands,
		rates:    map[string]float64{},
	}
	if c.reserved == nil {
		c.reserved = map[string]ReservedRecord{}
	}
	if c.spot == nil {
		c.spot = map[string]map[string]SpotRecord{}
	}
	for k, v := range df.Rates {
		if err := checkRateName(k); err != nil {
			return nil, fmt.Errorf("rates.%s: %w", k, err)
		}
		c.rates[k] = v
	}
	for i := range df.Instances {
		r := &df.Instances[i]
		if r.Type == "" || r.VCPUs <= 0 || r.MemoryMiB <= 0 {
			return nil, fmt.Errorf("instances[%d] (%q): type, vcpus and memory_mib are required", i, r.Type)
		}
		if _, dup := c.byType[r.Type]; dup {
			return nil, fmt.Errorf("instances[%d]: duplicate type %q", i, r.Type)
		}
		in := &Instance{
			Type: r.Type, Family: r.Family, Category: r.Category, Generation: r.Generation,
			VCPUs: r.VCPUs, MemoryMiB: r.MemoryMiB, Arch: r.Arch, Manufacturer: r.Manufacturer,
			GPU: r.GPU, Accelerator: r.Accelerator, NetworkMbps: r.NetworkMbps,
			NetworkPerformance: r.NetworkPerformance, Burstable: r.Burstable, BareMetal: r.BareMetal,
			Hypervisor: r.Hypervisor, OnDemand: map[string]float64{},
		}
		if in.Family == "" {
			in.Family, _, _ = strings.Cut(in.Type, ".")
		}
		if cs, ok := burstableCredits[in.Type]; ok {
			cs := cs
			in.Credits = &cs
		}
		for reg, p := range r.OnDemand {
			in.OnDemand[reg] = p
		}
		c.byType[in.Type] = in
		c.types = append(c.types, in.Type)
	}
	sort.Strings(c.types)
	return c, nil
}

// Meta returns the sources and dates of the data.
func (c *Catalog) Meta() DataMeta { return c.meta }

// Overrides lists the overrides applied to this catalog, in order (empty for pure data).
func (c *Catalog) Overrides() []string { return append([]string(nil), c.sources...) }

// Regions returns the regions that have prices, in data-file order.
func (c *Catalog) Regions() []string { return append([]string(nil), c.regions...) }

// Types returns all instance type names, sorted.
func (c *Catalog) Types() []string { return append([]string(nil), c.types...) }

// Instance looks up a type; an unknown type gives an error wrapping ErrUnknownType with a
// "did you mean" suggestion when one is close.
func (c *Catalog) Instance(typ string) (Instance, error) {
	in, ok := c.byType[typ]
	if !ok {
		return Instance{}, fmt.Errorf("%w %q%s", ErrUnknownType, typ, didYouMean(typ, c.types))
	}
	cp := *in
	if in.Credits != nil {
		cs := *in.Credits
		cp.Credits = &cs
	}
	cp.OnDemand = make(map[string]float64, len(in.OnDemand))
	for k, v := range in.OnDemand {
		cp.OnDemand[k] = v
	}
	return cp, nil
}

// CheckRegion returns an error wrapping ErrUnknownRegion, naming the known regions, if the
// catalog has no prices for region.
func (c *Catalog) CheckRegion(region string) error {
	for _, r := range c.regions {
		if r == region {
			return nil
		}
	}
	return fmt.Errorf("%w %q%s (known: %s)", ErrUnknownRegion, region, didYouMean(region, c.regions), strings.Join(c.regions, ", "))
}

// SetOnDemand sets (overrides) the on-demand price of a known type in a region, adding the
// region if it is new. source describes where the price came from.
func (c *Catalog) SetOnDemand(region, typ string, perHour float64) error {
	in, ok := c.byType[typ]
	if !ok {
		return fmt.Errorf("%w %q%s", ErrUnknownType, typ, didYouMean(typ, c.types))
	}
	if err := checkPrice(perHour); err != nil {
		return err
	}
	if c.CheckRegion(region) != nil {
		c.regions = append(c.regions, region)
	}
	in.OnDemand[region] = perHour
	return nil
}

// SetRate overrides a named rate (see rates.go for the names).
func (c *Catalog) SetRate(name string, v float64) error {
	if err := checkRateName(name); err != nil {
		return err
	}
	if err := checkPrice(v); err != nil {
		return err
	}
	c.rates[name] = v
	return nil
}

// NoteOverride records that an override (a price file, an offer file) was applied; bills
// list these notes so that a reader knows which prices are not the embedded ones.
func (c *Catalog) NoteOverride(desc string) { c.sources = append(c.sources, desc) }

func checkPrice(v float64) error {
	if v < 0 || v != v || v > 1e9 {
		return fmt.Errorf("price %v must be a non-negative number", v)
	}
	return nil
}

// peekReader lets Parse sniff the gzip magic number without consuming it.
type peekReader struct {
	r    io.Reader
	head []byte
}

func newPeekReader(r io.Reader) *peekReader {
	head := make([]byte, 2)
	n, _ := io.ReadFull(r, head)
	return &peekReader{r: r, head: head[:n]}
}

func (p *peekReader) gzipped() bool {
	return len(p.head) == 2 && p.head[0] == 0x1f && p.head[1] == 0x8b
}

func (p *peekReader) Read(b []byte) (int, error) {
	if len(p.head) > 0 {
		n := copy(b, p.head)
		p.head = p.head[n:]
		return n, nil
	}
	return p.r.Read(b)
}
