package awsfake

import (
	"fmt"
	"math"
	"net/http"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// cloudWatchPath is where the SDK's CloudWatch client (Smithy RPC v2 CBOR) posts an
// operation: the path ends with the operation's name.
const cloudWatchPath = "/service/GraniteServiceVersion20100801/operation/"

// maxDatapoints bounds one answer's series, as GetMetricData pages at 100,800 points.
const maxDatapoints = 1440

// MetricQuery is one metric a GetMetricData call asked for.
type MetricQuery struct {
	ID, Namespace, MetricName, Stat string
	Period                          int
	Dimensions                      map[string]string
}

// MetricQueries returns every metric asked for so far, in order.
func (f *Fake) MetricQueries() []MetricQuery {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]MetricQuery(nil), f.queries...)
}

// metricDataRequest is the part of GetMetricDataInput the fake reads.
type metricDataRequest struct {
	Queries    []MetricQuery
	Start, End time.Time
}

// decodeGetMetricData reads a CBOR GetMetricDataInput. Every field it needs is checked,
// so a malformed body is an error, never a panic.
func decodeGetMetricData(body []byte) (metricDataRequest, error) {
	var req metricDataRequest
	v, err := cbor.Decode(body)
	if err != nil {
		return req, fmt.Errorf("body is not CBOR: %v", err)
	}
	m, ok := v.(cbor.Map)
	if !ok {
		return req, fmt.Errorf("body is not a CBOR map")
	}
	if req.Start, err = cborTime(m["StartTime"]); err != nil {
		return req, fmt.Errorf("StartTime: %v", err)
	}
	if req.End, err = cborTime(m["EndTime"]); err != nil {
		return req, fmt.Errorf("EndTime: %v", err)
	}
	if !req.End.After(req.Start) {
		return req, fmt.Errorf("The parameter EndTime must be greater than StartTime.")
	}
	list, ok := m["MetricDataQueries"].(cbor.List)
	if !ok || len(list) == 0 || len(list) > 500 {
		return req, fmt.Errorf("MetricDataQueries must be a list of 1 to 500 queries")
	}
	for i, item := range list {
		q, ok := item.(cbor.Map)
		if !ok {
			return req, fmt.Errorf("MetricDataQueries[%d] is not a map", i)
		}
		var mq MetricQuery
		mq.ID = cborString(q["Id"])
		if mq.ID == "" {
			return req, fmt.Errorf("MetricDataQueries[%d].Id is required", i)
		}
		stat, ok := q["MetricStat"].(cbor.Map)
		if !ok {
			return req, fmt.Errorf("MetricDataQueries[%d].MetricStat is required (this fake answers no Expression)", i)
		}
		mq.Stat = cborString(stat["Stat"])
		p, err := cbor.AsInt64(stat["Period"])
		if err != nil || p <= 0 {
			return req, fmt.Errorf("MetricDataQueries[%d].MetricStat.Period must be a positive number of seconds", i)
		}
		mq.Period = int(p)
		metric, ok := stat["Metric"].(cbor.Map)
		if !ok {
			return req, fmt.Errorf("MetricDataQueries[%d].MetricStat.Metric is required", i)
		}
		mq.Namespace, mq.MetricName = cborString(metric["Namespace"]), cborString(metric["MetricName"])
		mq.Dimensions = map[string]string{}
		dims, _ := metric["Dimensions"].(cbor.List)
		for _, d := range dims {
			if dm, ok := d.(cbor.Map); ok {
				mq.Dimensions[cborString(dm["Name"])] = cborString(dm["Value"])
			}
		}
		req.Queries = append(req.Queries, mq)
	}
	return req, nil
}

func cborString(v cbor.Value) string {
	s, _ := v.(cbor.String)
	return string(s)
}

func cborTime(v cbor.Value) (time.Time, error) {
	if v == nil {
		return time.Time{}, fmt.Errorf("is required")
	}
	return cbor.AsTime(v)
}

func (f *Fake) serveCloudWatch(w http.ResponseWriter, op string, body []byte) {
	f.count("cloudwatch:" + op)
	if op != "GetMetricData" {
		writeCBORError(w, http.StatusBadRequest, "InvalidAction", fmt.Sprintf("operation %q is not implemented by this fake", op))
		return
	}
	req, err := decodeGetMetricData(body)
	if err != nil {
		writeCBORError(w, http.StatusBadRequest, "InvalidParameterValue", err.Error())
		return
	}
	f.mu.Lock()
	f.queries = append(f.queries, req.Queries...)
	f.mu.Unlock()
	var results cbor.List
	for _, q := range req.Queries {
		var ts, vals cbor.List
		step := time.Duration(q.Period) * time.Second
		i := 0
		for t := req.Start.Truncate(step); t.Before(req.End) && i < maxDatapoints; t = t.Add(step) {
			if t.Before(req.Start) {
				continue
			}
			ts = append(ts, &cbor.Tag{ID: 1, Value: cbor.Float64(float64(t.Unix()))})
			vals = append(vals, cbor.Float64(SeriesValue(q.MetricName, i)))
			i++
		}
		results = append(results, cbor.Map{
			"Id": cbor.String(q.ID), "Label": cbor.String(q.MetricName),
			"Timestamps": ts, "Values": vals, "StatusCode": cbor.String("Complete"),
		})
	}
	writeCBOR(w, http.StatusOK, cbor.Map{"MetricDataResults": results})
}

// SeriesValue is the fake's deterministic value of metric at datapoint i, in the
// metric's own unit: a plausible level with a small repeating wave, so a reader can
// check both the level and that every point arrived.
func SeriesValue(metric string, i int) float64 {
	base := map[string]float64{
		"CPUUtilization": 40, "RequestCount": 600, "TargetResponseTime": 0.025,
		"GroupInServiceInstances": 2, "RunningTaskCount": 2, "ConcurrentExecutions": 3,
		"Duration": 20, "init_duration": 150,
	}[metric]
	if base == 0 {
		base = 1
	}
	v := base * (1 + 0.1*math.Sin(float64(i)))
	switch metric {
	case "GroupInServiceInstances", "RunningTaskCount", "ConcurrentExecutions":
		return math.Round(v) // counts
	}
	return v
}

func writeCBOR(w http.ResponseWriter, status int, v cbor.Value) {
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("Content-Type", "application/cbor")
	w.WriteHeader(status)
	w.Write(cbor.Encode(v))
}

func writeCBORError(w http.ResponseWriter, status int, code, msg string) {
	writeCBOR(w, status, cbor.Map{"__type": cbor.String(code), "message": cbor.String(msg)})
}
