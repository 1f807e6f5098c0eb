// Package ticket makes the tracking numbers and secret query codes of
// complaints and consultations: a person without an account follows up
// with the number and the code. The code is random, shown once, and only
// its hash is stored; lookups are throttled against guessing.
package ticket

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math/big"
	"strings"
	"time"

	"taxhall/internal/apperr"
	"taxhall/internal/auth"
	"taxhall/internal/db"
)

// codeAlphabet leaves out 0/O, 1/I/L: a code is read from paper and typed.
const codeAlphabet = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

// CodeLen is the length of a query code: 31^10 ≈ 8·10^14 codes.
const CodeLen = 10

func randomString(alphabet string, n int) string {
	var b strings.Builder
	limit := big.NewInt(int64(len(alphabet)))
	for range n {
		i, err := rand.Int(rand.Reader, limit)
		if err != nil {
			panic(err) // crypto/rand does not fail on supported systems
		}
		b.WriteByte(alphabet[i.Int64()])
	}
	return b.String()
}

// NewNumber returns a tracking number: prefix, the date in China and eight
// random digits ("TS2026112312345678"). Callers insert it under a UNIQUE
// constraint and draw again on the rare collision.
func NewNumber(prefix string, now time.Time) string {
	return prefix + now.In(time.FixedZone("CST", 8*3600)).Format("20060102") + randomString("0123456789", 8)
}

// NewCode returns a fresh query code.
func NewCode() string { return randomString(codeAlphabet, CodeLen) }

// Hash is what is stored of a code: SHA-256 over the number and the code,
// normalised (upper case, no spaces or dashes).
func Hash(number, code string) string {
	sum := sha256.Sum256([]byte(strings.ToUpper(strings.TrimSpace(number)) + ":" + Normalize(code)))
	return hex.EncodeToString(sum[:])
}

// Normalize upper-cases a typed code and drops spaces and dashes.
func Normalize(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(strings.TrimSpace(code)))
}

// Matches reports whether code is the one whose hash is stored.
func Matches(stored, number, code string) bool {
	return subtle.ConstantTimeCompare([]byte(stored), []byte(Hash(number, code))) == 1
}

// Limits of lookups against guessing, per FailureWindow: per client address
// and per tracking number (from all addresses).
const (
	AddressLimit = 20
	NumberLimit  = 10
	Window       = 15 * time.Minute
)

// Admit reserves one lookup of number for the client in ctx, or refuses
// with TooMany: the throttle counters of package auth, one atomic upsert
// each, so parallel guesses get distinct counts.
func Admit(ctx context.Context, q db.Querier, kind, number string, now time.Time) error {
	if ip := auth.IPFrom(ctx); ip != "" {
		n, err := auth.CountAttempt(ctx, q, kind+"-ip:"+ip, now, Window)
		if err != nil {
			return err
		}
		if n > AddressLimit {
			return apperr.New(apperr.TooMany, "查询次数过多，请15分钟后再试")
		}
	}
	n, err := auth.CountAttempt(ctx, q, kind+"-no:"+strings.ToUpper(strings.TrimSpace(number)), now, Window)
	if err != nil {
		return err
	}
	if n > NumberLimit {
		return apperr.New(apperr.TooMany, "该编号查询次数过多，请15分钟后再试")
	}
	return nil
}

// Entry is one message in a case's thread (a complaint's or a question's):
// who wrote it (the package's author word), the staff member's name when
// staff wrote it, the text and when.
type Entry struct {
	Author    string
	StaffName string
	Body      string
	CreatedAt time.Time
}

// Entries reads a case's thread, oldest first: table is the entries table
// and parent its column naming the case (constants of the calling package,
// never user input).
func Entries(ctx context.Context, q db.Querier, table, parent string, id int64) ([]Entry, error) {
	return db.Query(ctx, q, func(sc db.Scanner) (Entry, error) {
		var e Entry
		var at string
		err := sc.Scan(&e.Author, &e.StaffName, &e.Body, &at)
		e.CreatedAt = db.ParseTS(at)
		return e, err
	}, // #nosec G202 -- table and parent are constants of the calling package.
		`SELECT e.author, COALESCE(s.name, ''), e.body, e.created_at FROM `+table+` e LEFT JOIN staff s ON s.id = e.staff_id
		WHERE e.`+parent+` = $1 ORDER BY e.id`, id)
}
