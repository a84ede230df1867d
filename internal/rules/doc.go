// Package rules holds the rules of Pingyi (评议) as pure functions: no I/O,
// no database, no clock. Everything here is computed exactly, on integers
// and math/big rationals; nothing is compared after rounding.
//
// appraisal.go — mass appraisal results (群众评议, SPEC §2):
//   - scores and satisfaction rates of a target from its tally of ratings;
//   - R1 admonish/no_award (诫勉谈话, 取消评先评优资格: score < 60, seed 004);
//   - R2 not_typical (不得作为先进典型: rate < 80%, seed 004);
//   - R3 below_average and no_advanced_collective (低于平均水平,
//     取消先进集体评选资格, seed 004);
//   - R4 low_mass_share (群众代表不少于80%, seed 000);
//   - R5 no_ballots (every organization and member is appraised, seed 002);
//   - the formats of the results file (SPEC §6): two decimals, half up.
//
// star.go — star management (党员星级管理, SPEC §3 and the star commands of
// §6, seed 003): caps by category, validation of a star row, levels,
// the 30% quota of excellent members per branch and cap group, helper
// pairing of poor members (后进党员) with excellent ones, and the suggested
// rating from the three assessments (自评, 互评, 群众评议).
package rules
