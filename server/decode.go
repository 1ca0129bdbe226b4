package server

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"mime"
	"strings"
)

// bodyKind is what a /predict body holds.
type bodyKind int

const (
	kindUnknown bodyKind = iota
	kindJSON
	kindPNG
	kindJPEG
	kindGIF
)

// errUnrecognised is returned for bodies that are neither a supported image nor JSON.
var errUnrecognised = errors.New("body is neither a PNG/JPEG/GIF image nor JSON; send an image, {\"pixels\":[784 numbers]} or {\"batch\":[[784 numbers],...]}")

// classify decides how to read a body: by its Content-Type when that names a supported
// format, otherwise by sniffing the first bytes (clients often send
// application/octet-stream, or no header at all).
func classify(contentType string, body []byte) bodyKind {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case mt == "image/png":
			return kindPNG
		case mt == "image/jpeg", mt == "image/jpg":
			return kindJPEG
		case mt == "image/gif":
			return kindGIF
		case mt == "application/json", strings.HasSuffix(mt, "+json"):
			return kindJSON
		}
	}
	switch {
	case bytes.HasPrefix(body, []byte("\x89PNG\r\n\x1a\n")):
		return kindPNG
	case bytes.HasPrefix(body, []byte("\xff\xd8\xff")):
		return kindJPEG
	case bytes.HasPrefix(body, []byte("GIF87a")), bytes.HasPrefix(body, []byte("GIF89a")):
		return kindGIF
	}
	if t := bytes.TrimLeft(body, " \t\r\n"); len(t) > 0 && (t[0] == '{' || t[0] == '[') {
		return kindJSON
	}
	return kindUnknown
}

// decodeBody turns a /predict body into model inputs; batch reports the JSON batch form.
// Every error is the client's fault and reads well after "bad request: ".
func decodeBody(contentType string, body []byte, maxPixels, maxBatch int) (inputs [][]float32, batch bool, err error) {
	if len(body) == 0 {
		return nil, false, errors.New("empty body; send a PNG/JPEG/GIF image or JSON {\"pixels\":[784 numbers]}")
	}
	switch k := classify(contentType, body); k {
	case kindJSON:
		return decodeJSONPixels(body, maxBatch)
	case kindPNG, kindJPEG, kindGIF:
		x, err := decodeImage(body, k, maxPixels)
		if err != nil {
			return nil, false, err
		}
		return [][]float32{x}, false, nil
	default:
		return nil, false, errUnrecognised
	}
}

// DecodeImage decodes a PNG, JPEG or GIF image (the format is sniffed) and preprocesses
// it into a model input (see Preprocess). Images larger than maxPixels (width×height) are
// refused before their pixels are decoded; maxPixels ≤ 0 means DefaultMaxImagePixels.
func DecodeImage(data []byte, maxPixels int) ([]float32, error) {
	if maxPixels <= 0 {
		maxPixels = DefaultMaxImagePixels
	}
	return decodeImage(data, classify("", data), maxPixels)
}

// decodeImage is DecodeImage for a known format.
func decodeImage(data []byte, kind bodyKind, maxPixels int) ([]float32, error) {
	var (
		cfgOf  func(*bytes.Reader) (image.Config, error)
		decode func(*bytes.Reader) (image.Image, error)
		name   string
	)
	switch kind {
	case kindPNG:
		name = "PNG"
		cfgOf = func(r *bytes.Reader) (image.Config, error) { return png.DecodeConfig(r) }
		decode = func(r *bytes.Reader) (image.Image, error) { return png.Decode(r) }
	case kindJPEG:
		name = "JPEG"
		cfgOf = func(r *bytes.Reader) (image.Config, error) { return jpeg.DecodeConfig(r) }
		decode = func(r *bytes.Reader) (image.Image, error) { return jpeg.Decode(r) }
	case kindGIF:
		name = "GIF"
		cfgOf = func(r *bytes.Reader) (image.Config, error) { return gif.DecodeConfig(r) }
		decode = func(r *bytes.Reader) (image.Image, error) { return gif.Decode(r) }
	default:
		return nil, errUnrecognised
	}
	cfg, err := cfgOf(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot decode %s image: %v", name, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("%s image is empty (%d×%d)", name, cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > int64(maxPixels) {
		return nil, fmt.Errorf("%s image is %d×%d, more than %d pixels; scale it down", name, cfg.Width, cfg.Height, maxPixels)
	}
	img, err := decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("cannot decode %s image: %v", name, err)
	}
	x, err := Preprocess(img)
	if err != nil {
		return nil, fmt.Errorf("%s image: %w", name, err)
	}
	return x, nil
}
