package docker

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"debug/elf"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/moby/client"
)

// binaryName is the deploybench binary's name inside the classifier image (at the root).
const binaryName = "deploybench"

// ImageFile is one file of an image build context.
type ImageFile struct {
	// Name is the path inside the context, e.g. "deploybench".
	Name string
	// Path is the file on this machine.
	Path string
	// Mode is the file mode in the image, e.g. 0o755.
	Mode int64
}

// ClassifierDockerfile is the Dockerfile of the built-in classifier image: the static
// deploybench binary alone in an empty image, serving model (e.g. "builtin:svm") on the
// port given in PORT (the serve command reads it).
func ClassifierDockerfile(model string) string {
	return "FROM scratch\n" +
		"COPY " + binaryName + " /" + binaryName + "\n" +
		"ENV PORT=8080\n" +
		"LABEL org.opencontainers.image.title=\"deploybench classifier (" + model + ")\"\n" +
		"ENTRYPOINT [\"/" + binaryName + "\", \"serve\", \"--model\", " + quoteJSON(model) + "]\n"
}

func quoteJSON(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// BuildImage builds tag from dockerfile and files with the engine's classic builder,
// with no network (a FROM scratch image needs none). The context is a tar made in memory.
// Build output goes to log (nil discards it); an engine build error is returned as one
// line.
func BuildImage(ctx context.Context, cli *client.Client, tag, dockerfile string, files []ImageFile, log io.Writer) error {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	add := func(name string, mode int64, r io.Reader, size int64) error {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: mode, Size: size, Typeflag: tar.TypeReg}); err != nil {
			return err
		}
		_, err := io.Copy(tw, r)
		return err
	}
	if err := add("Dockerfile", 0o644, strings.NewReader(dockerfile), int64(len(dockerfile))); err != nil {
		return fmt.Errorf("docker: build context: %w", err)
	}
	for _, f := range files {
		fh, err := os.Open(f.Path)
		if err != nil {
			return fmt.Errorf("docker: build context: %w", err)
		}
		st, err := fh.Stat()
		if err == nil {
			err = add(f.Name, f.Mode, fh, st.Size())
		}
		fh.Close()
		if err != nil {
			return fmt.Errorf("docker: build context: %s: %w", f.Path, err)
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("docker: build context: %w", err)
	}
	res, err := cli.ImageBuild(ctx, &buf, client.ImageBuildOptions{
		Tags: []string{tag}, Remove: true, ForceRemove: true, NetworkMode: "none", Dockerfile: "Dockerfile",
	})
	if err != nil {
		return fmt.Errorf("docker: build %s: %v", tag, oneLine(err.Error()))
	}
	defer res.Body.Close()
	return readProgress(res.Body, log, "build "+tag)
}

// progressMessage is one line of the engine's JSON progress stream (build and load).
type progressMessage struct {
	Stream      string `json:"stream"`
	Error       string `json:"error"`
	ErrorDetail struct {
		Message string `json:"message"`
	} `json:"errorDetail"`
}

// readProgress copies the engine's progress stream to log and returns its error, if any.
func readProgress(r io.Reader, log io.Writer, what string) error {
	dec := json.NewDecoder(r)
	for {
		var m progressMessage
		if err := dec.Decode(&m); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("docker: %s: reading the engine's answer: %v", what, err)
		}
		if m.Error != "" || m.ErrorDetail.Message != "" {
			msg := m.ErrorDetail.Message
			if msg == "" {
				msg = m.Error
			}
			return fmt.Errorf("docker: %s: %s", what, oneLine(msg))
		}
		if log != nil && m.Stream != "" {
			_, _ = io.WriteString(log, m.Stream)
		}
	}
}

// LoadArchive loads the images of a `docker save` tarball into the engine.
func LoadArchive(ctx context.Context, cli *client.Client, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("docker: image archive: %w", err)
	}
	defer f.Close()
	res, err := cli.ImageLoad(ctx, f, client.ImageLoadWithQuiet(true))
	if err != nil {
		return fmt.Errorf("docker: load %s: %v", path, oneLine(err.Error()))
	}
	defer res.Close()
	return readProgress(res, nil, "load "+path)
}

// ImageSize is the image's size in bytes as the engine reports it (its layers
// unpacked; for an image pulled from a registry the compressed download is smaller,
// typically a half to a third: see CompressedSize).
func ImageSize(ctx context.Context, cli *client.Client, image string) (int64, error) {
	img, err := cli.ImageInspect(ctx, image)
	if err != nil {
		if isNotFound(err) {
			return 0, imageNotFound(image, "")
		}
		return 0, fmt.Errorf("docker: image %q: %v", image, oneLine(err.Error()))
	}
	return img.Size, nil
}

// CompressedSize is what a registry would store of the image: its `docker save` stream
// gzip-compressed (layers are pushed gzip-compressed), counted without keeping it. It
// reads the whole image once — about a second per 50 MB on one core — so a run asks
// once per image. The ECS platforms model the pull from this size (image_size_mb) at
// their registry throughput.
func CompressedSize(ctx context.Context, cli *client.Client, image string) (int64, error) {
	rc, err := cli.ImageSave(ctx, []string{image})
	if err != nil {
		if isNotFound(err) {
			return 0, imageNotFound(image, "")
		}
		return 0, fmt.Errorf("docker: save %s: %v", image, oneLine(err.Error()))
	}
	defer rc.Close()
	var n countWriter
	zw, _ := gzip.NewWriterLevel(&n, gzip.DefaultCompression)
	if _, err := io.Copy(zw, rc); err != nil {
		return 0, fmt.Errorf("docker: save %s: %v", image, err)
	}
	if err := zw.Close(); err != nil {
		return 0, err
	}
	return int64(n), nil
}

// countWriter counts the bytes written to it.
type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// IsStatic reports whether the ELF executable at path is statically linked (has no
// program interpreter), so that it runs alone in a FROM scratch image.
func IsStatic(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, fmt.Errorf("docker: %s is not a Linux executable: %v", path, err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false, nil
		}
	}
	return true, nil
}
