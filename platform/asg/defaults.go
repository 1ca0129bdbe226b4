package asg

import "time"

// The EC2 Auto Scaling defaults this model uses. The launch delays are
// fleet.DefaultPendingDelay and fleet.DefaultBootDelay; the alarm, period and cooldown
// defaults live in autoscale.AWSDefaults; the load balancer's in lb's defaults.go.
const (
	// DefaultInstanceType is the launch template's type unless configured (model choice,
	// as in package ec2).
	DefaultInstanceType = "t3.small"
	// DefaultMinSize and DefaultMaxSize bound the group unless configured (model choice:
	// a group that can at least double).
	DefaultMinSize = 1
	DefaultMaxSize = 4
	// DefaultHealthCheckType is EC2: only instances that are gone are replaced. With ELB,
	// instances the load balancer finds unhealthy are replaced too. Source: [doc]
	// ec2-auto-scaling-health-checks.html (EC2 is the default health check type).
	DefaultHealthCheckType = HealthCheckEC2
	// DefaultHealthCheckGracePeriod is 300 s, the console default (the CLI/SDK default is
	// 0). Source: [doc] health-check-grace-period.html.
	DefaultHealthCheckGracePeriod = 300 * time.Second
	// DefaultInstanceWarmup is unset (0): new instances count in the metrics as soon as
	// they are in service. Source: [doc] ec2-auto-scaling-default-instance-warmup.html.
	DefaultInstanceWarmup = 0
	// DefaultMonitoring is detailed (1-minute) monitoring. The launch template default is
	// basic (5-minute) [doc], but target tracking recommends detailed monitoring and a
	// benchmark that scales on 5-minute data mostly measures the monitoring; override with
	// monitoring: basic.
	DefaultMonitoring = MonitoringDetailed
	// DefaultTargetCPU is the target of the policy used when none is configured: target
	// tracking on average CPU at 50 % (model choice; the console suggests 50).
	DefaultTargetCPU = 50.0
	// MaxSampleInterval is the longest CPU sampling period; it shrinks to a third of the
	// metric period when time compression makes periods short, so that every period has
	// samples. Not an AWS number: CloudWatch agents sample every 60 s or less.
	MaxSampleInterval = time.Second
	// MinSampleInterval bounds sampling from below whatever the compression: reading
	// cgroup files more often than every 10 ms would cost more CPU than it measures.
	MinSampleInterval = 10 * time.Millisecond
)

// Health check types.
const (
	HealthCheckEC2 = "EC2"
	HealthCheckELB = "ELB"
)

// Monitoring levels and their metric periods. Sources: [doc] basic 5-minute and detailed
// 1-minute EC2 monitoring; high-resolution target tracking down to 10 s.
const (
	MonitoringBasic          = "basic"
	MonitoringDetailed       = "detailed"
	MonitoringHighResolution = "high_resolution"
)

// Metric names the policies can scale on.
const (
	// MetricCPU is the group's average CPUUtilization of instances past warm-up.
	MetricCPU = "cpu"
	// MetricRequestCountPerTarget is ALBRequestCountPerTarget: requests per healthy target
	// per period.
	MetricRequestCountPerTarget = "request_count_per_target"
)
