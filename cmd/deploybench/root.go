package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// Exit codes shared by every command.
const (
	exitOK        = 0 // success
	exitFailure   = 1 // runtime failure
	exitUsage     = 2 // bad flags, arguments or input files
	exitThreshold = 3 // the run worked but an SLO/threshold was violated
)

// usageError marks an error caused by the user's input (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit code 2) with a formatted message.
func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// asUsage marks err, if any, as caused by bad input.
func asUsage(err error) error {
	if err == nil {
		return nil
	}
	return usageError{err}
}

// thresholdError marks a run whose thresholds were violated (exit code 3).
type thresholdError struct{ err error }

func (e thresholdError) Error() string { return e.err.Error() }
func (e thresholdError) Unwrap() error { return e.err }

// commands holds the constructors of every subcommand; each subcommand file adds its own
// in an init function so that files stay independent of each other.
var commands []func() *cobra.Command

func register(newCmd func() *cobra.Command) { commands = append(commands, newCmd) }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "deploybench",
		Short: "Measure, price and simulate where a service should run on AWS",
		Long: `deploybench runs a real service under local emulations of EC2, EC2 Auto Scaling + ALB,
ECS on EC2, Fargate, ECS Managed Instances and Lambda + API Gateway, drives each with the
same load, bills each with its own pricing rules and recommends where to run it.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError{fmt.Errorf("%s: %w (see '%s --help')", c.CommandPath(), err, c.CommandPath())}
	})
	for _, newCmd := range commands {
		root.AddCommand(newCmd())
	}
	return root
}

// run executes the CLI and maps errors to exit codes; it never panics on bad input.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	msg := strings.TrimSpace(err.Error())
	fmt.Fprintf(stderr, "deploybench: %s\n", msg)
	var ue usageError
	var te thresholdError
	switch {
	case errors.As(err, &te):
		return exitThreshold
	case errors.As(err, &ue), isCobraUsage(msg):
		return exitUsage
	default:
		return exitFailure
	}
}

// isCobraUsage recognises the argument errors cobra creates itself.
func isCobraUsage(msg string) bool {
	for _, p := range []string{"unknown command", "accepts ", "requires at least", "requires at most", "unknown flag", "unknown shorthand", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
