package awsrun

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudformation"
	cfntypes "github.com/aws/aws-sdk-go-v2/service/cloudformation/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
)

// metricPeriod is the period the run reads metrics at: AWS service metrics have 1-minute
// resolution (CloudWatch docs, "Metrics concepts").
const metricPeriod = 60

// MetricSeries is one CloudWatch series read back after the load.
type MetricSeries struct {
	// Resource is the stack resource the metric belongs to.
	Resource   string            `json:"resource"`
	Namespace  string            `json:"namespace"`
	Metric     string            `json:"metric"`
	Stat       string            `json:"stat"`
	Dimensions map[string]string `json:"dimensions"`
	Period     int               `json:"period_s"`
	Timestamps []time.Time       `json:"timestamps"`
	Values     []float64         `json:"values"`
}

// CloudWatchData is what a platform's cloudwatch.json holds.
type CloudWatchData struct {
	Start  time.Time      `json:"start"`
	End    time.Time      `json:"end"`
	Series []MetricSeries `json:"series"`
	// Notes say which metrics need a feature the template may not enable.
	Notes []string `json:"notes,omitempty"`
}

// metricsFor lists the metrics to read for a stack's resources, with the dimensions
// CloudWatch names them by, derived from the physical resource IDs.
func metricsFor(res []cfntypes.StackResource) []MetricSeries {
	var out []MetricSeries
	add := func(r cfntypes.StackResource, ns, metric, stat string, dims map[string]string) {
		out = append(out, MetricSeries{Resource: aws.ToString(r.LogicalResourceId), Namespace: ns, Metric: metric, Stat: stat, Dimensions: dims, Period: metricPeriod})
	}
	for _, r := range res {
		phys := aws.ToString(r.PhysicalResourceId)
		if phys == "" {
			continue
		}
		switch aws.ToString(r.ResourceType) {
		case "AWS::AutoScaling::AutoScalingGroup":
			d := map[string]string{"AutoScalingGroupName": phys}
			add(r, "AWS/AutoScaling", "GroupInServiceInstances", "Average", d)
			add(r, "AWS/EC2", "CPUUtilization", "Average", d)
		case "AWS::EC2::Instance":
			add(r, "AWS/EC2", "CPUUtilization", "Average", map[string]string{"InstanceId": phys})
		case "AWS::ElasticLoadBalancingV2::LoadBalancer":
			_, lb, ok := strings.Cut(phys, ":loadbalancer/")
			if !ok {
				continue
			}
			d := map[string]string{"LoadBalancer": lb}
			add(r, "AWS/ApplicationELB", "RequestCount", "Sum", d)
			add(r, "AWS/ApplicationELB", "TargetResponseTime", "Average", d)
			add(r, "AWS/ApplicationELB", "TargetResponseTime", "p95", d)
		case "AWS::ECS::Service":
			// arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/SERVICE
			_, rest, ok := strings.Cut(phys, ":service/")
			cluster, svc, ok2 := strings.Cut(rest, "/")
			if !ok || !ok2 {
				continue
			}
			d := map[string]string{"ClusterName": cluster, "ServiceName": svc}
			add(r, "ECS/ContainerInsights", "RunningTaskCount", "Average", d)
			add(r, "AWS/ECS", "CPUUtilization", "Average", d)
		case "AWS::Lambda::Function":
			add(r, "AWS/Lambda", "ConcurrentExecutions", "Maximum", map[string]string{"FunctionName": phys})
			add(r, "AWS/Lambda", "Duration", "Average", map[string]string{"FunctionName": phys})
			add(r, "AWS/Lambda", "Duration", "p95", map[string]string{"FunctionName": phys})
			add(r, "LambdaInsights", "init_duration", "Average", map[string]string{"function_name": phys})
		}
	}
	return out
}

// readMetrics reads the stack's metrics over [start, end] with GetMetricData.
func readMetrics(ctx context.Context, c Clients, stackID string, start, end time.Time) (CloudWatchData, error) {
	// Whole minutes around the load, so the first and last partial minutes are included.
	data := CloudWatchData{Start: start.Truncate(time.Minute), End: end.Truncate(time.Minute).Add(time.Minute)}
	sr, err := c.CloudFormation.DescribeStackResources(ctx, &cloudformation.DescribeStackResourcesInput{StackName: aws.String(stackID)})
	if err != nil {
		return data, fmt.Errorf("DescribeStackResources: %w", err)
	}
	data.Series = metricsFor(sr.StackResources)
	if len(data.Series) == 0 {
		return data, nil
	}
	in := &cloudwatch.GetMetricDataInput{StartTime: aws.Time(data.Start), EndTime: aws.Time(data.End)}
	for i, s := range data.Series {
		var dims []cwtypes.Dimension
		for _, k := range sortedKeys(s.Dimensions) {
			dims = append(dims, cwtypes.Dimension{Name: aws.String(k), Value: aws.String(s.Dimensions[k])})
		}
		in.MetricDataQueries = append(in.MetricDataQueries, cwtypes.MetricDataQuery{Id: aws.String(fmt.Sprintf("m%d", i)),
			MetricStat: &cwtypes.MetricStat{Period: aws.Int32(metricPeriod), Stat: aws.String(s.Stat),
				Metric: &cwtypes.Metric{Namespace: aws.String(s.Namespace), MetricName: aws.String(s.Metric), Dimensions: dims}}})
	}
	for {
		out, err := c.CloudWatch.GetMetricData(ctx, in)
		if err != nil {
			return data, fmt.Errorf("GetMetricData: %w", err)
		}
		for _, r := range out.MetricDataResults {
			var i int
			if _, err := fmt.Sscanf(aws.ToString(r.Id), "m%d", &i); err != nil || i < 0 || i >= len(data.Series) {
				continue
			}
			data.Series[i].Timestamps = append(data.Series[i].Timestamps, r.Timestamps...)
			data.Series[i].Values = append(data.Series[i].Values, r.Values...)
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	for _, s := range data.Series {
		if len(s.Values) == 0 && (s.Namespace == "ECS/ContainerInsights" || s.Namespace == "LambdaInsights" || s.Namespace == "AWS/AutoScaling") {
			data.Notes = append(data.Notes, fmt.Sprintf("%s %s: no data (needs Container Insights, Lambda Insights or group metrics collection enabled)", s.Namespace, s.Metric))
		}
	}
	return data, nil
}

// summarise turns the series into the row's peak capacity and a short note.
func summarise(d CloudWatchData) (peak int, note string) {
	var parts []string
	for _, s := range d.Series {
		if len(s.Values) == 0 {
			continue
		}
		mean, hi := 0.0, math.Inf(-1)
		for _, v := range s.Values {
			mean += v / float64(len(s.Values))
			hi = math.Max(hi, v)
		}
		switch s.Metric {
		case "GroupInServiceInstances", "RunningTaskCount", "ConcurrentExecutions":
			peak = max(peak, int(math.Round(hi)))
			parts = append(parts, fmt.Sprintf("%s max %g", s.Metric, math.Round(hi*10)/10))
		case "CPUUtilization":
			what := "instance CPU"
			if s.Namespace == "AWS/ECS" {
				what = "service CPU"
			}
			parts = append(parts, fmt.Sprintf("%s mean %.1f%%", what, mean))
		case "RequestCount":
			total := 0.0
			for _, v := range s.Values {
				total += v
			}
			parts = append(parts, fmt.Sprintf("ALB requests %.0f", total))
		case "TargetResponseTime":
			parts = append(parts, fmt.Sprintf("target response time %s %.1f ms", statName(s.Stat), mean*1000))
		case "Duration":
			parts = append(parts, fmt.Sprintf("Lambda duration %s %.1f ms", statName(s.Stat), mean))
		case "init_duration":
			parts = append(parts, fmt.Sprintf("init duration mean %.1f ms", mean))
		}
	}
	if len(parts) == 0 {
		return peak, ""
	}
	return peak, "CloudWatch: " + strings.Join(parts, ", ")
}

func statName(s string) string {
	if s == "Average" {
		return "mean"
	}
	return s
}

// lambdaSeconds is the mean Lambda duration CloudWatch measured, in seconds, or 0.
func lambdaSeconds(d CloudWatchData) float64 {
	for _, s := range d.Series {
		if s.Namespace == "AWS/Lambda" && s.Metric == "Duration" && s.Stat == "Average" && len(s.Values) > 0 {
			sum := 0.0
			for _, v := range s.Values {
				sum += v
			}
			return sum / float64(len(s.Values)) / 1000
		}
	}
	return 0
}
