package export

import (
	"fmt"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/lb"
	"github.com/deploybench/deploybench/platform/lb/frontdoor"
)

// Logical IDs of the load balancer.
const (
	idALBSG       = "LoadBalancerSecurityGroup"
	idALB         = "LoadBalancer"
	idTargetGroup = "TargetGroup"
	idListener    = "Listener"
	idTargetSG    = "TargetSecurityGroup"
)

// albTarget says what the target group registers: instances on a host port, or task
// IPs (awsvpc) on the app port.
type albTarget struct {
	targetType string // "instance" or "ip"
	port       any
}

// alb adds an internet-facing ALB open to AllowedCidr on port 80, a target group with the
// scenario's health check, algorithm and delays, a listener, and the security group of the
// targets, which admits only the ALB's security group on the target port.
func (b *builder) alb(cfg lb.Config, fd frontdoor.Config, target albTarget) {
	cfg = cfg.WithDefaults()
	fd = fd.WithDefaults()
	b.add(idALBSG, cfn.TypeSecurityGroup, cfn.SecurityGroup{
		GroupDescription: "deploybench load balancer: HTTP from AllowedCidr only",
		VpcId:            vpcID(),
		SecurityGroupIngress: []cfn.IngressRule{{IpProtocol: "tcp", FromPort: 80, ToPort: 80, CidrIp: cfn.Ref(ParamAllowedCidr),
			Description: "load generator"}},
		Tags: b.namedTags("alb")})
	b.add(idTargetSG, cfn.TypeSecurityGroup, cfn.SecurityGroup{
		GroupDescription: "deploybench targets: the app port from the load balancer only",
		VpcId:            vpcID(),
		SecurityGroupIngress: []cfn.IngressRule{{IpProtocol: "tcp", FromPort: target.port, ToPort: target.port,
			SourceSecurityGroupId: cfn.GetAtt(idALBSG, "GroupId"), Description: "load balancer"}},
		Tags: b.namedTags("targets")})

	attrs := []cfn.KeyValue{}
	if idle := fd.IdleTimeout; idle > 0 {
		attrs = append(attrs, cfn.KeyValue{Key: "idle_timeout.timeout_seconds",
			Value: fmt.Sprint(b.clamp("load balancer idle timeout (s)", seconds(idle), 1, 4000))})
	}
	b.add(idALB, cfn.TypeLoadBalancer, cfn.LoadBalancer{Type: "application", Scheme: "internet-facing",
		Subnets: subnetIDs(), SecurityGroups: []any{cfn.GetAtt(idALBSG, "GroupId")},
		LoadBalancerAttributes: attrs, Tags: b.namedTags("alb")}, idInternetReady)

	h := cfg.HealthCheck
	interval := b.clamp("health_check.interval (s)", seconds(h.Interval), 5, 300)
	timeout := b.clamp("health_check.timeout (s)", seconds(h.Timeout), 2, 120)
	if timeout >= interval {
		timeout = max(2, interval-1)
		b.note("health_check.timeout: must be below the interval on AWS; exported as %d s", timeout)
	}
	dereg := 0
	if cfg.DeregistrationDelay > 0 {
		dereg = b.clamp("deregistration_delay (s)", seconds(cfg.DeregistrationDelay), 0, 3600)
	}
	tgAttrs := []cfn.KeyValue{
		{Key: "deregistration_delay.timeout_seconds", Value: fmt.Sprint(dereg)},
		{Key: "load_balancing.algorithm.type", Value: cfg.Algorithm},
	}
	if cfg.SlowStart > 0 {
		tgAttrs = append(tgAttrs, cfn.KeyValue{Key: "slow_start.duration_seconds",
			Value: fmt.Sprint(b.clamp("slow_start (s)", seconds(cfg.SlowStart), 30, 900))})
	}
	if cfg.DisableFailOpen {
		b.note("load_balancer.disable_fail_open: ALB always fails open; not exported")
	}
	if h.InitialHealthyThreshold != lb.DefaultInitialHealthyThreshold {
		b.note("health_check.initial_healthy_threshold: ALB has no such setting; not exported")
	}
	b.add(idTargetGroup, cfn.TypeTargetGroup, cfn.TargetGroup{
		Port: target.port, Protocol: "HTTP", TargetType: target.targetType, VpcId: vpcID(),
		HealthCheckEnabled: true, HealthCheckProtocol: "HTTP", HealthCheckPath: h.Path,
		HealthCheckIntervalSeconds: interval, HealthCheckTimeoutSeconds: timeout,
		HealthyThresholdCount:   b.clamp("health_check.healthy_threshold", h.HealthyThreshold, 2, 10),
		UnhealthyThresholdCount: b.clamp("health_check.unhealthy_threshold", h.UnhealthyThreshold, 2, 10),
		Matcher:                 &cfn.Matcher{HttpCode: h.Matcher},
		TargetGroupAttributes:   tgAttrs, Tags: b.namedTags("targets")})
	b.add(idListener, cfn.TypeListener, cfn.Listener{LoadBalancerArn: cfn.Ref(idALB), Port: 80, Protocol: "HTTP",
		DefaultActions: []cfn.ListenerAction{{Type: "forward", TargetGroupArn: cfn.Ref(idTargetGroup)}}})
	b.output(cfn.Sub("http://${"+idALB+".DNSName}"), "The load balancer's URL (HTTP, port 80)")
}

// albResourceLabel is the ResourceLabel of ALBRequestCountPerTarget: the load balancer's
// and the target group's full names joined by a slash.
func albResourceLabel() any {
	return cfn.Join("/", cfn.GetAtt(idALB, "LoadBalancerFullName"), cfn.GetAtt(idTargetGroup, "TargetGroupFullName"))
}
