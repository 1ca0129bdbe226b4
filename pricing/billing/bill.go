package billing

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
)

// LineItem is one line of a bill: Amount = Quantity × Rate, and Description says how the
// quantity was obtained (billing minimums, rounding, tiers) so a person can redo it.
type LineItem struct {
	Service     string  `json:"service"`
	Description string  `json:"description"`
	Quantity    float64 `json:"quantity"`
	Unit        string  `json:"unit"`
	Rate        float64 `json:"rate_usd"` // USD per Unit
	RateBasis   string  `json:"rate_basis,omitempty"`
	Amount      float64 `json:"amount_usd"`
}

// Bill is an itemised bill. Amounts are unrounded float64 dollars; only the printed forms
// round.
type Bill struct {
	Region string     `json:"region"`
	Items  []LineItem `json:"items"`
	Notes  []string   `json:"notes,omitempty"`
}

// Total is the sum of all line items.
func (b *Bill) Total() float64 {
	t := 0.0
	for _, it := range b.Items {
		t += it.Amount
	}
	return t
}

// ServiceTotal is the sum of one service's line items.
func (b *Bill) ServiceTotal(service string) float64 {
	t := 0.0
	for _, it := range b.Items {
		if it.Service == service {
			t += it.Amount
		}
	}
	return t
}

// MarshalJSON adds the total to the bill's fields.
func (b *Bill) MarshalJSON() ([]byte, error) {
	type plain Bill
	return json.Marshal(struct {
		*plain
		Total float64 `json:"total_usd"`
	}{(*plain)(b), b.Total()})
}

// WriteJSON writes the bill as indented JSON.
func (b *Bill) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(b)
}

// WriteTable prints the bill as an aligned text table with per-service subtotals and the
// total. Amounts are shown to 6 decimals (a micro-dollar) so that short runs stay visible.
func (b *Bill) WriteTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "SERVICE\tDESCRIPTION\tQUANTITY\tUNIT\tRATE USD\tAMOUNT USD\n")
	var services []string
	for _, it := range b.Items {
		if len(services) == 0 || services[len(services)-1] != it.Service {
			services = append(services, it.Service)
		}
		desc := it.Description
		if it.RateBasis != "" && it.RateBasis != "on-demand" {
			desc += "; rate: " + it.RateBasis
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", it.Service, desc, Num(it.Quantity), it.Unit, Num(it.Rate), Money(it.Amount))
	}
	if len(services) > 1 {
		seen := map[string]bool{}
		for _, s := range services {
			if !seen[s] {
				seen[s] = true
				fmt.Fprintf(tw, "%s\t%s\t\t\t\t%s\n", s, "subtotal", Money(b.ServiceTotal(s)))
			}
		}
	}
	fmt.Fprintf(tw, "TOTAL\t%s\t\t\t\t%s\n", b.Region, Money(b.Total()))
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, n := range b.Notes {
		if _, err := fmt.Fprintf(w, "note: %s\n", n); err != nil {
			return err
		}
	}
	return nil
}

// Money formats dollars with 6 decimals.
func Money(v float64) string { return strconv.FormatFloat(v, 'f', 6, 64) }

// Num formats a quantity or rate with up to 10 significant digits and no trailing zeros.
func Num(v float64) string {
	s := strconv.FormatFloat(v, 'g', 10, 64)
	if strings.ContainsAny(s, "e") {
		s = strconv.FormatFloat(v, 'f', -1, 64)
	}
	return s
}
