package server

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// pixelsJSON returns a JSON array of n copies of v.
func pixelsJSON(n int, v string) string {
	return "[" + strings.TrimSuffix(strings.Repeat(v+",", n), ",") + "]"
}

func TestDecodeJSONPixels(t *testing.T) {
	ok784 := pixelsJSON(Pixels, "0.5")
	tests := []struct {
		name    string
		body    string
		images  int
		batch   bool
		first   float32 // expected first pixel of the first image
		wantErr string
	}{
		{"pixels 0-1", `{"pixels":` + ok784 + `}`, 1, false, 0.5, ""},
		{"pixels 0-255", `{"pixels":` + pixelsJSON(Pixels, "255") + `}`, 1, false, 1, ""},
		{"whitespace and exponent", " {\n\t\"pixels\" : " + pixelsJSON(Pixels, "5e-1") + " }\r\n", 1, false, 0.5, ""},
		{"escaped key", `{"pi\u0078els":` + ok784 + `}`, 1, false, 0.5, ""},
		{"batch", `{"batch":[` + ok784 + `,` + pixelsJSON(Pixels, "0") + `]}`, 2, true, 0.5, ""},
		{"empty object", `{}`, 0, false, 0, `no "pixels" or "batch"`},
		{"unknown field", `{"pixel":[1]}`, 0, false, 0, `unknown JSON field "pixel"`},
		{"both fields", `{"pixels":` + ok784 + `,"batch":[` + ok784 + `]}`, 0, false, 0, "exactly one"},
		{"too few", `{"pixels":[0,1,0]}`, 0, false, 0, "has 3 values, want 784"},
		{"too many", `{"pixels":` + pixelsJSON(Pixels+1, "0") + `}`, 0, false, 0, "more than 784"},
		{"negative", `{"pixels":[-1]}`, 0, false, 0, "out of range"},
		{"above 255", `{"pixels":[256]}`, 0, false, 0, "out of range"},
		{"huge", `{"pixels":[1e400]}`, 0, false, 0, "out of range"},
		{"NaN", `{"pixels":[NaN]}`, 0, false, 0, "expected a number"},
		{"string value", `{"pixels":["1"]}`, 0, false, 0, "expected a number"},
		{"not an array", `{"pixels":5}`, 0, false, 0, "must be an array"},
		{"nested wrong", `{"batch":` + ok784 + `}`, 0, false, 0, `"batch"[0] must be an array`},
		{"empty batch", `{"batch":[]}`, 0, false, 0, "empty"},
		{"array top level", `[1,2]`, 0, false, 0, "expected a JSON object"},
		{"trailing data", `{"pixels":` + ok784 + `} x`, 0, false, 0, "unexpected data"},
		{"truncated", `{"pixels":[0.5,`, 0, false, 0, "expected a number"},
		{"bad number", `{"pixels":[01]}`, 0, false, 0, "expected ','"},
		{"dot without digits", `{"pixels":[1.]}`, 0, false, 0, "digit after '.'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			imgs, batch, err := decodeJSONPixels([]byte(tt.body), 4)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(imgs) != tt.images || batch != tt.batch {
				t.Fatalf("%d images, batch %v; want %d, %v", len(imgs), batch, tt.images, tt.batch)
			}
			if imgs[0][0] != tt.first {
				t.Errorf("first pixel %v, want %v", imgs[0][0], tt.first)
			}
		})
	}
}

func TestDecodeJSONBatchLimit(t *testing.T) {
	body := `{"batch":[` + strings.TrimSuffix(strings.Repeat(pixelsJSON(Pixels, "0")+",", 3), ",") + `]}`
	if _, _, err := decodeJSONPixels([]byte(body), 2); err == nil || !strings.Contains(err.Error(), "more than 2 images") {
		t.Fatalf("err = %v, want the batch limit", err)
	}
}

func TestDecodeJSONNumbersAgreeWithStrconv(t *testing.T) {
	for _, s := range []string{"0", "1", "0.5", "0.25", "255", "254.999", "1e2", "1E+2", "2.5e-1", "0.000001", "123.456e-1", "0.1234567890123456789012"} {
		p := jsonParser{b: []byte(s)}
		got, err := p.number()
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		var want float64
		_ = json.Unmarshal([]byte(s), &want)
		if float32(got) != float32(want) {
			t.Errorf("%s = %v, want %v", s, got, want)
		}
	}
}

// FuzzDecodeJSON checks that the pixel parser never panics, that whatever it accepts is
// valid JSON and yields well-formed model inputs, and that encoding/json's rendering of
// an accepted body decodes to the same values.
func FuzzDecodeJSON(f *testing.F) {
	f.Add([]byte(`{"pixels":` + pixelsJSON(Pixels, "0.5") + `}`))
	f.Add([]byte(`{"batch":[` + pixelsJSON(Pixels, "7") + `]}`))
	f.Add([]byte(`{"pixels":[1e400]}`))
	f.Add([]byte(`{"pi\u0078els":[]}`))
	f.Add([]byte(`{"pixels":[-0.0,1E-3]`))
	f.Add([]byte(`[{"pixels":[0]}]`))
	f.Add([]byte(`{"batch":[[],[1,2,3]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		imgs, batch, err := decodeJSONPixels(body, 8)
		if err != nil {
			return
		}
		if !json.Valid(body) {
			t.Fatalf("accepted invalid JSON %q", body)
		}
		if len(imgs) == 0 || (!batch && len(imgs) != 1) || len(imgs) > 8 {
			t.Fatalf("%d images, batch %v", len(imgs), batch)
		}
		for _, x := range imgs {
			if len(x) != Pixels {
				t.Fatalf("%d pixels", len(x))
			}
			for _, v := range x {
				if !(v >= 0 && v <= 1) {
					t.Fatalf("pixel %v outside [0,1]", v)
				}
			}
		}
		// Re-encode with encoding/json (0–1 floats) and parse again: same values.
		var re []byte
		if batch {
			re, _ = json.Marshal(map[string][][]float32{"batch": imgs})
		} else {
			re, _ = json.Marshal(map[string][]float32{"pixels": imgs[0]})
		}
		again, _, err := decodeJSONPixels(re, 8)
		if err != nil {
			t.Fatalf("re-encoded body refused: %v", err)
		}
		for i := range imgs {
			for j := range imgs[i] {
				if d := imgs[i][j] - again[i][j]; d > 1e-6 || d < -1e-6 {
					t.Fatalf("image %d pixel %d: %v then %v", i, j, imgs[i][j], again[i][j])
				}
			}
		}
	})
}

func ExampleDecodeImage() {
	_, err := DecodeImage([]byte("not an image"), 0)
	fmt.Println(err)
	// Output: body is neither a PNG/JPEG/GIF image nor JSON; send an image, {"pixels":[784 numbers]} or {"batch":[[784 numbers],...]}
}
