// Command hello is the payload of the test image the push tests build: a static binary
// on a FROM scratch image, so that no base image is ever pulled.
package main

import "fmt"

func main() { fmt.Println("hello from deploybench's ECR push test") }
