// Package awsprice reads AWS's own price formats into deploybench's pricing package: the
// AWS Price List bulk offer file for EC2 (products + terms.OnDemand), to price other
// regions or newer rates, and DescribeSpotPriceHistory output, as a spot price trace for
// simulations that replay real spot prices.
//
// Place in the architecture: optional inputs to package pricing's Catalog, chosen by the
// user (CLI flags, scenario); nothing here touches the network — the files are fetched by
// the user with the AWS CLI or the Price List endpoints.
package awsprice
