package awsprice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/deploybench/deploybench/pricing"
)

// Offer is what ReadOffer keeps of an EC2 offer file: on-demand Linux shared-tenancy
// hourly prices by region and type.
type Offer struct {
	Name            string // file name, for notes and errors
	PublicationDate string
	Version         string
	OnDemand        map[string]map[string]float64 // region → type → USD per hour
}

// locations maps the price list's location names to region codes for files that predate
// the regionCode attribute (AWS Price List documentation, "location" attribute).
var locations = map[string]string{
	"US East (N. Virginia)": "us-east-1", "US East (Ohio)": "us-east-2", "US West (N. California)": "us-west-1",
	"US West (Oregon)": "us-west-2", "EU (Ireland)": "eu-west-1", "EU (London)": "eu-west-2", "EU (Paris)": "eu-west-3",
	"EU (Frankfurt)": "eu-central-1", "EU (Stockholm)": "eu-north-1", "EU (Milan)": "eu-south-1",
	"Asia Pacific (Singapore)": "ap-southeast-1", "Asia Pacific (Sydney)": "ap-southeast-2",
	"Asia Pacific (Tokyo)": "ap-northeast-1", "Asia Pacific (Seoul)": "ap-northeast-2", "Asia Pacific (Mumbai)": "ap-south-1",
	"Canada (Central)": "ca-central-1", "South America (Sao Paulo)": "sa-east-1",
}

type product struct {
	SKU           string            `json:"sku"`
	ProductFamily string            `json:"productFamily"`
	Attributes    map[string]string `json:"attributes"`
}

type term struct {
	PriceDimensions map[string]struct {
		Unit         string            `json:"unit"`
		PricePerUnit map[string]string `json:"pricePerUnit"`
	} `json:"priceDimensions"`
}

// wanted reports whether a product is a Linux, shared-tenancy, no-preinstalled-software,
// used-capacity EC2 instance (the price every other deploybench number refers to).
func wanted(p product) bool {
	if !strings.HasPrefix(p.ProductFamily, "Compute Instance") {
		return false
	}
	a := p.Attributes
	match := func(k, v string) bool { x, ok := a[k]; return !ok || x == v }
	return a["operatingSystem"] == "Linux" && a["tenancy"] == "Shared" &&
		match("preInstalledSw", "NA") && match("capacitystatus", "Used") && match("licenseModel", "No License required")
}

// LoadOffer reads the offer file at path (see ReadOffer).
func LoadOffer(path string) (*Offer, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("offer file: %w", err)
	}
	defer f.Close()
	return ReadOffer(path, f)
}

// ReadOffer streams an AWS Price List offer file for AmazonEC2 (the shape of
// https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/<region>/index.json),
// keeping only on-demand Linux shared-tenancy hourly prices; other products and terms are
// skipped without being held in memory. name is used in errors, which name the field.
func ReadOffer(name string, r io.Reader) (*Offer, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	o := &Offer{Name: name, OnDemand: map[string]map[string]float64{}}
	products := map[string][2]string{} // sku → region, type
	prices := map[string]float64{}     // sku → USD per hour
	priceErrs := map[string]error{}    // sku → why its terms have no usable price
	fail := func(field string, err error) error { return fmt.Errorf("%s: %s: %v", name, field, err) }
	err := object(dec, func(key string) error {
		switch key {
		case "publicationDate", "version", "offerCode", "formatVersion":
			var s string
			if err := dec.Decode(&s); err != nil {
				return fail(key, err)
			}
			if key == "offerCode" && s != "AmazonEC2" {
				return fail(key, fmt.Errorf("%q is not AmazonEC2", s))
			}
			if key == "publicationDate" {
				o.PublicationDate = s
			} else if key == "version" {
				o.Version = s
			}
			return nil
		case "products":
			return object(dec, func(sku string) error {
				var p product
				if err := dec.Decode(&p); err != nil {
					return fail("products."+sku, err)
				}
				if !wanted(p) {
					return nil
				}
				typ := p.Attributes["instanceType"]
				if typ == "" {
					return fail("products."+sku+".attributes.instanceType", errors.New("missing"))
				}
				region := p.Attributes["regionCode"]
				if region == "" {
					region = locations[p.Attributes["location"]]
				}
				if region == "" {
					return fail("products."+sku+".attributes.location", fmt.Errorf("unknown location %q and no regionCode", p.Attributes["location"]))
				}
				products[sku] = [2]string{region, typ}
				return nil
			})
		case "terms":
			return object(dec, func(kind string) error {
				if kind != "OnDemand" {
					return skip(dec)
				}
				return object(dec, func(sku string) error {
					var terms map[string]term
					if err := dec.Decode(&terms); err != nil {
						return fail("terms.OnDemand."+sku, err)
					}
					// Terms may come before products, so errors are kept until we know
					// whether the SKU is one we want.
					p, field, err := hourly(terms)
					if err != nil {
						priceErrs[sku] = fail("terms.OnDemand."+sku+"."+field, err)
						return nil
					}
					prices[sku] = p
					return nil
				})
			})
		}
		return skip(dec)
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), name+":") {
			return nil, err
		}
		return nil, fmt.Errorf("%s: not a valid offer file: %v", name, err)
	}
	skus := make([]string, 0, len(products))
	for sku := range products {
		skus = append(skus, sku)
	}
	sort.Strings(skus)
	for _, sku := range skus {
		if err := priceErrs[sku]; err != nil {
			return nil, err
		}
	}
	for sku, rt := range products {
		p, ok := prices[sku]
		if !ok {
			continue
		}
		if o.OnDemand[rt[0]] == nil {
			o.OnDemand[rt[0]] = map[string]float64{}
		}
		o.OnDemand[rt[0]][rt[1]] = p
	}
	if len(o.OnDemand) == 0 {
		return nil, fmt.Errorf("%s: no on-demand Linux shared-tenancy instance prices found (is this the AmazonEC2 offer file?)", name)
	}
	return o, nil
}

// hourly picks the hourly USD price of an SKU's on-demand term (the first by key, for
// determinism; AWS publishes one).
func hourly(terms map[string]term) (float64, string, error) {
	keys := make([]string, 0, len(terms))
	for k := range terms {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		dims := make([]string, 0, len(terms[k].PriceDimensions))
		for d := range terms[k].PriceDimensions {
			dims = append(dims, d)
		}
		sort.Strings(dims)
		for _, d := range dims {
			pd := terms[k].PriceDimensions[d]
			if pd.Unit != "Hrs" {
				continue
			}
			field := k + ".priceDimensions." + d + ".pricePerUnit.USD"
			s, ok := pd.PricePerUnit["USD"]
			if !ok {
				return 0, field, errors.New("missing")
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || v < 0 || v != v || v > 1e6 {
				return 0, field, fmt.Errorf("%q is not a price", s)
			}
			return v, "", nil
		}
	}
	return 0, "priceDimensions", errors.New(`no dimension with unit "Hrs"`)
}

// Apply sets the offer's prices on c, returning how many were applied and the types c does
// not know (skipped: the catalog needs specs, not just a price).
func (o *Offer) Apply(c *pricing.Catalog) (applied int, unknown []string) {
	regions := make([]string, 0, len(o.OnDemand))
	for r := range o.OnDemand {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	for _, r := range regions {
		types := make([]string, 0, len(o.OnDemand[r]))
		for t := range o.OnDemand[r] {
			types = append(types, t)
		}
		sort.Strings(types)
		for _, t := range types {
			if err := c.SetOnDemand(r, t, o.OnDemand[r][t]); err != nil {
				unknown = append(unknown, t)
				continue
			}
			applied++
		}
	}
	c.NoteOverride(fmt.Sprintf("AWS offer file %s (published %s): %d on-demand prices", o.Name, o.PublicationDate, applied))
	return applied, unknown
}

// object reads a JSON object, calling each for every key with the decoder positioned at
// its value; each must consume the value.
func object(dec *json.Decoder, each func(key string) error) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("want an object, found %v", tok)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return fmt.Errorf("want a key, found %v", tok)
		}
		if err := each(key); err != nil {
			return err
		}
	}
	_, err = dec.Token() // '}'
	return err
}

// skip consumes one JSON value of any size without keeping it.
func skip(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}
