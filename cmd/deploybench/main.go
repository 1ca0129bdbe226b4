// Command deploybench measures, prices and simulates where a service should run on AWS:
// one EC2 VM, an auto scaling group behind a load balancer, ECS on EC2, ECS on Fargate,
// ECS Managed Instances or Lambda behind API Gateway.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
