package voice

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/pingyi/pingyi/internal/metrics"
	"github.com/pingyi/pingyi/internal/rules"
)

// Collector counts opinions for the metrics (serve --metrics-addr) when
// they are scraped: how many are in each state, and how many are overdue
// (open past a deadline the org has to meet, as Opinion.Overdue). Two
// queries over the opinions row (the state index), nothing replayed.
func (v *Voice) Collector() prometheus.Collector { return &collector{v: v, now: time.Now} }

var (
	opinionsDesc = prometheus.NewDesc(metrics.Namespace+"_opinions", "Opinions (意见建议) by state.", []string{"state"}, nil)
	overdueDesc  = prometheus.NewDesc(metrics.Namespace+"_opinions_overdue", "Open opinions past their acceptance or reply deadline.", nil, nil)
)

type collector struct {
	v   *Voice
	now func() time.Time
}

func (c *collector) Describe(ch chan<- *prometheus.Desc) {
	ch <- opinionsDesc
	ch <- overdueDesc
}

func (c *collector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	byState := map[string]float64{}
	for _, s := range rules.OpinionStates {
		byState[string(s)] = 0
	}
	rows, err := c.v.S.R().Query(ctx, `SELECT state, COUNT(*) FROM opinions GROUP BY state`)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(opinionsDesc, err)
		return
	}
	for rows.Next() {
		var state string
		var n int64
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			ch <- prometheus.NewInvalidMetric(opinionsDesc, err)
			return
		}
		byState[state] = float64(n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		ch <- prometheus.NewInvalidMetric(opinionsDesc, err)
		return
	}
	for s, n := range byState {
		ch <- prometheus.MustNewConstMetric(opinionsDesc, prometheus.GaugeValue, n, s)
	}
	now := fmtDB(c.now())
	var overdue int64
	err = c.v.S.R().QueryRow(ctx, `SELECT COUNT(*) FROM opinions WHERE state IN ('filed', 'routed', 'accepted')
		AND ((reply_by <> '' AND reply_by < ?) OR (state IN ('filed', 'routed') AND accept_by <> '' AND accept_by < ?))`, now, now).Scan(&overdue)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(overdueDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(overdueDesc, prometheus.GaugeValue, float64(overdue))
}
