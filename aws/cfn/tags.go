package cfn

// Tag is a resource tag in the array form most resource types use.
type Tag struct {
	Key   string `json:"Key"`
	Value any    `json:"Value"`
}

// ASGTag is an Auto Scaling group tag; PropagateAtLaunch copies it to the instances.
type ASGTag struct {
	Key               string `json:"Key"`
	Value             any    `json:"Value"`
	PropagateAtLaunch bool   `json:"PropagateAtLaunch"`
}

// TagSpecification tags what a launch template launches (ResourceType "instance",
// "volume", "network-interface") or the launch template itself ("launch-template").
type TagSpecification struct {
	ResourceType string `json:"ResourceType"`
	Tags         []Tag  `json:"Tags"`
}

// KeyValue is a Key/Value pair of load balancer and target group attributes.
type KeyValue struct {
	Key   string `json:"Key"`
	Value any    `json:"Value"`
}

// NameValue is a Name/Value pair (ECS environment variables, alarm dimensions).
type NameValue struct {
	Name  string `json:"Name"`
	Value any    `json:"Value"`
}
