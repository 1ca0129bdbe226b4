package queue

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/deploybench/deploybench/mnist"
)

// Job is one unit of work on the queue. Its ID is also the JetStream message ID
// (Nats-Msg-Id, so a re-published job is dropped as a duplicate) and the key of its
// completion record.
type Job struct {
	// ID is 1–64 characters of [A-Za-z0-9_-].
	ID string `json:"id"`
	// WorkMS is how long the job keeps a worker busy, in platform milliseconds.
	WorkMS int64 `json:"work_ms"`
	// BurnUS is the wall time the worker spins the CPU for it (WorkMS ÷ timescale), µs.
	BurnUS int64 `json:"burn_us"`
	// EnqueuedAt is when it was published (wall clock, Unix ns).
	EnqueuedAt int64 `json:"enqueued_at"`
	// Digit, when set, is a 28×28 grayscale image (mnist.Pixels bytes) the worker
	// classifies with the built-in SVM as part of the work; Label is its true digit.
	Digit []byte `json:"digit,omitempty"`
	Label int    `json:"label,omitempty"`
}

// Completion is the record a worker writes, once, when it finished a job.
type Completion struct {
	ID string `json:"id"`
	// Worker names the worker (its PID and port).
	Worker string `json:"worker"`
	// Deliveries is how many times JetStream delivered the job (> 1 after a redelivery).
	Deliveries uint64 `json:"deliveries"`
	// Predicted is the digit the worker read from the job's image, -1 without one;
	// Label the job's true digit.
	Predicted int `json:"predicted"`
	Label     int `json:"label"`
	// EnqueuedAt, StartedAt and DoneAt are wall-clock Unix ns.
	EnqueuedAt int64 `json:"enqueued_at"`
	StartedAt  int64 `json:"started_at"`
	DoneAt     int64 `json:"done_at"`
}

// maxBurn bounds one job's wall-clock work so a bad payload cannot wedge a worker.
const maxBurn = 10 * time.Minute

// ValidID reports whether id can name a job (and a KV key).
func ValidID(id string) error {
	if id == "" || len(id) > 64 {
		return fmt.Errorf("job id %q: must be 1–64 characters", id)
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("job id %q: %q is not allowed (use letters, digits, _ and -)", id, c)
		}
	}
	return nil
}

// DecodeJob parses and checks a job payload.
func DecodeJob(b []byte) (Job, error) {
	var j Job
	if err := json.Unmarshal(b, &j); err != nil {
		return Job{}, fmt.Errorf("job: %w", err)
	}
	if err := ValidID(j.ID); err != nil {
		return Job{}, fmt.Errorf("job: %w", err)
	}
	switch {
	case j.WorkMS < 0:
		return Job{}, fmt.Errorf("job %s: work_ms %d must not be negative", j.ID, j.WorkMS)
	case j.BurnUS < 0 || time.Duration(j.BurnUS)*time.Microsecond > maxBurn || j.BurnUS > int64(maxBurn/time.Microsecond):
		return Job{}, fmt.Errorf("job %s: burn_us %d must be in [0, %d]", j.ID, j.BurnUS, int64(maxBurn/time.Microsecond))
	case len(j.Digit) != 0 && len(j.Digit) != mnist.Pixels:
		return Job{}, fmt.Errorf("job %s: digit has %d bytes, want %d (28×28)", j.ID, len(j.Digit), mnist.Pixels)
	case j.Label < 0 || j.Label >= mnist.Classes:
		return Job{}, fmt.Errorf("job %s: label %d is not a digit 0–9", j.ID, j.Label)
	}
	if len(j.Digit) == 0 {
		j.Digit = nil
	}
	return j, nil
}

// Encode returns the job's payload.
func (j Job) Encode() []byte {
	b, _ := json.Marshal(j) // plain fields: cannot fail
	return b
}

// Burn returns the wall time the job's work takes.
func (j Job) Burn() time.Duration { return time.Duration(j.BurnUS) * time.Microsecond }
