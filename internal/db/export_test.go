package db

// MaxAttempts exposes maxAttempts to the external tests.
const MaxAttempts = maxAttempts
