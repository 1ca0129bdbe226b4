package awsfake

import (
	"testing"
	"time"

	"github.com/aws/smithy-go/encoding/cbor"
)

// The decoders read what a client sends; whatever it sends, they answer or err, never panic.
func FuzzDecodeGetMetricData(f *testing.F) {
	t0 := &cbor.Tag{ID: 1, Value: cbor.Float64(float64(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Unix()))}
	t1 := &cbor.Tag{ID: 1, Value: cbor.Uint(uint64(time.Date(2026, 1, 1, 1, 0, 0, 0, time.UTC).Unix()))}
	f.Add(cbor.Encode(cbor.Map{"StartTime": t0, "EndTime": t1, "MetricDataQueries": cbor.List{cbor.Map{
		"Id": cbor.String("a"), "MetricStat": cbor.Map{"Period": cbor.Uint(60), "Stat": cbor.String("Average"),
			"Metric": cbor.Map{"Namespace": cbor.String("AWS/EC2"), "MetricName": cbor.String("CPUUtilization")}}}}}))
	f.Add([]byte{0xa0})
	f.Add([]byte("not cbor"))
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := decodeGetMetricData(b)
		if err == nil && (len(req.Queries) == 0 || !req.End.After(req.Start)) {
			t.Fatalf("accepted an unusable request: %+v", req)
		}
	})
}

func FuzzParseTemplate(f *testing.F) {
	f.Add(`{"Resources":{"A":{"Type":"AWS::EC2::Instance"}}}`)
	f.Add(`{"Resources":{}}`)
	f.Add(`{"Parameters":{"P":{"Default":1}},"Resources":{"A":{"Type":"AWS::X"}}}`)
	f.Fuzz(func(t *testing.T, body string) {
		tpl, err := parseTemplate(body)
		if err == nil && len(tpl.Resources) == 0 {
			t.Fatal("accepted a template without resources")
		}
	})
}
