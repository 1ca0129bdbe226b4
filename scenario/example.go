package scenario

import _ "embed"

// Example is the commented scenario 'deploybench init' writes: every key with its
// default, ready to edit.
//
//go:embed example.yaml
var Example []byte
