package voice

import (
	"context"
	"sync"
	"time"

	"github.com/pingyi/pingyi/internal/rules"
	"github.com/pingyi/pingyi/internal/store"
)

// filing is one checked opinion waiting for the intake's writer.
type filing struct {
	l     *ledger
	at    time.Time
	orgID int64
	anon  bool
	a     store.Actor
	audit map[string]any
	done  chan error // nil once written and committed
}

// maxBatch bounds the filings written in one transaction.
const maxBatch = 256

// StartIntake makes Receive hand its writes to one writer that commits the
// filings waiting at that moment together (one transaction, one commit),
// so that many clients filing at once share commits; each Receive still
// returns only once its opinion is committed. stop ends the writer after
// the filings already handed over (call it after the HTTP server has
// stopped).
func (v *Voice) StartIntake() (stop func()) {
	ch := make(chan *filing, maxBatch)
	v.intakeMu.Lock()
	v.intake = ch
	v.intakeMu.Unlock()
	quit := make(chan struct{})
	go func() {
		defer close(quit)
		for f := range ch {
			batch := []*filing{f}
		more:
			for len(batch) < maxBatch {
				select {
				case g, ok := <-ch:
					if !ok {
						break more
					}
					batch = append(batch, g)
				default:
					break more
				}
			}
			v.writeBatch(batch)
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			v.intakeMu.Lock()
			v.intake = nil
			close(ch)
			v.intakeMu.Unlock()
			<-quit
		})
	}
}

// handOver gives a filing to the intake's writer, if it runs (false: the
// caller writes it itself).
func (v *Voice) handOver(l *ledger, at time.Time, orgID int64, anon bool, a store.Actor, audit map[string]any) (*filing, bool) {
	v.intakeMu.RLock()
	defer v.intakeMu.RUnlock()
	if v.intake == nil {
		return nil, false
	}
	l.Ref = "YJ" + randomText(5)
	f := &filing{l: l, at: at, orgID: orgID, anon: anon, a: a, audit: audit, done: make(chan error, 1)}
	v.intake <- f
	return f, true
}

// writeBatch commits the filings together; when that fails (a reference
// clash, say) each is written on its own, with its retries.
func (v *Voice) writeBatch(batch []*filing) {
	ctx := context.Background()
	err := v.S.Tx(ctx, func(q store.Q) error {
		ops := make([][]any, 0, len(batch))
		evs := make([][]any, 0, len(batch))
		for _, f := range batch {
			ops = append(ops, opinionArgs(f.l, v.Loc))
			evs = append(evs, eventArgs(f.l.ID, Event{Seq: 1, Kind: rules.EvReceive, At: f.at, UserID: f.a.UserID}, f.orgID))
		}
		if err := insertRows(ctx, q, "opinions", opinionCols, ops); err != nil {
			return err
		}
		if err := insertRows(ctx, q, "opinion_events", eventCols, evs); err != nil {
			return err
		}
		audits := map[store.Actor][]store.Change{}
		for _, f := range batch {
			if !f.anon {
				audits[f.a] = append(audits[f.a], store.Change{Action: "receive", Entity: "opinion", EntityID: f.l.Ref, After: f.audit})
			}
		}
		for a, cs := range audits {
			if err := store.AuditBatch(ctx, q, a, cs); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		for _, f := range batch {
			f.done <- nil
		}
		return
	}
	for _, f := range batch {
		var err error
		for attempt := 0; ; attempt++ {
			err = v.receiveTx(ctx, f.l, f.at, f.orgID, f.anon, f.a, f.audit)
			if err != nil && attempt < 5 && store.IsUniqueViolation(err) {
				f.l.Ref, f.l.ID = "YJ"+randomText(5), store.RandomID()
				continue
			}
			break
		}
		f.done <- err
	}
}
