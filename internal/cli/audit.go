package cli

import (
	"errors"
	"fmt"

	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "audit verify", args: "",
		short: "check the audit log's hash chain (exit 1 naming the first entry changed, removed or inserted)", run: runAuditVerify})
}

// runAuditVerify walks the audit chain: exit 0 printing the number of
// entries and the latest hash (the anchor to keep outside), 1 naming the
// first entry changed, removed or inserted.
func runAuditVerify(e *env, args []string) int {
	fs := newFlags(e, "audit verify", "")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 {
		fs.Usage()
		return ExitUsage
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	h, err := s.VerifyAudit(e.ctx)
	if errors.Is(err, store.ErrAuditTampered) {
		fmt.Fprintf(e.stderr, "pingyi audit verify: %v\n", err)
		return ExitRefused
	}
	if err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "audit chain intact: %d entries\n", h.Seq)
	if h.Hash != "" {
		fmt.Fprintf(e.stdout, "latest hash: %s\n", h.Hash)
	}
	if h.Unchained > 0 {
		fmt.Fprintf(e.stdout, "%d older entries (written before the chain began) are chained by the next change\n", h.Unchained)
	}
	return ExitOK
}
