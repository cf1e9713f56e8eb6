// Package ratelog is a log/slog warning logger that writes at most one line
// per interval and says how many it held back, so that an outage at a
// thousand requests a second logs a line every few seconds, not a thousand.
//
// It imports only the standard library.
package ratelog
