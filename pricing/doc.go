// Package pricing is deploybench's source of prices: an embedded EC2 instance catalog
// (specs and on-demand prices per region), price books for every purchase option and
// service deploybench bills (spot, reserved instances, savings plans, Fargate, Lambda,
// API Gateway, ALB, ECS Managed Instances and EMR fees, CPU credit surcharge, data
// transfer), attribute-based instance selection, and user overrides.
//
// Place in the architecture: the platform models meter usage; package pricing/billing
// turns those records into an itemised Bill using a Book from this package;
// pricing/projection estimates monthly cost at a given traffic for break-even curves; the
// runner and report only consume those. ECS Managed Instances' cost-optimised default
// instance choice uses Catalog.Select.
//
// Every number is traceable: the embedded data file (data/catalog.json.gz, written by
// tools/pricinggen) records its sources and publication dates, and every named rate can be
// overridden from a price file (see LoadOverrides) or an AWS Price List offer file
// (package pricing/awsprice). Prices are float64 US dollars; nothing is rounded until it
// is displayed.
package pricing

// Regenerate the embedded catalog from a directory of snapshots (see docs/pricing.md):
//
//	DEPLOYBENCH_PRICE_DATA=<dir> go generate ./pricing
//
//go:generate go run ../tools/pricinggen -src ${DEPLOYBENCH_PRICE_DATA} -out data
