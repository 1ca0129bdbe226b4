package export

import (
	"fmt"
	"time"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/asg"
	"github.com/deploybench/deploybench/platform/autoscale"
	"github.com/deploybench/deploybench/scenario"
)

func init() { builders["asg"] = buildASG }

const idGroup = "AutoScalingGroup"

// buildASG exports an asg platform: a launch template, an Auto Scaling group behind an
// ALB, and the scenario's scaling policies (with CloudWatch alarms for step and simple
// policies).
func buildASG(b *builder) error {
	var cfg asg.Config
	if err := scenario.DecodeStrict(&b.p.Settings, &cfg); err != nil {
		return err
	}
	if cfg.LoadBalancer.HealthCheck.Path == "" {
		// As the runner does: the ALB's default path is "/", but the app says where its
		// health is.
		cfg.LoadBalancer.HealthCheck.Path = b.sc.App.HealthPath
	}
	if err := sizeTemplate(&cfg.LaunchTemplate); err != nil {
		return err
	}
	cfg = cfg.WithDefaults()
	if err := cfg.Validate(); err != nil {
		return err
	}
	b.network()
	b.amiParameter(instanceInfo(cfg.InstanceType).Arch, false)
	b.archNote(instanceInfo(cfg.InstanceType).Arch)
	b.instanceRole(false)
	b.alb(cfg.LoadBalancer, cfg.FrontDoor, albTarget{targetType: "instance", port: hostPort})
	spot := b.purchase(cfg.Purchase)
	b.launchTemplate(ltSpec{instanceType: cfg.InstanceType, creditMode: cfg.CreditMode,
		monitoring: cfg.Monitoring != asg.MonitoringBasic, userData: b.dockerUserData(),
		publicSG: cfn.GetAtt(idTargetSG, "GroupId")})
	if cfg.Monitoring == asg.MonitoringHighResolution {
		b.note("monitoring: high_resolution: EC2 publishes CPU at 1-minute resolution at best; exported as detailed monitoring")
	}
	group := cfn.AutoScalingGroup{
		MinSize: fmt.Sprint(cfg.Min), MaxSize: fmt.Sprint(cfg.Max), DesiredCapacity: fmt.Sprint(cfg.Desired),
		VPCZoneIdentifier: subnetIDs(), TargetGroupARNs: []any{cfn.Ref(idTargetGroup)},
		HealthCheckType: cfg.HealthCheckType, HealthCheckGracePeriod: cfn.Int(seconds(cfg.HealthCheckGracePeriod)),
		// Group metrics (in-service, pending, desired instances) at 1 minute: free, and
		// what a run reads back to count instances.
		MetricsCollection: []cfn.MetricsCollection{{Granularity: "1Minute"}},
		Tags:              b.asgTags(),
	}
	if cfg.DefaultInstanceWarmup > 0 {
		group.DefaultInstanceWarmup = cfn.Int(seconds(cfg.DefaultInstanceWarmup))
	}
	if spot {
		group.MixedInstancesPolicy = spotPolicy([]cfn.LaunchTemplateOverride{{InstanceType: cfg.InstanceType}})
	} else {
		lt := ltRef()
		group.LaunchTemplate = &lt
	}
	// The target group must belong to the load balancer (the listener) before instances
	// register in it and before a request-count policy names it.
	b.add(idGroup, cfn.TypeAutoScalingGroup, group, idInternetReady, idListener)
	if cfg.DisableScaling {
		return nil
	}
	for i, p := range cfg.Policies {
		b.asgPolicy(i, p, cfg.MetricPeriod())
	}
	return nil
}

// asgPolicy adds one scaling policy; step and simple policies get their alarm.
func (b *builder) asgPolicy(i int, p asg.PolicyConfig, monitoringPeriod time.Duration) {
	id := fmt.Sprintf("ScalingPolicy%d", i)
	pol := cfn.ScalingPolicy{AutoScalingGroupName: cfn.Ref(idGroup)}
	switch p.Type {
	case asg.PolicyTargetTracking:
		pol.PolicyType = "TargetTrackingScaling"
		pol.TargetTrackingConfiguration = &cfn.TargetTrackingConfig{TargetValue: p.Target, DisableScaleIn: p.DisableScaleIn,
			PredefinedMetricSpecification: asgMetric(p.Metric)}
		if p.Period != 0 && p.Period != time.Minute {
			b.note("policies[%d].period: target tracking on predefined metrics uses 1-minute data; %v not exported", i, p.Period)
		}
		b.add(id, cfn.TypeScalingPolicy, pol)
		return
	case asg.PolicyStep:
		pol.PolicyType = "StepScaling"
		pol.MetricAggregationType = "Average"
		for _, s := range p.Steps {
			pol.StepAdjustments = append(pol.StepAdjustments, cfn.StepAdjustment{
				MetricIntervalLowerBound: s.Lower, MetricIntervalUpperBound: s.Upper, ScalingAdjustment: s.Adjustment})
		}
	case asg.PolicySimple:
		pol.PolicyType = "SimpleScaling"
		pol.ScalingAdjustment = cfn.Int(p.Adjustment)
		cooldown := p.Cooldown
		if cooldown == 0 {
			cooldown = autoscale.AWSDefaults().SimpleCooldown
		}
		pol.Cooldown = fmt.Sprint(seconds(cooldown))
	}
	pol.AdjustmentType = adjustmentTypes[p.AdjustmentType]
	if p.AdjustmentType == "percent_change_in_capacity" && p.MinAdjustmentMagnitude > 0 {
		pol.MinAdjustmentMagnitude = p.MinAdjustmentMagnitude
	}
	b.add(id, cfn.TypeScalingPolicy, pol)

	period := p.Period
	if period == 0 {
		period = monitoringPeriod
	}
	if period < time.Minute {
		b.note("policies[%d]: alarm period %v: EC2 and ALB metrics have 1-minute resolution at best; exported as 60 s", i, period)
		period = time.Minute
	}
	eval := max(p.EvaluationPeriods, 1)
	alarm := cfn.Alarm{
		AlarmDescription: fmt.Sprintf("deploybench %s policy %s", p.Type, p.Name),
		Period:           seconds(period), EvaluationPeriods: eval, DatapointsToAlarm: p.DatapointsToAlarm,
		Threshold: p.Threshold, ComparisonOperator: comparisons[p.Comparison],
		// Missing data does not scale, as in the model ([doc] missing data → no action).
		TreatMissingData: "missing",
		AlarmActions:     []any{cfn.Ref(id)}, Tags: b.tags(),
	}
	if p.Metric == asg.MetricRequestCountPerTarget {
		alarm.Namespace, alarm.MetricName, alarm.Statistic = "AWS/ApplicationELB", "RequestCountPerTarget", "Sum"
		alarm.Dimensions = []cfn.NameValue{{Name: "TargetGroup", Value: cfn.GetAtt(idTargetGroup, "TargetGroupFullName")}}
	} else {
		alarm.Namespace, alarm.MetricName, alarm.Statistic = "AWS/EC2", "CPUUtilization", "Average"
		alarm.Dimensions = []cfn.NameValue{{Name: "AutoScalingGroupName", Value: cfn.Ref(idGroup)}}
	}
	b.add(fmt.Sprintf("ScalingAlarm%d", i), cfn.TypeAlarm, alarm)
}

// asgMetric is the predefined metric of a target tracking policy.
func asgMetric(metric string) *cfn.PredefinedMetric {
	if metric == asg.MetricRequestCountPerTarget {
		return &cfn.PredefinedMetric{PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: albResourceLabel()}
	}
	return &cfn.PredefinedMetric{PredefinedMetricType: "ASGAverageCPUUtilization"}
}

var adjustmentTypes = map[string]string{
	"change_in_capacity": "ChangeInCapacity", "exact_capacity": "ExactCapacity",
	"percent_change_in_capacity": "PercentChangeInCapacity",
}

var comparisons = map[string]string{
	">": "GreaterThanThreshold", ">=": "GreaterThanOrEqualToThreshold",
	"<": "LessThanThreshold", "<=": "LessThanOrEqualToThreshold",
}
