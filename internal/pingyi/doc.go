// Package pingyi holds the domain of Pingyi (评议): the types of SPEC §1–§5,
// their closed vocabularies, and the errors shared by every implementation.
// It does no I/O. Rules (scores, flags, quotas) live in package rules;
// storage in package store; the web in package web; the CLI in cmd/pingyi.
package pingyi
