// Command handler runs the function once per request under the classic
// watchdog: the request body on stdin, the answer on stdout.
package main

import (
	"fmt"
	"io"
	"log"
	"os"

	"handler/function"
)

func main() {
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		log.Fatalf("Unable to read standard input: %s", err.Error())
	}
	fmt.Println(function.Handle(input))
}
