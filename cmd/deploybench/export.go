package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/deploybench/deploybench/aws/export"
)

func init() { register(newExportCmd) }

// exportFormats are the formats export writes.
var exportFormats = []string{"cloudformation"}

func newExportCmd() *cobra.Command {
	var format, out, runID, allowed string
	var managedInstances bool
	c := &cobra.Command{
		Use:   "export SCENARIO.yaml|builtin:NAME --out DIR",
		Short: "Write a CloudFormation template for every platform of a scenario",
		Long: `export writes one AWS CloudFormation template per platform of the scenario to DIR
(DIR/<platform>.json) and DIR/index.json listing the stacks, with the scenario's sizes,
health checks, scaling policies, alarms, timeouts and concurrency settings.

Every template takes the parameters ImageUri (the image to run), VpcId and SubnetIds
(empty: a VPC with two public subnets is created), AllowedCidr (who may reach the
endpoint; --allowed-cidr sets its default, otherwise it has none and must be given when
the stack is created) and RunId, and outputs EndpointURL. Nothing is deployed: see
docs/export.md for what the templates contain and how they are validated.

ecs-mi platforms are exported as an Auto Scaling group capacity provider that picks
instance types by the scenario's attributes, because the registry schema the templates
are validated against lacks ManagedInstancesProvider; --ecs-managed-instances exports
ECS Managed Instances proper instead.`,
		Example: `  deploybench export builtin:demo --out templates
  deploybench export my.yaml --out templates --run-id trial1 --allowed-cidr 203.0.113.7/32`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "cloudformation" {
				return usagef("--format: %q is not a format (valid: %s)", format, strings.Join(exportFormats, ", "))
			}
			if out == "" {
				return usagef("--out: required: the directory the templates are written to (e.g. --out templates)")
			}
			if runID != "" {
				if err := export.ValidRunID(runID); err != nil {
					return usagef("--run-id: %v", err)
				}
			}
			if allowed != "" {
				if err := export.ValidCIDR(allowed); err != nil {
					return usagef("--allowed-cidr: %v", err)
				}
			}
			s, _, err := loadScenario(args[0])
			if err != nil {
				return asUsage(err)
			}
			stacks, err := export.CloudFormation(s, export.Options{RunID: runID, AllowedCIDR: allowed, ManagedInstances: managedInstances})
			if err != nil {
				if errors.Is(err, export.ErrInvalid) {
					return asUsage(err)
				}
				return err
			}
			return writeExport(cmd, out, s.Name, runID, allowed, stacks)
		},
	}
	f := c.Flags()
	f.StringVar(&format, "format", "cloudformation", "template format: "+strings.Join(exportFormats, ", "))
	f.StringVarP(&out, "out", "o", "", "directory to write the templates to (required)")
	f.StringVar(&runID, "run-id", "", "run id that names and tags the stacks (default \""+export.DefaultRunID+"\")")
	f.StringVar(&allowed, "allowed-cidr", "", "IPv4 range allowed to reach the endpoints, e.g. 203.0.113.7/32 (default: none; given at deploy time)")
	f.BoolVar(&managedInstances, "ecs-managed-instances", false, "export ecs-mi platforms as ECS Managed Instances proper (ManagedInstancesProvider) instead of an Auto Scaling group capacity provider with the same attribute selection; see docs/export.md")
	return c
}

// exportIndex is DIR/index.json: what was written, for people and for scripts.
type exportIndex struct {
	Scenario    string `json:"scenario"`
	Format      string `json:"format"`
	RunID       string `json:"run_id"`
	AllowedCIDR string `json:"allowed_cidr,omitempty"`
	// Capabilities are what creating the stacks must acknowledge.
	Capabilities []string           `json:"capabilities"`
	Stacks       []exportIndexStack `json:"stacks"`
}

type exportIndexStack struct {
	Platform  string `json:"platform"`
	Kind      string `json:"kind"`
	StackName string `json:"stack_name"`
	File      string `json:"file"`
	Resources int    `json:"resources"`
	// Parameters are the template's parameter names (only those it uses).
	Parameters []string `json:"parameters"`
	Notes      []string `json:"notes,omitempty"`
}

// writeExport writes each template and the index, each through a temporary file renamed
// into place, so that no half-written file looks complete.
func writeExport(cmd *cobra.Command, dir, scenarioName, runID, allowed string, stacks []export.Stack) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	if runID == "" {
		runID = export.DefaultRunID
	}
	idx := exportIndex{Scenario: scenarioName, Format: "cloudformation", RunID: runID, AllowedCIDR: allowed,
		Capabilities: export.Capabilities}
	w := cmd.OutOrStdout()
	for _, st := range stacks {
		b, err := st.Template.JSON()
		if err != nil {
			return err
		}
		path := filepath.Join(dir, st.FileName())
		if err := writeExportFile(path, b); err != nil {
			return err
		}
		n := len(st.Resources())
		idx.Stacks = append(idx.Stacks, exportIndexStack{Platform: st.Platform, Kind: st.Kind, StackName: st.Name,
			File: st.FileName(), Resources: n, Parameters: st.ParameterNames(), Notes: st.Notes})
		fmt.Fprintf(w, "wrote %s  (%s, stack %s, %d resources)\n", path, st.Kind, st.Name, n)
		for _, note := range st.Notes {
			fmt.Fprintf(w, "  note: %s\n", note)
		}
	}
	b, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, "index.json")
	if err := writeExportFile(path, append(b, '\n')); err != nil {
		return err
	}
	fmt.Fprintf(w, "wrote %s  (%d stacks)\n", path, len(stacks))
	if allowed == "" {
		fmt.Fprintf(w, "AllowedCidr has no default: give it (e.g. your address/32) when you create the stacks.\n")
	}
	return nil
}

func writeExportFile(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
