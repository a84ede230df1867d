package doublereport

// InsertRows is insertBatch, for the benchmarks' fill.
var InsertRows = insertBatch
