package runner

import (
	"github.com/deploybench/deploybench/pricing"
)

func priceSource(c *pricing.Catalog) string {
	m := c.Meta()
	if s := m.Sources["ec2 us-east-1 prices"]; s != "" {
		return "embedded catalog (" + s + ")"
	}
	return "embedded catalog"
}

func priceDate(c *pricing.Catalog) string {
	return c.Meta().Dates["us-east-1 on-demand"]
}
