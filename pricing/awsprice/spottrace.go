package awsprice

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"
)

// SpotPoint is one spot price change: from Time on, the price in Zone is Price USD/hour.
type SpotPoint struct {
	Zone         string
	InstanceType string
	Product      string
	Price        float64
	Time         time.Time
}

// SpotTrace is a spot price history, sorted by time (then zone).
type SpotTrace struct {
	Points []SpotPoint
}

type spotHistory struct {
	SpotPriceHistory []struct {
		AvailabilityZone   string `json:"AvailabilityZone"`
		InstanceType       string `json:"InstanceType"`
		ProductDescription string `json:"ProductDescription"`
		SpotPrice          string `json:"SpotPrice"`
		Timestamp          string `json:"Timestamp"`
	} `json:"SpotPriceHistory"`
}

// ReadSpotPriceHistory parses the JSON output of `aws ec2 describe-spot-price-history`.
// name is used in errors, which name the record and field.
func ReadSpotPriceHistory(name string, r io.Reader) (*SpotTrace, error) {
	var h spotHistory
	if err := json.NewDecoder(r).Decode(&h); err != nil {
		return nil, fmt.Errorf("%s: not DescribeSpotPriceHistory JSON: %v", name, err)
	}
	if len(h.SpotPriceHistory) == 0 {
		return nil, fmt.Errorf("%s: SpotPriceHistory: no records", name)
	}
	t := &SpotTrace{}
	for i, p := range h.SpotPriceHistory {
		field := func(f string) string { return fmt.Sprintf("%s: SpotPriceHistory[%d].%s", name, i, f) }
		price, err := strconv.ParseFloat(p.SpotPrice, 64)
		if err != nil || price < 0 || price != price || price > 1e6 {
			return nil, fmt.Errorf("%s: %q is not a price", field("SpotPrice"), p.SpotPrice)
		}
		ts, err := time.Parse(time.RFC3339, p.Timestamp)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not an RFC 3339 time", field("Timestamp"), p.Timestamp)
		}
		if p.AvailabilityZone == "" || p.InstanceType == "" {
			return nil, errors.New(field("AvailabilityZone/InstanceType") + ": missing")
		}
		t.Points = append(t.Points, SpotPoint{Zone: p.AvailabilityZone, InstanceType: p.InstanceType,
			Product: p.ProductDescription, Price: price, Time: ts.UTC()})
	}
	sort.SliceStable(t.Points, func(i, j int) bool {
		a, b := t.Points[i], t.Points[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		return a.Zone < b.Zone
	})
	return t, nil
}

// Zones returns the availability zones in the trace, sorted.
func (t *SpotTrace) Zones() []string {
	seen := map[string]bool{}
	var z []string
	for _, p := range t.Points {
		if !seen[p.Zone] {
			seen[p.Zone] = true
			z = append(z, p.Zone)
		}
	}
	sort.Strings(z)
	return z
}

// PriceAt returns the price in force in zone at time at: the latest change at or before
// it. ok is false before the first record of the zone.
func (t *SpotTrace) PriceAt(zone string, at time.Time) (price float64, ok bool) {
	i := sort.Search(len(t.Points), func(i int) bool { return t.Points[i].Time.After(at) })
	for i--; i >= 0; i-- {
		if t.Points[i].Zone == zone {
			return t.Points[i].Price, true
		}
	}
	return 0, false
}

// Average returns the time-weighted average price in zone between from and to, holding
// each price until the next change; ok is false if the zone has no price before to.
func (t *SpotTrace) Average(zone string, from, to time.Time) (avg float64, ok bool) {
	if !to.After(from) {
		return t.PriceAt(zone, from)
	}
	cur, have := t.PriceAt(zone, from)
	at, sum, covered := from, 0.0, 0.0
	for _, p := range t.Points {
		if p.Zone != zone || !p.Time.After(from) {
			continue
		}
		if !p.Time.Before(to) {
			break
		}
		if have {
			d := p.Time.Sub(at).Seconds()
			sum += cur * d
			covered += d
		}
		cur, have, at = p.Price, true, p.Time
	}
	if have {
		d := to.Sub(at).Seconds()
		sum += cur * d
		covered += d
	}
	if covered == 0 {
		return 0, false
	}
	return sum / covered, true
}
