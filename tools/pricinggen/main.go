// Command pricinggen builds the embedded price catalog of package pricing
// (pricing/data/catalog.json.gz) from snapshots of public AWS price and instance data.
//
// Usage:
//
//	go run ./tools/pricinggen -src <snapshot dir> -out pricing/data
//
// The snapshot directory holds ec2-instances.json, ec2-reserved-us-east-1.json,
// spot-advisor.json and services-us-east-1.json, each with a _meta object naming its
// sources and dates; those are copied into the output so that every price stays traceable.
// The output is deterministic (sorted, gzip without a timestamp) so regenerating from the
// same snapshot gives the same bytes.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	src := flag.String("src", "", "directory with the data snapshots (required)")
	out := flag.String("out", "pricing/data", "directory to write catalog.json.gz into")
	flag.Parse()
	if *src == "" {
		fmt.Fprintln(os.Stderr, "pricinggen: -src is required: the directory holding ec2-instances.json and friends")
		os.Exit(2)
	}
	df, err := build(*src)
	if err != nil {
		fmt.Fprintln(os.Stderr, "pricinggen:", err)
		os.Exit(1)
	}
	path := filepath.Join(*out, "catalog.json.gz")
	if err := write(path, df); err != nil {
		fmt.Fprintln(os.Stderr, "pricinggen:", err)
		os.Exit(1)
	}
	fmt.Printf("pricinggen: wrote %s: %d instance types, %d regions, %d named rates\n",
		path, len(df.Instances), len(df.Regions), len(df.Rates))
}
