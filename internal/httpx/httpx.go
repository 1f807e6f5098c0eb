// Package httpx holds the few request helpers that the web pages and the
// JSON API share, so that both read a client address and a path id the same
// way.
package httpx

import (
	"net"
	"net/http"
	"strconv"

	"taxhall/internal/apperr"
)

// ClientIP is the peer address of r without its port. A proxy in front must
// be trusted to pass the real one, which is the server's business: the hall
// never reads X-Forwarded-For, so a client cannot choose its own address
// for throttling or the audit log.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// PathID parses the numeric path value name; anything else (missing, not a
// number, zero, negative, overflowing) names no resource and is NotFound.
func PathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, apperr.New(apperr.NotFound, "请求的资源不存在")
	}
	return id, nil
}
