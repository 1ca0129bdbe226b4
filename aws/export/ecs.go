package export

import (
	"fmt"
	"sort"
	"time"

	"github.com/deploybench/deploybench/aws/cfn"
	"github.com/deploybench/deploybench/platform/ecs"
)

// Logical IDs of the ECS resources.
const (
	idCluster        = "Cluster"
	idTaskDef        = "TaskDefinition"
	idExecRole       = "TaskExecutionRole"
	idLogGroup       = "LogGroup"
	idService        = "Service"
	idScalableTarget = "ServiceScalableTarget"
	containerName    = "app"
)

// ecsHealthPath points the target group's health check at the app's health path unless
// the settings set one, as the runner does: the decoded config already holds the ALB
// default ("/"), so the settings themselves are consulted.
func (b *builder) ecsHealthPath(c *ecs.ServiceConfig) {
	var probe struct {
		LoadBalancer struct {
			HealthCheck struct {
				Path string `yaml:"path"`
			} `yaml:"health_check"`
		} `yaml:"load_balancer"`
	}
	if b.p.Settings.Kind != 0 {
		_ = b.p.Settings.Decode(&probe)
	}
	if probe.LoadBalancer.HealthCheck.Path == "" {
		c.LoadBalancer.HealthCheck.Path = b.sc.App.HealthPath
	}
}

// cluster adds the ECS cluster with Container Insights on: it publishes the running task
// count a run reads back (billed as custom metrics).
func (b *builder) cluster() {
	b.add(idCluster, cfn.TypeCluster, cfn.Cluster{
		ClusterSettings: []cfn.NameValue{{Name: "containerInsights", Value: "enabled"}},
		Tags:            b.tags()})
}

// taskDefinition adds the task definition of the app (awsvpc networking), its log group
// and its execution role, which may only pull the image and write to that log group.
func (b *builder) taskDefinition(c ecs.ServiceConfig, compat, arch string) {
	b.logGroup(idLogGroup)
	b.role(idExecRole, "ecs-tasks.amazonaws.com", "ECS task execution: pull the app image, write its logs", nil,
		ecrPull(), logWrite(idLogGroup))
	// HOST: the built-in image listens on loopback unless told otherwise, and the ALB
	// reaches a task on its own address.
	env := []cfn.NameValue{{Name: "HOST", Value: "0.0.0.0"}, {Name: "PORT", Value: cfn.Ref(ParamAppPort)}}
	for _, k := range sortedKeys(b.sc.App.Env) {
		env = append(env, cfn.NameValue{Name: k, Value: b.sc.App.Env[k]})
	}
	td := cfn.TaskDefinition{
		RequiresCompatibilities: []string{compat}, NetworkMode: "awsvpc",
		Cpu: fmt.Sprint(int(c.CPU*1024 + 0.5)), Memory: fmt.Sprint(c.TaskMemoryMiB()),
		ExecutionRoleArn: cfn.GetAtt(idExecRole, "Arn"),
		ContainerDefinitions: []cfn.ContainerDefinition{{
			Name: containerName, Image: cfn.Ref(ParamImageURI), Essential: true,
			PortMappings: []cfn.PortMapping{{ContainerPort: cfn.Ref(ParamAppPort), Protocol: "tcp"}},
			Environment:  env,
			LogConfiguration: &cfn.LogConfiguration{LogDriver: "awslogs", Options: map[string]any{
				"awslogs-group": cfn.Ref(idLogGroup), "awslogs-region": cfn.Ref(cfn.Region), "awslogs-stream-prefix": "app"}},
		}},
		Tags: b.tags(),
	}
	if arch != "" {
		td.RuntimePlatform = &cfn.RuntimePlatform{OperatingSystemFamily: "LINUX", CpuArchitecture: map[string]string{"arm64": "ARM64"}[arch]}
		if td.RuntimePlatform.CpuArchitecture == "" {
			td.RuntimePlatform.CpuArchitecture = "X86_64"
		}
	}
	b.add(idTaskDef, cfn.TypeTaskDefinition, td)
	b.t.Outputs[OutputLogGroup] = cfn.Output{Description: "The log group of the app's containers", Value: cfn.Ref(idLogGroup)}
	b.t.Outputs[OutputCluster] = cfn.Output{Description: "The ECS cluster", Value: cfn.Ref(idCluster)}
	if c.StopGrace != ecs.DefaultStopGrace {
		b.note("stop_grace: the container's stopTimeout is left at ECS's default (30 s)")
	}
}

// serviceSpec is how a service is placed.
type serviceSpec struct {
	launchType     string                     // FARGATE, or "" with a capacity provider strategy
	strategy       []cfn.CapacityProviderItem // capacity providers
	placement      string                     // binpack or spread (EC2 capacity only)
	assignPublicIP bool                       // Fargate tasks in public subnets pull images through their public address
	dependsOn      []string
}

// service adds the ECS service behind the ALB and its auto scaling.
func (b *builder) service(c ecs.ServiceConfig, s serviceSpec) {
	svc := cfn.Service{
		Cluster: cfn.Ref(idCluster), TaskDefinition: cfn.Ref(idTaskDef), DesiredCount: cfn.Int(c.Desired),
		LaunchType: s.launchType, CapacityProviderStrategy: s.strategy,
		LoadBalancers: []cfn.ServiceLoadBalancer{{TargetGroupArn: cfn.Ref(idTargetGroup), ContainerName: containerName, ContainerPort: cfn.Ref(ParamAppPort)}},
		NetworkConfiguration: &cfn.NetworkConfiguration{AwsvpcConfiguration: cfn.AwsvpcConfiguration{
			Subnets: subnetIDs(), SecurityGroups: []any{cfn.GetAtt(idTargetSG, "GroupId")}}},
		HealthCheckGracePeriodSeconds: cfn.Int(seconds(c.HealthCheckGracePeriod)),
		PropagateTags:                 "SERVICE", EnableECSManagedTags: true,
		Tags: b.tags(),
	}
	if s.assignPublicIP {
		svc.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp = "ENABLED"
	}
	switch s.placement {
	case ecs.Binpack:
		svc.PlacementStrategies = []cfn.PlacementStrategy{{Type: "binpack", Field: "cpu"}}
	case ecs.Spread:
		svc.PlacementStrategies = []cfn.PlacementStrategy{{Type: "spread", Field: "instanceId"}}
	}
	// The target group must belong to a load balancer (the listener) before the service
	// registers tasks in it.
	b.add(idService, cfn.TypeService, svc, append([]string{idListener}, s.dependsOn...)...)
	b.t.Outputs[OutputService] = cfn.Output{Description: "The ECS service's name", Value: cfn.GetAtt(idService, "Name")}
	if c.Monitoring == ecs.MonitoringHighResolution {
		b.note("monitoring: high_resolution: ECS service metrics have 1-minute resolution; exported as 1-minute target tracking")
	}
	if c.DisableScaling {
		return
	}
	b.add(idScalableTarget, cfn.TypeScalableTarget, cfn.ScalableTarget{
		ServiceNamespace: "ecs", ScalableDimension: "ecs:service:DesiredCount",
		ResourceId:  cfn.Join("/", "service", cfn.Ref(idCluster), cfn.GetAtt(idService, "Name")),
		MinCapacity: c.Min, MaxCapacity: c.Max})
	for i, p := range c.Policies {
		metric := &cfn.PredefinedMetric{PredefinedMetricType: "ECSServiceAverageCPUUtilization"}
		if p.Metric == ecs.MetricRequestCountPerTarget {
			metric = &cfn.PredefinedMetric{PredefinedMetricType: "ALBRequestCountPerTarget", ResourceLabel: albResourceLabel()}
		}
		if p.Period != 0 && p.Period != time.Minute {
			b.note("policies[%d].period: target tracking on predefined metrics uses 1-minute data; %v not exported", i, p.Period)
		}
		b.add(fmt.Sprintf("ServiceScalingPolicy%d", i), cfn.TypeAppScalingPolicy, cfn.AppScalingPolicy{
			PolicyName: sanitize(p.Name, 64), PolicyType: "TargetTrackingScaling",
			ScalingTargetId: cfn.Ref(idScalableTarget),
			TargetTrackingScalingPolicyConfiguration: &cfn.AppTargetTracking{TargetValue: p.Target, PredefinedMetricSpecification: metric,
				ScaleInCooldown: cfn.Int(seconds(c.ScaleInCooldown)), ScaleOutCooldown: cfn.Int(seconds(c.ScaleOutCooldown)),
				DisableScaleIn: p.DisableScaleIn}})
	}
}

// sortedKeys returns m's keys in order, so that templates do not depend on map order.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
