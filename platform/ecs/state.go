package ecs

// TaskState is where a task is in its life, named as ECS names it (lastStatus).
type TaskState int

// The task states, in lifecycle order. Source: [doc] task-lifecycle-explanation.html.
const (
	// Provisioning: the task exists but has no capacity yet (no instance with room, or
	// Fargate capacity being provisioned for it).
	Provisioning TaskState = iota
	// Pending: placed; Fargate provisions its capacity, then the image is pulled.
	Pending
	// Activating: the app was started and registered with the target group; it is not
	// yet healthy.
	Activating
	// Running: healthy in the target group, serving.
	Running
	// Deactivating: deregistered from the target group, draining in-flight requests.
	Deactivating
	// Stopped: gone; its reservation is released and its billing ended.
	Stopped
)

var taskStateNames = [...]string{"PROVISIONING", "PENDING", "ACTIVATING", "RUNNING", "DEACTIVATING", "STOPPED"}

// String returns ECS's spelling.
func (s TaskState) String() string {
	if s < 0 || int(s) >= len(taskStateNames) {
		return "UNKNOWN"
	}
	return taskStateNames[s]
}
