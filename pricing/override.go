package pricing

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"gopkg.in/yaml.v3"
)

// A price file (YAML or JSON) overrides prices of a catalog, e.g. negotiated rates or
// newer prices:
//
//	source: "EDP rates from our 2026 contract"   # recorded in every bill's notes
//	ondemand:                                    # USD per hour, region → type
//	  us-east-1: {t2.medium: 0.0400}
//	  sa-east-1: {m5.large: 0.153}               # new regions are allowed
//	spot_savings_pct:                            # Spot saving vs on-demand, percent
//	  us-east-1: {m5.large: 65}
//	rates:                                       # any named rate (see RateNames)
//	  fargate.x86.vcpu_hour: 0.0390
//	  dedicated_host.m5.hour: 5.069
//
// Unknown keys, unknown types and rate names, and non-numeric or negative prices are
// errors that name the file, line and field.

// LoadOverrides applies the price file at path to c.
func (c *Catalog) LoadOverrides(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("price file: %w", err)
	}
	return c.ApplyOverrides(path, bytes.NewReader(b))
}

// ApplyOverrides applies a price file read from r; name is used in errors and notes. On
// error nothing is applied.
func (c *Catalog) ApplyOverrides(name string, r io.Reader) error {
	ov, err := parseOverrides(name, r, c)
	if err != nil {
		return err
	}
	for _, o := range ov.ondemand {
		if err := c.SetOnDemand(o.region, o.typ, o.v); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	for _, o := range ov.spot {
		if c.spot[o.region] == nil {
			c.spot[o.region] = map[string]SpotRecord{}
		}
		rec := c.spot[o.region][o.typ]
		rec.SavingsPct = int(o.v + 0.5)
		c.spot[o.region][o.typ] = rec
	}
	for _, o := range ov.rates {
		c.rates[o.typ] = o.v
	}
	desc := name
	if ov.source != "" {
		desc = fmt.Sprintf("%s (%s)", name, ov.source)
	}
	c.NoteOverride(fmt.Sprintf("%s: %d on-demand, %d spot, %d rates", desc, len(ov.ondemand), len(ov.spot), len(ov.rates)))
	return nil
}

type overrideEntry struct {
	region, typ string
	v           float64
}

type overrides struct {
	source                string
	ondemand, spot, rates []overrideEntry
}

func parseOverrides(name string, r io.Reader, c *Catalog) (*overrides, error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(r)
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: price file is empty (want keys source, ondemand, spot_savings_pct, rates)", name)
		}
		return nil, fmt.Errorf("%s: not valid YAML/JSON: %v", name, err)
	}
	fail := func(n *yaml.Node, field, msg string, a ...any) error {
		return fmt.Errorf("%s:%d: %s: %s", name, n.Line, field, fmt.Sprintf(msg, a...))
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: price file must be a mapping with keys source, ondemand, spot_savings_pct, rates", name)
	}
	top := doc.Content[0]
	ov := &overrides{}
	num := func(n *yaml.Node, field string) (float64, error) {
		if n.Kind != yaml.ScalarNode {
			return 0, fail(n, field, "want a number")
		}
		v, err := strconv.ParseFloat(n.Value, 64)
		if err != nil || v < 0 || v != v || v > 1e9 {
			return 0, fail(n, field, "%q is not a non-negative number", n.Value)
		}
		return v, nil
	}
	regionTypes := func(n *yaml.Node, field string, max float64) ([]overrideEntry, error) {
		if n.Kind != yaml.MappingNode {
			return nil, fail(n, field, "want a mapping of region → type → number")
		}
		var out []overrideEntry
		for i := 0; i+1 < len(n.Content); i += 2 {
			reg, types := n.Content[i].Value, n.Content[i+1]
			if types.Kind != yaml.MappingNode {
				return nil, fail(types, field+"."+reg, "want a mapping of type → number")
			}
			for j := 0; j+1 < len(types.Content); j += 2 {
				typ, val := types.Content[j].Value, types.Content[j+1]
				f := field + "." + reg + "." + typ
				if _, ok := c.byType[typ]; !ok {
					return nil, fail(types.Content[j], f, "%v %q%s", ErrUnknownType, typ, didYouMean(typ, c.types))
				}
				v, err := num(val, f)
				if err != nil {
					return nil, err
				}
				if max > 0 && v > max {
					return nil, fail(val, f, "%g is more than %g", v, max)
				}
				out = append(out, overrideEntry{reg, typ, v})
			}
		}
		return out, nil
	}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		var err error
		switch k.Value {
		case "source":
			if v.Kind != yaml.ScalarNode {
				return nil, fail(v, "source", "want a string")
			}
			ov.source = v.Value
		case "ondemand":
			ov.ondemand, err = regionTypes(v, "ondemand", 0)
		case "spot_savings_pct":
			ov.spot, err = regionTypes(v, "spot_savings_pct", 100)
		case "rates":
			if v.Kind != yaml.MappingNode {
				return nil, fail(v, "rates", "want a mapping of rate name → number")
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				rn, rv := v.Content[j], v.Content[j+1]
				if e := checkRateName(rn.Value); e != nil {
					return nil, fail(rn, "rates."+rn.Value, "%v", e)
				}
				x, e := num(rv, "rates."+rn.Value)
				if e != nil {
					return nil, e
				}
				ov.rates = append(ov.rates, overrideEntry{typ: rn.Value, v: x})
			}
		default:
			return nil, fail(k, k.Value, "unknown key (valid: source, ondemand, spot_savings_pct, rates)%s",
				didYouMean(k.Value, []string{"source", "ondemand", "spot_savings_pct", "rates"}))
		}
		if err != nil {
			return nil, err
		}
	}
	return ov, nil
}
