package server

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"strings"
	"testing"
)

// pngHeaderOnly returns a PNG signature and IHDR chunk claiming w×h pixels, with no
// image data: a decompression-bomb header.
func pngHeaderOnly(w, h uint32) []byte {
	var ihdr [13]byte
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit grayscale
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	_ = binary.Write(&b, binary.BigEndian, uint32(len(ihdr)))
	chunk := append([]byte("IHDR"), ihdr[:]...)
	b.Write(chunk)
	_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestDecodeBodyErrors(t *testing.T) {
	digit := pngBytes(t, render("ring", 28, 28, 4, 4, 20, 20, 0, 255))
	tests := []struct {
		name, contentType string
		body              []byte
		wantErr           string
	}{
		{"empty", "", nil, "empty body"},
		{"garbage", "application/octet-stream", []byte("\x00\x01garbage"), "neither a PNG/JPEG/GIF image nor JSON"},
		{"truncated png", "", digit[:len(digit)/2], "cannot decode PNG"},
		{"png claimed, json sent", "image/png", []byte(`{"pixels":[]}`), "cannot decode PNG"},
		{"bomb header", "", pngHeaderOnly(100000, 100000), "more than 16000000 pixels"},
		{"blank image", "", pngBytes(t, image.NewGray(image.Rect(0, 0, 30, 30))), "no visible digit"},
		{"jpeg garbage", "image/jpeg", []byte("\xff\xd8\xff\xe0junk"), "cannot decode JPEG"},
		{"text", "text/plain", []byte("hello"), "neither"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeBody(tt.contentType, tt.body, DefaultMaxImagePixels, DefaultMaxBatch)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
}

func TestClassifyByHeaderThenSniffing(t *testing.T) {
	png := pngBytes(t, render("bar", 10, 10, 0, 0, 10, 10, 0, 255))
	tests := []struct {
		ct   string
		body []byte
		want bodyKind
	}{
		{"image/png", []byte("x"), kindPNG},
		{"application/json; charset=utf-8", []byte("x"), kindJSON},
		{"image/jpeg", nil, kindJPEG},
		{"", png, kindPNG},
		{"application/octet-stream", png, kindPNG},
		{"application/x-www-form-urlencoded", []byte(" \n{\"pixels\":[]}"), kindJSON},
		{"", []byte("GIF89a..."), kindGIF},
		{"", []byte("\xff\xd8\xff\xdb"), kindJPEG},
		{"", []byte("hello"), kindUnknown},
	}
	for _, tt := range tests {
		if got := classify(tt.ct, tt.body); got != tt.want {
			t.Errorf("classify(%q, %q) = %v, want %v", tt.ct, tt.body, got, tt.want)
		}
	}
}

// FuzzDecodeImage feeds arbitrary bytes through the image path (sniffing, header check,
// decode, MNIST preprocessing): it must never panic, and whatever it accepts must be a
// well-formed model input.
func FuzzDecodeImage(f *testing.F) {
	img := render("seven", 40, 30, 5, 2, 25, 26, 0, 255)
	f.Add(pngBytes(f, img))
	var j, g bytes.Buffer
	_ = jpeg.Encode(&j, img, nil)
	_ = gif.Encode(&g, img, nil)
	f.Add(j.Bytes())
	f.Add(g.Bytes())
	f.Add(pngHeaderOnly(1, 1))
	f.Add(pngHeaderOnly(5000, 5000))
	f.Add(pngBytes(f, image.NewGray(image.Rect(0, 0, 1, 1))))
	f.Add(pngBytes(f, image.NewRGBA64(image.Rect(0, 0, 3, 200))))
	f.Add([]byte("GIF89a"))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := DecodeImage(data, 1<<20)
		if err != nil {
			return
		}
		if len(x) != Pixels {
			t.Fatalf("%d pixels", len(x))
		}
		for i, v := range x {
			if !(v >= 0 && v <= 1) {
				t.Fatalf("pixel %d = %v outside [0,1]", i, v)
			}
		}
	})
}
