package fleet

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"
)

// DecodeStrict decodes a scenario settings node into out, rejecting unknown keys
// (yaml.v3's Node.Decode cannot, so the node is re-encoded and read by a strict decoder).
// A nil or empty node leaves out as it is. Errors are one line.
func DecodeStrict(n *yaml.Node, out any) error {
	if n == nil || n.Kind == 0 {
		return nil
	}
	b, err := yaml.Marshal(n)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("%s", bytes.Join(bytes.Fields([]byte(err.Error())), []byte(" ")))
	}
	return nil
}
