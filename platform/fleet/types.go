package fleet

import "fmt"

// TypeSpec is what the lifecycle needs to know about an EC2 instance type.
type TypeSpec struct {
	Name      string
	VCPU      float64
	MemoryMiB int
	// Burstable marks T types, which run on CPU credits.
	Burstable bool
}

// types are the instance types of the reference studies and their neighbours, from the
// EC2 instance type pages (docs.aws.amazon.com/ec2/latest/instancetypes/). TODO: look
// types up in the pricing catalog (1,363 types) once the runner passes it in; until then
// the platform configs accept vcpu and memory_mib for any other type.
var types = map[string]TypeSpec{
	"t2.micro":   {"t2.micro", 1, 1024, true},
	"t2.small":   {"t2.small", 1, 2048, true},
	"t2.medium":  {"t2.medium", 2, 4096, true},
	"t2.large":   {"t2.large", 2, 8192, true},
	"t2.xlarge":  {"t2.xlarge", 4, 16384, true},
	"t3.micro":   {"t3.micro", 2, 1024, true},
	"t3.small":   {"t3.small", 2, 2048, true},
	"t3.medium":  {"t3.medium", 2, 4096, true},
	"t3.large":   {"t3.large", 2, 8192, true},
	"t3.xlarge":  {"t3.xlarge", 4, 16384, true},
	"t3a.small":  {"t3a.small", 2, 2048, true},
	"t3a.medium": {"t3a.medium", 2, 4096, true},
	"t3a.large":  {"t3a.large", 2, 8192, true},
	"t3a.xlarge": {"t3a.xlarge", 4, 16384, true},
	"m4.large":   {"m4.large", 2, 8192, false},
	"m4.xlarge":  {"m4.xlarge", 4, 16384, false},
	"m5.large":   {"m5.large", 2, 8192, false},
	"m5.xlarge":  {"m5.xlarge", 4, 16384, false},
	"m6i.large":  {"m6i.large", 2, 8192, false},
	"c5.large":   {"c5.large", 2, 4096, false},
	"c5.xlarge":  {"c5.xlarge", 4, 8192, false},
	"c6i.large":  {"c6i.large", 2, 4096, false},
	"g5.xlarge":  {"g5.xlarge", 4, 16384, false},
}

// LookupType returns the spec of a known instance type; vcpu and memMiB, when non-zero,
// override the table (and are required for a type it does not list).
func LookupType(name string, vcpu float64, memMiB int) (TypeSpec, error) {
	t, ok := types[name]
	if !ok {
		t = TypeSpec{Name: name}
	}
	if vcpu > 0 {
		t.VCPU = vcpu
	}
	if memMiB > 0 {
		t.MemoryMiB = memMiB
	}
	if t.VCPU <= 0 {
		return t, fmt.Errorf("%q is not in the built-in type table: set vcpu and memory_mib for it", name)
	}
	return t, nil
}
