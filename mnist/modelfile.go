package mnist

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// Info describes a trained model; it travels in the model file's metadata and the
// server reports it with every prediction.
type Info struct {
	Kind         string            `json:"kind"`              // model family: "mlp" or "svm"
	Name         string            `json:"name"`              // human-readable name, e.g. "builtin-mlp"
	Version      string            `json:"version"`           // version of this model, chosen by who trained it
	Seed         int64             `json:"seed"`              // training seed
	Data         string            `json:"data,omitempty"`    // where the training data came from
	TrainSize    int               `json:"train_size"`        // training images
	TestSize     int               `json:"test_size"`         // test images the accuracy was measured on
	Accuracy     float64           `json:"accuracy"`          // test accuracy in [0,1]
	Params       map[string]string `json:"params,omitempty"`  // training knobs, for the record
	Created      time.Time         `json:"created"`           // when training finished
	Trainer      string            `json:"trainer,omitempty"` // program version that trained it
	TrainSeconds float64           `json:"train_seconds"`     // training wall time
	Comment      string            `json:"comment,omitempty"` // free text
}

// The model file layout, version 1 (integers big-endian):
//
//	magic    8 bytes  "\x89DBMNIST" (the high first byte catches 7-bit text transfers)
//	version  uint16   format version, FormatVersion
//	flags    uint16   0; reserved
//	metaLen  uint32   then metaLen bytes of JSON-encoded Info
//	dataLen  uint64   then dataLen bytes of kind-specific payload (little-endian values)
//	sum      32 bytes SHA-256 of everything before it
const (
	magic = "\x89DBMNIST"
	// FormatVersion is the model file version this build writes and the newest it reads.
	FormatVersion = 1
	// maxModelFile bounds what Decode reads, so a wrong file cannot exhaust memory.
	maxModelFile = 1 << 30
)

// ErrBadModelFile is wrapped by every error Decode returns for a file it refuses.
var ErrBadModelFile = errors.New("not a usable model file")

// Encode writes m and its info as a model file to w. info.Kind is set from m.
func Encode(w io.Writer, m Model, info Info) error {
	payload, err := encodePayload(m)
	if err != nil {
		return err
	}
	info.Kind = m.Kind()
	meta, err := json.Marshal(info)
	if err != nil {
		return fmt.Errorf("mnist: encoding model info: %w", err)
	}
	var b bytes.Buffer
	b.WriteString(magic)
	b.Write(binary.BigEndian.AppendUint16(nil, FormatVersion))
	b.Write([]byte{0, 0})
	b.Write(binary.BigEndian.AppendUint32(nil, uint32(len(meta))))
	b.Write(meta)
	b.Write(binary.BigEndian.AppendUint64(nil, uint64(len(payload))))
	b.Write(payload)
	sum := sha256.Sum256(b.Bytes())
	b.Write(sum[:])
	_, err = w.Write(b.Bytes())
	return err
}

// Decode reads a model file from r. It refuses, with an error wrapping ErrBadModelFile,
// a file that is foreign, truncated, corrupted (checksum), from a newer format version,
// or of an unknown model kind.
func Decode(r io.Reader) (Model, Info, error) {
	raw, err := io.ReadAll(io.LimitReader(r, maxModelFile+1))
	if err != nil {
		return nil, Info{}, err
	}
	fail := func(format string, args ...any) (Model, Info, error) {
		return nil, Info{}, fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), ErrBadModelFile)
	}
	switch {
	case len(raw) > maxModelFile:
		return fail("larger than %d bytes", maxModelFile)
	case len(raw) < len(magic) && bytes.HasPrefix([]byte(magic), raw):
		return fail("truncated: %d bytes", len(raw))
	case !bytes.HasPrefix(raw, []byte(magic)):
		return fail("not a deploybench model file (it starts with %q; train one with 'deploybench train')", raw[:min(len(raw), 8)])
	case len(raw) < len(magic)+8:
		return fail("truncated: %d bytes", len(raw))
	}
	h := raw[len(magic):]
	version, flags := binary.BigEndian.Uint16(h), binary.BigEndian.Uint16(h[2:])
	metaLen := uint64(binary.BigEndian.Uint32(h[4:]))
	switch {
	case version > FormatVersion:
		return fail("format version %d is newer than this build reads (up to %d); use a newer deploybench", version, FormatVersion)
	case version == 0:
		return fail("invalid format version 0")
	case flags != 0:
		return fail("unknown flags %#04x", flags)
	}
	metaAt := uint64(len(magic) + 8)
	dataLenAt := metaAt + metaLen
	if dataLenAt+8 > uint64(len(raw)) {
		return fail("truncated: %d bytes, metadata alone needs %d", len(raw), dataLenAt+8)
	}
	dataLen := binary.BigEndian.Uint64(raw[dataLenAt:])
	end := dataLenAt + 8 + dataLen + sha256.Size
	if dataLen > maxModelFile || end > uint64(len(raw)) {
		return fail("truncated: %d bytes, header declares %d", len(raw), end)
	}
	if end < uint64(len(raw)) {
		return fail("%d unexpected bytes after the checksum", uint64(len(raw))-end)
	}
	body := raw[:end-sha256.Size]
	if sum := sha256.Sum256(body); !bytes.Equal(sum[:], raw[end-sha256.Size:]) {
		return fail("checksum mismatch: the file is corrupted")
	}
	var info Info
	if err := json.Unmarshal(raw[metaAt:dataLenAt], &info); err != nil {
		return fail("metadata: %v", err)
	}
	m, err := decodePayload(info.Kind, raw[dataLenAt+8:end-sha256.Size])
	if err != nil {
		return fail("%s payload: %v", info.Kind, err)
	}
	return m, info, nil
}

// WriteFile writes a model file atomically: into a temporary file beside path, renamed
// into place when complete, so an interrupted write never leaves a file looking whole.
func WriteFile(path string, m Model, info Info) error {
	var b bytes.Buffer
	if err := Encode(&b, m, info); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("mnist: writing model: %w", err)
	}
	_, err = f.Write(b.Bytes())
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes 0600; a model file is not a secret
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("mnist: writing model: %w", err)
	}
	return nil
}

// ReadFile reads a model file written by WriteFile; errors name the file.
func ReadFile(path string) (Model, Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, Info{}, fmt.Errorf("mnist: %w", err)
	}
	defer f.Close()
	m, info, err := Decode(f)
	if err != nil {
		return nil, Info{}, fmt.Errorf("mnist: model %s: %w", path, err)
	}
	return m, info, nil
}
