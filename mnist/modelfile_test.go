package mnist

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"math/rand"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// smallMLP is an untrained MLP with random weights, enough to test serialisation.
func smallMLP(seed int64) *MLP {
	rng := rand.New(rand.NewSource(seed))
	m := &MLP{Hidden: 4, W1: make([]float32, Pixels*4), B1: make([]float32, 4), W2: make([]float32, 4*Classes), B2: make([]float32, Classes), Deskew: true}
	for _, w := range [][]float32{m.W1, m.B1, m.W2, m.B2} {
		for i := range w {
			w[i] = float32(rng.NormFloat64())
		}
	}
	return m
}

// smallSVM is an SVM trained on a few hundred embedded digits.
func smallSVM(t testing.TB) *SVM {
	t.Helper()
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	m, err := TrainSVM(context.Background(), s.Train.Subset(200), nil, SVMConfig{})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

var testInfo = Info{Name: "test", Version: "7", Seed: 3, TrainSize: 10, TestSize: 5, Accuracy: 0.5,
	Created: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Params: map[string]string{"hidden": "4"}}

func TestModelFileRoundTrip(t *testing.T) {
	s, _ := Embedded()
	x := s.Test.Image(0)
	for _, m := range []Model{smallMLP(1), smallSVM(t)} {
		t.Run(m.Kind(), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "m.bin")
			if err := WriteFile(path, m, testInfo); err != nil {
				t.Fatal(err)
			}
			got, info, err := ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := testInfo
			want.Kind = m.Kind()
			if !reflect.DeepEqual(info, want) {
				t.Errorf("info %+v, want %+v", info, want)
			}
			if !reflect.DeepEqual(got.Predict(x), m.Predict(x)) {
				t.Errorf("prediction changed by the round trip")
			}
			if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
				t.Errorf("WriteFile left %d files, want only the model", len(entries))
			}
		})
	}
}

func TestModelFileRefusals(t *testing.T) {
	var b bytes.Buffer
	if err := Encode(&b, smallMLP(1), testInfo); err != nil {
		t.Fatal(err)
	}
	good := b.Bytes()
	// resum rewrites the checksum so that a test reaches the check after it.
	resum := func(f []byte) []byte {
		sum := sha256.Sum256(f[:len(f)-32])
		copy(f[len(f)-32:], sum[:])
		return f
	}
	edit := func(fn func(f []byte) []byte) []byte { return fn(bytes.Clone(good)) }
	tests := []struct {
		name    string
		file    []byte
		wantErr string
	}{
		{"empty", nil, "truncated: 0 bytes"},
		{"half magic", good[:4], "truncated: 4 bytes"},
		{"foreign png", []byte("\x89PNG\r\n\x1a\n0000000000000000"), `not a deploybench model file (it starts with "\x89PNG`},
		{"foreign text", []byte("hello world, not a model"), "not a deploybench model file"},
		{"header only", good[:12], "truncated: 12 bytes"},
		{"truncated payload", good[:len(good)/2], "truncated"},
		{"truncated checksum", good[:len(good)-1], "truncated"},
		{"trailing bytes", append(bytes.Clone(good), 0), "1 unexpected bytes after the checksum"},
		{"flipped payload bit", edit(func(f []byte) []byte { f[len(f)/2] ^= 1; return f }), "checksum mismatch: the file is corrupted"},
		{"flipped checksum bit", edit(func(f []byte) []byte { f[len(f)-1] ^= 1; return f }), "checksum mismatch"},
		{"newer version", edit(func(f []byte) []byte { f[9] = FormatVersion + 1; return resum(f) }), "format version 2 is newer than this build reads (up to 1)"},
		{"version zero", edit(func(f []byte) []byte { f[9] = 0; return resum(f) }), "invalid format version 0"},
		{"flags", edit(func(f []byte) []byte { f[11] = 1; return resum(f) }), "unknown flags"},
		{"unknown kind", edit(func(f []byte) []byte {
			return resum(bytes.Replace(f, []byte(`"kind":"mlp"`), []byte(`"kind":"cnn"`), 1))
		}), `unknown model kind "cnn"`},
		{"huge hidden", edit(func(f []byte) []byte {
			at := 16 + binary.BigEndian.Uint32(f[12:]) + 8
			binary.LittleEndian.PutUint32(f[at:], 1<<20)
			return resum(f)
		}), "hidden size 1048576 out of range"},
		{"wrong hidden", edit(func(f []byte) []byte {
			at := 16 + binary.BigEndian.Uint32(f[12:]) + 8
			binary.LittleEndian.PutUint32(f[at:], 3)
			return resum(f)
		}), "bytes left over"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := Decode(bytes.NewReader(tt.file))
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if !errors.Is(err, ErrBadModelFile) {
				t.Errorf("%v does not wrap ErrBadModelFile", err)
			}
		})
	}
	if err := Encode(&b, &SVM{Gamma: 0.05, Pairs: make([]SVMPair, 45)}, testInfo); err == nil {
		t.Error("Encode accepted a malformed SVM")
	}
	path := filepath.Join(t.TempDir(), "bad.bin")
	os.WriteFile(path, good[:20], 0o644)
	if _, _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("ReadFile error %v does not name the file", err)
	}
}

func TestBuiltin(t *testing.T) {
	s, err := Embedded()
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		kind string
		test *Dataset
	}{
		{"mlp", s.Test},             // the whole test split: the must-show accuracy
		{"svm", s.Test.Subset(200)}, // a subset: SVM inference is slow under -race
	} {
		t.Run(tt.kind, func(t *testing.T) {
			m, info, err := Builtin(tt.kind)
			if err != nil {
				t.Fatal(err)
			}
			if m.Kind() != tt.kind || info.Kind != tt.kind || info.Name != "builtin-"+tt.kind || info.Version == "" {
				t.Errorf("kind %s, info %+v", m.Kind(), info)
			}
			if info.Accuracy < 0.96 || info.TestSize != s.Test.Len() {
				t.Errorf("recorded accuracy %.4f on %d images, want ≥ 0.96 on %d", info.Accuracy, info.TestSize, s.Test.Len())
			}
			acc, err := Accuracy(context.Background(), m, tt.test)
			if err != nil {
				t.Fatal(err)
			}
			if acc < 0.96 {
				t.Errorf("accuracy %.4f on %s, want ≥ 0.96", acc, tt.test.Name)
			}
			if tt.test == s.Test && acc != info.Accuracy {
				t.Errorf("accuracy %.4f differs from the recorded %.4f", acc, info.Accuracy)
			}
		})
	}
	if _, _, err := Builtin("cnn"); err == nil {
		t.Error("Builtin(cnn) succeeded")
	}
}

func FuzzDecodeModel(f *testing.F) {
	var b bytes.Buffer
	Encode(&b, smallMLP(1), testInfo)
	f.Add(b.Bytes())
	f.Add(b.Bytes()[:100])
	b.Reset()
	Encode(&b, smallSVM(f), testInfo)
	f.Add(b.Bytes())
	f.Add([]byte(magic))
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, _, err := Decode(bytes.NewReader(raw))
		if err != nil {
			if !errors.Is(err, ErrBadModelFile) {
				t.Fatalf("error %v does not wrap ErrBadModelFile", err)
			}
			return
		}
		p := m.Predict(make([]float32, Pixels))
		if len(p) != Classes {
			t.Fatalf("%d probabilities", len(p))
		}
	})
}
