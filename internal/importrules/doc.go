// Package importrules holds the test of the import rules of
// ARCHITECTURE.md, read from `go list -deps`: the pipeline uses the
// standard library only, adapters import the pipeline and their own
// libraries but not each other, and cmd/webhook links no BuildKit,
// registry or gateway client. It has no code of its own.
package importrules
