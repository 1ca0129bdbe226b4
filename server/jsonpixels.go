package server

import (
	"encoding/json"
	"fmt"
	"math"
)

// The JSON request bodies are parsed by a small purpose-built parser rather than
// encoding/json: a digit is 784 numbers, and generic reflection-based decoding of them
// costs more than the MLP's inference. The parser accepts exactly the documented shapes
//
//	{"pixels": [784 numbers]}
//	{"batch": [[784 numbers], [784 numbers], ...]}
//
// with standard JSON syntax (any whitespace, escaped keys), and rejects everything else
// with an error that names the problem and its byte offset.

// jsonParser walks one JSON body.
type jsonParser struct {
	b        []byte
	i        int
	maxBatch int
}

// decodeJSONPixels parses a JSON body into one or more model inputs. batch reports
// whether the body used the batch form. Pixel values are validated and normalised to
// [0,1]: an image whose values are all ≤ 1 is read as 0–1, otherwise as 0–255.
func decodeJSONPixels(body []byte, maxBatch int) (inputs [][]float32, batch bool, err error) {
	p := jsonParser{b: body, maxBatch: maxBatch}
	p.space()
	if !p.eat('{') {
		return nil, false, p.errf(`expected a JSON object {"pixels":[...]} or {"batch":[[...],...]}`)
	}
	seen := false
	p.space()
	if p.eat('}') {
		return nil, false, fmt.Errorf(`JSON object has no "pixels" or "batch" field`)
	}
	for {
		p.space()
		key, err := p.key()
		if err != nil {
			return nil, false, err
		}
		p.space()
		if !p.eat(':') {
			return nil, false, p.errf("expected ':' after key %q", key)
		}
		p.space()
		switch key {
		case "pixels", "batch":
			if seen {
				return nil, false, fmt.Errorf(`JSON has both or repeated "pixels"/"batch" fields; send exactly one`)
			}
			seen = true
			batch = key == "batch"
			if batch {
				inputs, err = p.batch()
			} else {
				var img []float32
				img, err = p.image(-1)
				inputs = [][]float32{img}
			}
			if err != nil {
				return nil, false, err
			}
		default:
			return nil, false, fmt.Errorf(`unknown JSON field %q; send {"pixels":[784 numbers]} or {"batch":[[784 numbers],...]}`, key)
		}
		p.space()
		if p.eat('}') {
			break
		}
		if !p.eat(',') {
			return nil, false, p.errf("expected ',' or '}' in JSON object")
		}
	}
	p.space()
	if p.i != len(p.b) {
		return nil, false, p.errf("unexpected data after the JSON object")
	}
	if !seen {
		return nil, false, fmt.Errorf(`JSON object has no "pixels" or "batch" field`)
	}
	return inputs, batch, nil
}

func (p *jsonParser) errf(format string, args ...any) error {
	return fmt.Errorf("invalid JSON at byte %d: %s", p.i, fmt.Sprintf(format, args...))
}

func (p *jsonParser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

// key reads a JSON string. Keys with escapes are rare and decoded by encoding/json.
func (p *jsonParser) key() (string, error) {
	start := p.i
	if !p.eat('"') {
		return "", p.errf("expected a quoted field name")
	}
	escaped := false
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '\\':
			escaped = true
			p.i += 2
			continue
		case c == '"':
			p.i++
			raw := p.b[start:p.i]
			if !escaped {
				return string(raw[1 : len(raw)-1]), nil
			}
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", fmt.Errorf("invalid JSON at byte %d: bad field name: %v", start, err)
			}
			return s, nil
		case c < 0x20:
			return "", p.errf("control character in field name")
		}
		p.i++
	}
	return "", p.errf("unterminated field name")
}

// batch reads [[...],[...],...].
func (p *jsonParser) batch() ([][]float32, error) {
	if !p.eat('[') {
		return nil, p.errf(`"batch" must be an array of pixel arrays`)
	}
	var out [][]float32
	p.space()
	if p.eat(']') {
		return nil, fmt.Errorf(`"batch" is empty; send at least one image`)
	}
	for {
		p.space()
		if len(out) == p.maxBatch {
			return nil, fmt.Errorf(`"batch" has more than %d images; split it`, p.maxBatch)
		}
		img, err := p.image(len(out))
		if err != nil {
			return nil, err
		}
		out = append(out, img)
		p.space()
		if p.eat(']') {
			return out, nil
		}
		if !p.eat(',') {
			return nil, p.errf(`expected ',' or ']' in "batch"`)
		}
	}
}

// image reads one array of Pixels numbers; idx ≥ 0 names its position in a batch.
func (p *jsonParser) image(idx int) ([]float32, error) {
	name := `"pixels"`
	if idx >= 0 {
		name = fmt.Sprintf(`"batch"[%d]`, idx)
	}
	if !p.eat('[') {
		return nil, p.errf("%s must be an array of %d numbers", name, Pixels)
	}
	img := make([]float32, 0, Pixels)
	maxV := 0.0
	p.space()
	if !p.eat(']') {
		for {
			p.space()
			v, err := p.number()
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %w", name, len(img), err)
			}
			if v < 0 || v > 255 {
				return nil, fmt.Errorf("%s[%d] = %g is out of range; pixel values are 0–1 or 0–255", name, len(img), v)
			}
			if len(img) == Pixels {
				return nil, fmt.Errorf("%s has more than %d values; send a 28×28 image, row-major", name, Pixels)
			}
			maxV = max(maxV, v)
			img = append(img, float32(v))
			p.space()
			if p.eat(']') {
				break
			}
			if !p.eat(',') {
				return nil, p.errf("expected ',' or ']' in %s", name)
			}
		}
	}
	if len(img) != Pixels {
		return nil, fmt.Errorf("%s has %d values, want %d (a 28×28 image, row-major)", name, len(img), Pixels)
	}
	if maxV > 1 {
		for i := range img {
			img[i] /= 255
		}
	}
	return img, nil
}

// number reads a JSON number. It is exact for integers and short decimals, which is all
// pixel data needs; longer mantissas are rounded to 19 significant digits.
func (p *jsonParser) number() (float64, error) {
	b, i := p.b, p.i
	// Fast path: a small non-negative integer ending the number, the common 0–255 pixel.
	if i < len(b) && b[i] >= '1' && b[i] <= '9' {
		v, j := uint(b[i]-'0'), i+1
		for j < len(b) && j-i < 4 && b[j] >= '0' && b[j] <= '9' {
			v = v*10 + uint(b[j]-'0')
			j++
		}
		if j == len(b) || (b[j] != '.' && b[j] != 'e' && b[j] != 'E' && (b[j] < '0' || b[j] > '9')) {
			p.i = j
			return float64(v), nil
		}
	} else if i+1 < len(b) && b[i] == '0' && (b[i+1] == ',' || b[i+1] == ']' || b[i+1] == ' ') {
		p.i = i + 1
		return 0, nil
	}
	neg := false
	if i < len(b) && b[i] == '-' {
		neg = true
		i++
	}
	if i >= len(b) || b[i] < '0' || b[i] > '9' {
		p.i = i
		return 0, p.errf("expected a number")
	}
	var mant uint64
	digits, exp := 0, 0
	addDigit := func(d byte, frac bool) {
		if digits < 19 {
			mant = mant*10 + uint64(d-'0')
			if mant != 0 {
				digits++
			}
			if frac {
				exp--
			}
		} else if !frac {
			exp++
		}
	}
	if b[i] == '0' {
		i++
	} else {
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			addDigit(b[i], false)
			i++
		}
	}
	if i < len(b) && b[i] == '.' {
		i++
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("expected a digit after '.'")
		}
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			addDigit(b[i], true)
			i++
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		eneg := false
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			eneg = b[i] == '-'
			i++
		}
		if i >= len(b) || b[i] < '0' || b[i] > '9' {
			p.i = i
			return 0, p.errf("expected a digit in exponent")
		}
		e := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			if e < 10000 {
				e = e*10 + int(b[i]-'0')
			}
			i++
		}
		if eneg {
			e = -e
		}
		exp += e
	}
	p.i = i
	v := float64(mant)
	switch {
	case mant == 0:
		v = 0
	case exp > 400:
		v = math.Inf(1)
	case exp < -400:
		v = 0
	case exp > 0:
		v *= math.Pow10(exp)
	case exp < 0:
		v /= math.Pow10(-exp)
	}
	if neg {
		v = -v
	}
	return v, nil
}
