package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"
)

// TLS modes of the SMTP connection.
const (
	StartTLS = "starttls" // plain connection upgraded with STARTTLS (port 587); required, not opportunistic
	TLS      = "tls"      // TLS from the first byte (port 465)
	NoTLS    = "none"     // no encryption: only for a relay on loopback
)

// SMTP sends e-mail through a submission server with TLS and AUTH PLAIN.
type SMTP struct {
	Addr     string // host:port
	User     string // "" sends without AUTH
	Password string
	From     string // the envelope and header sender, e.g. noreply@etax.example.cn
	Mode     string // StartTLS (default), TLS or NoTLS
	// TLSConfig overrides the TLS settings (tests trust their own CA);
	// nil verifies the server's name against the system's roots.
	TLSConfig *tls.Config
	Timeout   time.Duration // per connection; 30 s when 0
	BaseURL   string        // the hall's address, to make a message's link absolute
}

// Send delivers one message; id becomes its Message-ID, so that a rare
// second delivery of the same job carries the same id and mail clients
// that collapse duplicates show it once.
func (s *SMTP) Send(ctx context.Context, to, subject, body, id string) error {
	return s.SendAccepted(ctx, to, subject, body, id, nil)
}

// SendAccepted is Send that calls accepted (when not nil) the moment the
// server has taken responsibility for the message — its 250 reply to the
// end of DATA (RFC 5321 §4.1.1.4) — before QUIT. From then on the message
// counts as sent: a failed or slow QUIT is ignored instead of making the
// job send it again. accepted's error is returned.
func (s *SMTP) SendAccepted(ctx context.Context, to, subject, body, id string, accepted func() error) (err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("smtp %s: %w", s.Addr, err)
		}
	}()
	if strings.ContainsAny(to, "\r\n<>") || strings.ContainsAny(s.From, "\r\n<>") {
		return errors.New("bad address")
	}
	host, _, err := net.SplitHostPort(s.Addr)
	if err != nil {
		return err
	}
	timeout := s.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	if dl, ok := ctx.Deadline(); ok && time.Until(dl) < timeout {
		timeout = time.Until(dl)
	}
	tc := s.TLSConfig
	if tc == nil {
		tc = &tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}
	}
	dialer := &net.Dialer{Timeout: timeout}
	var conn net.Conn
	if s.Mode == TLS {
		conn, err = tls.DialWithDialer(dialer, "tcp", s.Addr, tc)
	} else {
		conn, err = dialer.DialContext(ctx, "tcp", s.Addr)
	}
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(time.Now().Add(timeout)); err != nil {
		return err
	}
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Hello("localhost"); err != nil {
		return err
	}
	if s.Mode == "" || s.Mode == StartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok {
			return errors.New("the server does not offer STARTTLS")
		}
		if err := c.StartTLS(tc); err != nil {
			return err
		}
	}
	if s.User != "" {
		// PlainAuth refuses to send the password over a connection that
		// is neither TLS nor to localhost.
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(s.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(s.compose(to, subject, body, id)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	if accepted != nil {
		if err := accepted(); err != nil {
			return err
		}
	}
	_ = c.Quit() // the message was accepted; the goodbye does not change that
	return nil
}

// compose builds the RFC 5322 message: UTF-8 subject as an encoded word,
// the body base64 in 76-character lines (Chinese text survives any relay).
func (s *SMTP) compose(to, subject, body, id string) []byte {
	var b bytes.Buffer
	sum := sha256.Sum256([]byte(id))
	domain := "taxhall.local"
	if at := strings.LastIndex(s.From, "@"); at >= 0 {
		domain = s.From[at+1:]
	}
	fmt.Fprintf(&b, "From: %s\r\n", mime.BEncoding.Encode("UTF-8", "电子税务局")+" <"+s.From+">")
	fmt.Fprintf(&b, "To: <%s>\r\n", to)
	fmt.Fprintf(&b, "Subject: %s\r\n", mime.BEncoding.Encode("UTF-8", subject))
	fmt.Fprintf(&b, "Date: %s\r\n", time.Now().Format(time.RFC1123Z))
	fmt.Fprintf(&b, "Message-ID: <%s@%s>\r\n", hex.EncodeToString(sum[:16]), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(body))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
