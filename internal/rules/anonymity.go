package rules

// Withheld reports whether a target's results are withheld from pages and
// exports (SPEC §2): it has fewer ratings than the campaign's anonymity
// threshold, abstentions included. The one place of the rule: the
// summary's views and the results page and exports ask it.
func Withheld(ratings int64, threshold int) bool { return ratings < int64(threshold) }
