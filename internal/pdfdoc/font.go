// Package pdfdoc renders the hall's printable documents (tax certificates,
// 纳税记录) as PDF with an embedded Chinese font and a QR code. The layout
// is a plain official sheet: a title, a number line, label–value fields, a
// ruled table, totals and notes, and a QR code that points at the public
// verification page.
//
// The font is not in the repository (15.7 MB, OFL): it is found on the
// machine (Debian fonts-lxgw-wenkai), named by TAXHALL_CJK_FONT or the
// serve command's --cjk-font flag. Without it a download answers with a
// plain Chinese message (ErrNoFont) instead of failing obscurely.
package pdfdoc

import (
	"os"

	"taxhall/internal/apperr"
)

// FontEnv names the environment variable that points at a TTF font.
const FontEnv = "TAXHALL_CJK_FONT"

// KnownFonts are where Debian and Ubuntu install LXGW WenKai, a TrueType
// (not TTC: gopdf reads only TTF) font that covers CJK, Latin, digits and
// ¥. fonts-arphic-gbsn00lp lacks ¥; noto/wqy are TTC only.
var KnownFonts = []string{
	"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
	"/usr/share/fonts/truetype/lxgw/LXGWWenKai-Regular.ttf",
	"/usr/local/share/fonts/LXGWWenKai-Regular.ttf",
}

// ErrNoFont is the answer to a PDF download on a machine without the font.
var ErrNoFont = apperr.New(apperr.Unavailable,
	"暂时无法生成 PDF：服务器未安装中文字体（霞鹜文楷 fonts-lxgw-wenkai）。请稍后再试，或联系系统管理员安装字体（也可用 TAXHALL_CJK_FONT 指定 TTF 字体文件）。")

// FindFont returns the font to use: explicit (the --cjk-font flag) if set,
// else $TAXHALL_CJK_FONT, else the first of KnownFonts that exists. It
// returns "" and ErrNoFont when none is there; a path that was named but
// does not exist is also ErrNoFont, so a typo is noticed.
func FindFont(explicit string) (string, error) {
	for _, p := range []string{explicit, os.Getenv(FontEnv)} {
		if p != "" {
			if fileExists(p) {
				return p, nil
			}
			return "", ErrNoFont
		}
	}
	for _, p := range KnownFonts {
		if fileExists(p) {
			return p, nil
		}
	}
	return "", ErrNoFont
}

func fileExists(p string) bool {
	st, err := os.Stat(p) // #nosec G703 -- the operator's configured font path, or a fixed one
	return err == nil && st.Mode().IsRegular()
}
