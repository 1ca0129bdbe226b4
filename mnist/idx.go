package mnist

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// IDX is one array read from an IDX file, the format of the original MNIST and
// Fashion-MNIST distributions: a magic number 00 00 <type> <ndims>, ndims big-endian
// uint32 dimension sizes, then the values in row-major order.
type IDX struct {
	Dims []int  // dimension sizes, outermost first
	Data []byte // the values; only unsigned byte (type 0x08) arrays are supported
}

// maxIDXValues bounds the size a header may declare (full MNIST training images are
// 47 M values), so that a corrupt header is refused instead of exhausting memory.
const maxIDXValues = 1 << 30

// ErrBadIDX is wrapped by every error ReadIDX returns for a malformed file.
var ErrBadIDX = errors.New("not a valid IDX file")

// ReadIDX reads an IDX array from r, which may be gzip-compressed (detected by the gzip
// magic bytes). name is used in errors only. The file must hold exactly the data its
// header declares: short files and trailing bytes are both errors.
func ReadIDX(name string, r io.Reader) (*IDX, error) {
	fail := func(format string, args ...any) (*IDX, error) {
		return nil, fmt.Errorf("mnist: %s: %s: %w", name, fmt.Sprintf(format, args...), ErrBadIDX)
	}
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fail("bad gzip header: %v", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	var hdr [4]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil {
		return fail("truncated header (%v)", err)
	}
	if hdr[0] != 0 || hdr[1] != 0 {
		return fail("bad magic %02x%02x%02x%02x; an IDX file starts with 00 00", hdr[0], hdr[1], hdr[2], hdr[3])
	}
	if hdr[2] != 0x08 {
		return fail("data type 0x%02x is not supported; want unsigned byte (0x08)", hdr[2])
	}
	nd := int(hdr[3])
	if nd == 0 {
		return fail("zero dimensions")
	}
	dims := make([]int, nd)
	total := 1
	for i := range dims {
		var b [4]byte
		if _, err := io.ReadFull(br, b[:]); err != nil {
			return fail("truncated header: dimension %d of %d missing", i+1, nd)
		}
		dims[i] = int(binary.BigEndian.Uint32(b[:]))
		if dims[i] > maxIDXValues || total*dims[i] > maxIDXValues {
			return fail("declared size %v exceeds the limit of %d values", dims[:i+1], maxIDXValues)
		}
		total *= dims[i]
	}
	var buf bytes.Buffer // grows with the data actually present, never with the header's claim
	n, err := io.CopyN(&buf, br, int64(total))
	if err != nil && !errors.Is(err, io.EOF) {
		return fail("reading data: %v", err)
	}
	if n < int64(total) {
		return fail("truncated: header declares %v = %d values, file holds %d", dims, total, n)
	}
	if extra, err := br.Read(make([]byte, 1)); extra > 0 {
		return fail("trailing bytes after the %d values the header declares", total)
	} else if err != nil && !errors.Is(err, io.EOF) {
		return fail("reading data: %v", err)
	}
	return &IDX{Dims: dims, Data: buf.Bytes()}, nil
}
