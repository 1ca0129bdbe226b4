package awsrun

import (
	"os"
	"testing"

	"github.com/deploybench/deploybench/pricing"
)

// Whatever a template holds — intrinsic functions where literals are expected, wrong
// types, missing sections — reading and pricing it ends in a value or an error, never a
// panic.
func FuzzPriceTemplate(f *testing.F) {
	for _, name := range []string{"testdata/ec2.json", "testdata/lambda.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"Resources":{"G":{"Type":"AWS::AutoScaling::AutoScalingGroup","Properties":{"MaxSize":{"Ref":"P"},
		"MixedInstancesPolicy":{"LaunchTemplate":{"Overrides":[{"InstanceRequirements":{"VCpuCount":{"Min":"x"}}}]}}}}},
		"Parameters":{"P":{"Default":[1]}},"Outputs":{"EndpointURL":{}}}`))
	f.Add([]byte(`{"Resources":{"T":{"Type":"AWS::ECS::TaskDefinition","Properties":{"RequiresCompatibilities":["FARGATE"],"Cpu":"256","Memory":512}}},"Outputs":{"EndpointURL":1}}`))
	cat, err := pricing.Embedded()
	if err != nil {
		f.Fatal(err)
	}
	book, err := cat.Book("us-east-1")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tpl, err := parseTemplate("s", b)
		if err != nil {
			return
		}
		items, _, err := priceStack(Stack{Name: "s"}, tpl, map[string]any{"instance_type": "t3.micro", "max": 2}, book, 1, 100, 0)
		if err != nil {
			return
		}
		for _, it := range items {
			if it.Cost < 0 || it.Hourly < 0 {
				t.Fatalf("negative cost %+v", it)
			}
		}
	})
}
