// Command pingyi is Pingyi (评议): the web server and the command-line
// interface of SPEC §6. Run `pingyi --help`.
package main

import (
	"os"

	"github.com/pingyi/pingyi/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
