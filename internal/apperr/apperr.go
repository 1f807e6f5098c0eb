// Package apperr defines the coded errors that services return and the one
// table (Status) by which the web and API layers map them to HTTP statuses.
package apperr

import (
	"errors"
	"fmt"
	"net/http"

	"taxhall/internal/input"
)

// Code classifies an error for callers; it decides the HTTP status.
type Code string

const (
	Invalid         Code = "invalid"         // bad input; Fields says which
	NotFound        Code = "not_found"       // missing, or hidden from this actor
	Forbidden       Code = "forbidden"       // authenticated but not allowed
	Conflict        Code = "conflict"        // duplicate or stale state
	Unauthenticated Code = "unauthenticated" // no or bad credentials
	TooMany         Code = "too_many"        // rate limited
	Unavailable     Code = "unavailable"     // a dependency is missing (e.g. the PDF font); try later
	Internal        Code = "internal"        // a bug or an outage

	// Codes of malformed requests, produced by the web and API adapters.
	BadRequest       Code = "bad_request"            // unparsable request or bad bytes
	UnsupportedType  Code = "unsupported_media_type" // wrong Content-Type
	TooLarge         Code = "too_large"              // body over the limit
	MethodNotAllowed Code = "method_not_allowed"     // path exists for other methods
)

// statuses is the one table from error code to HTTP status.
var statuses = map[Code]int{
	Invalid:          http.StatusUnprocessableEntity,
	NotFound:         http.StatusNotFound,
	Forbidden:        http.StatusForbidden,
	Conflict:         http.StatusConflict,
	Unauthenticated:  http.StatusUnauthorized,
	TooMany:          http.StatusTooManyRequests,
	Unavailable:      http.StatusServiceUnavailable,
	Internal:         http.StatusInternalServerError,
	BadRequest:       http.StatusBadRequest,
	UnsupportedType:  http.StatusUnsupportedMediaType,
	TooLarge:         http.StatusRequestEntityTooLarge,
	MethodNotAllowed: http.StatusMethodNotAllowed,
}

// Status is the HTTP status for code; unknown codes are 500.
func Status(code Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// Codes lists every code a client can see, for API documentation.
func Codes() []Code {
	out := make([]Code, 0, len(statuses))
	for c := range statuses {
		out = append(out, c)
	}
	return out
}

// Error is the one error type services return to their callers.
type Error struct {
	Code    Code
	Message string            // Chinese, safe to show to the user
	Fields  map[string]string // per-field Chinese messages, for Invalid
	Err     error             // wrapped cause, never shown
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return string(e.Code) + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error with a code and a user-facing message.
func New(code Code, msg string) *Error { return &Error{Code: code, Message: msg} }

// Fields collects per-field validation messages; its Err method returns nil
// when nothing was added, so a service can write `if err := f.Err(); err != nil`.
type Fields map[string]string

// Add records msg for field unless the field already has a message (the first
// problem found is the one shown).
func (f Fields) Add(field, msg string) {
	if _, ok := f[field]; !ok {
		f[field] = msg
	}
}

// Check adds err's message for field when err is not nil.
func (f Fields) Check(field string, err error) {
	if err != nil {
		f.Add(field, err.Error())
	}
}

// Text adds a message for field when s is not acceptable text of at most
// max characters (valid UTF-8, no control characters: see input.Check),
// and reports whether it was acceptable. Services check every text they
// store or query with it, so bad bytes are a field error and never reach
// PostgreSQL (which answers them with SQLSTATE 22021, a 500).
func (f Fields) Text(field, s string, max int) bool {
	if msg := input.Check(s, max); msg != "" {
		f.Add(field, msg)
		return false
	}
	return true
}

// Err returns an Invalid error carrying the fields, or nil.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Code: Invalid, Message: "提交的信息有误，请按提示修改", Fields: f}
}

// InvalidField is a shortcut for one bad field.
func InvalidField(field, msg string) error {
	return &Error{Code: Invalid, Message: msg, Fields: map[string]string{field: msg}}
}

// CodeOf returns the code of err, Internal for errors that are not *Error.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// As returns err as *Error, wrapping unknown errors as Internal.
func As(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: Internal, Message: "系统内部错误，请稍后再试", Err: err}
}
