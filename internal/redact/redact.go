// Package redact takes credentials out of URLs before they are shown: in
// output, in logs and in error messages.
package redact

import (
	"net/url"
	"regexp"
	"strings"
)

// URL returns a URL as it may be shown: without the parts in which
// webhooks' and servers' URLs carry credentials and tokens, the userinfo
// (user:password@, shown as xxxxx@), the query (?REDACTED) and the
// fragment (#REDACTED). url.URL.Redacted hides the password only.
func URL(raw string) string {
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return loosely(raw)
	case u.Opaque != "":
		return u.Scheme + ":REDACTED"
	}
	if u.User != nil {
		u.User = url.User("xxxxx")
	}
	if u.RawQuery != "" || u.ForceQuery {
		u.RawQuery, u.ForceQuery = "REDACTED", false
	}
	if u.Fragment != "" || u.RawFragment != "" {
		u.Fragment, u.RawFragment = "REDACTED", ""
	}
	return u.String()
}

// loosely redacts as URL does a URL that does not parse (or
// is cut short in a message), by its delimiters: the userinfo ends with
// the last "@" before the first "/", "?" or "#" after "://"; the query or
// fragment starts at the first "?" or "#".
func loosely(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		scheme, rest = "", raw
	} else {
		scheme += "://"
	}
	end := len(rest)
	if i := strings.IndexAny(rest, "?#"); i >= 0 {
		rest, end = rest[:i+1]+"REDACTED", i
	}
	if i := strings.IndexAny(rest[:end], "/"); i >= 0 {
		end = i
	}
	if at := strings.LastIndexByte(rest[:end], '@'); at >= 0 {
		rest = "xxxxx" + rest[at:]
	}
	return scheme + rest
}

// urlPattern finds what looks like a URL with a scheme in a message.
var urlPattern = regexp.MustCompile(`[A-Za-z][A-Za-z0-9+.-]*://[^\s"'<>]+`)

// URLs redacts, as URL does, the URLs in a message.
func URLs(msg string) string {
	return urlPattern.ReplaceAllStringFunc(msg, URL)
}

// Replacer returns a replacer that takes the URL raw out of a message,
// and the parts of it that URL hides, which an error or a
// receiver's answer may quote on their own: the userinfo, the query, and
// its values and the password when they are long enough to be told from
// other text.
func Replacer(raw string) *strings.Replacer {
	pairs := []string{raw, URL(raw)}
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return strings.NewReplacer(pairs...)
	}
	if u.User != nil {
		pairs = append(pairs, u.User.String(), "xxxxx")
		if p, ok := u.User.Password(); ok && len(p) >= 4 {
			pairs = append(pairs, p, "xxxxx")
		}
	}
	if u.RawQuery != "" {
		pairs = append(pairs, u.RawQuery, "REDACTED")
		for _, values := range u.Query() {
			for _, v := range values {
				if len(v) >= 4 {
					pairs = append(pairs, v, "REDACTED")
				}
			}
		}
	}
	if f := u.EscapedFragment(); f != "" {
		pairs = append(pairs, "#"+f, "#REDACTED")
	}
	return strings.NewReplacer(pairs...)
}
