package mnist

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// encodePayload serialises the weights of a model this package trains. Values are
// little-endian; sizes come first so the decoder can check them before allocating.
func encodePayload(m Model) ([]byte, error) {
	if h, ok := m.(*heavy); ok {
		m = h.Model
	}
	var b []byte
	switch m := m.(type) {
	case *MLP:
		if err := m.check(); err != nil {
			return nil, err
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(m.Hidden))
		b = append(b, boolByte(m.Deskew))
		for _, w := range [][]float32{m.W1, m.B1, m.W2, m.B2} {
			b = appendFloats(b, w)
		}
	case *SVM:
		if err := (&SVM{Gamma: m.Gamma, SV: m.SV, Pairs: m.Pairs}).prepare(); err != nil {
			return nil, fmt.Errorf("mnist: cannot save: %w", err)
		}
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(m.Gamma))
		b = append(b, boolByte(m.Deskew))
		b = binary.LittleEndian.AppendUint32(b, uint32(m.NumSV()))
		b = append(b, m.SV...)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(m.Pairs)))
		for _, p := range m.Pairs {
			b = append(b, p.A, p.B)
			b = binary.LittleEndian.AppendUint32(b, math.Float32bits(p.Rho))
			b = binary.LittleEndian.AppendUint32(b, uint32(len(p.Index)))
			for _, i := range p.Index {
				b = binary.LittleEndian.AppendUint32(b, i)
			}
			b = appendFloats(b, p.Coef)
		}
	default:
		return nil, fmt.Errorf("mnist: cannot save a model of kind %q", m.Kind())
	}
	return b, nil
}

// decodePayload is the inverse of encodePayload; it never trusts a size it has not
// checked against the bytes present.
func decodePayload(kind string, b []byte) (Model, error) {
	d := &decoder{b: b}
	var m Model
	switch kind {
	case "mlp":
		h := int(d.u32())
		deskew := d.bool()
		if h <= 0 || h > 1<<16 {
			return nil, fmt.Errorf("hidden size %d out of range", h)
		}
		mlp := &MLP{Hidden: h, Deskew: deskew, W1: d.floats(Pixels * h), B1: d.floats(h), W2: d.floats(h * Classes), B2: d.floats(Classes)}
		if d.err == nil {
			d.err = mlp.check()
		}
		m = mlp
	case "svm":
		svm := &SVM{Gamma: math.Float32frombits(d.u32()), Deskew: d.bool()}
		svm.SV = d.bytes(int(d.u32()) * Pixels)
		nPairs := int(d.u32())
		if d.err == nil && nPairs != Classes*(Classes-1)/2 {
			return nil, fmt.Errorf("%d class pairs, want %d", nPairs, Classes*(Classes-1)/2)
		}
		for range nPairs {
			p := SVMPair{A: d.byte(), B: d.byte(), Rho: math.Float32frombits(d.u32())}
			n := int(d.u32())
			if n > len(d.b) {
				d.fail()
				break
			}
			for range n {
				p.Index = append(p.Index, d.u32())
			}
			p.Coef = d.floats(n)
			svm.Pairs = append(svm.Pairs, p)
		}
		if d.err == nil {
			d.err = svm.prepare()
		}
		m = svm
	default:
		return nil, fmt.Errorf("unknown model kind %q (this build knows mlp and svm)", kind)
	}
	if d.err == nil && len(d.b) != 0 {
		d.err = fmt.Errorf("%d bytes left over", len(d.b))
	}
	if d.err != nil {
		return nil, d.err
	}
	return m, nil
}

var errShort = errors.New("payload shorter than its sizes declare")

// decoder reads little-endian values, remembering the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail() { d.err, d.b = errShort, nil }

func (d *decoder) take(n int) []byte {
	if d.err != nil || n < 0 || n > len(d.b) {
		if d.err == nil {
			d.fail()
		}
		return nil
	}
	v := d.b[:n:n]
	d.b = d.b[n:]
	return v
}

func (d *decoder) u32() uint32 {
	if v := d.take(4); v != nil {
		return binary.LittleEndian.Uint32(v)
	}
	return 0
}

func (d *decoder) byte() byte {
	if v := d.take(1); v != nil {
		return v[0]
	}
	return 0
}

func (d *decoder) bool() bool { return d.byte() != 0 }

func (d *decoder) bytes(n int) []byte { return d.take(n) }

func (d *decoder) floats(n int) []float32 {
	if n < 0 || n > len(d.b)/4 {
		d.take(-1)
		return nil
	}
	raw := d.take(4 * n)
	f := make([]float32, n)
	for i := range f {
		f[i] = math.Float32frombits(binary.LittleEndian.Uint32(raw[4*i:]))
	}
	return f
}

func appendFloats(b []byte, f []float32) []byte {
	for _, v := range f {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return b
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
