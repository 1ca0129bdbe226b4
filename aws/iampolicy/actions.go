package iampolicy

// PushActions are the ECR actions `docker push` needs beyond the SDK calls: the engine
// speaks the registry API, which IAM authorises per action (ECR user guide, "Required
// IAM permissions for pushing an image").
var PushActions = []string{
	"ecr:BatchCheckLayerAvailability",
	"ecr:InitiateLayerUpload",
	"ecr:UploadLayerPart",
	"ecr:CompleteLayerUpload",
	"ecr:PutImage",
}

// StackActions are a sample of what CloudFormation does with the caller's credentials
// while it creates and deletes the six platforms' stacks (no service role is passed):
// one create and one delete per resource family the templates use, plus passing roles.
// The policy's statements list the full sets.
var StackActions = []string{
	"ec2:CreateVpc", "ec2:RunInstances", "ec2:TerminateInstances", "ec2:CreateLaunchTemplate",
	"ec2:AuthorizeSecurityGroupIngress", "ec2:DescribeSubnets",
	"elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:DeleteTargetGroup",
	"autoscaling:CreateAutoScalingGroup", "autoscaling:PutScalingPolicy",
	"application-autoscaling:RegisterScalableTarget",
	"ecs:CreateCluster", "ecs:CreateCapacityProvider", "ecs:RegisterTaskDefinition", "ecs:CreateService",
	"lambda:CreateFunction", "lambda:PublishVersion", "lambda:AddPermission",
	"apigateway:POST", "apigateway:DELETE",
	"cloudwatch:PutMetricAlarm", "logs:CreateLogGroup", "ssm:GetParameters",
	"iam:CreateRole", "iam:PassRole", "iam:CreateInstanceProfile",
}
