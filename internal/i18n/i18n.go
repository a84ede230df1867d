// Package i18n translates Pingyi's pages and messages (go-i18n, message
// files embedded from locales/). zh-CN is the default and en is complete:
// a test keeps their keys equal.
//
// Message files are TOML, one table per page ([login], [orgs], …), so
// that the key "title" in table [login] is the message "login.title".
// Keys must not be go-i18n's reserved words (id, description, hash, zero,
// one, two, few, many, other, translation, leftdelim, rightdelim).
// Arguments are Go template fields: "党员 {{.N}}", passed as pairs:
// T("orgs.members_n", "N", 12).
package i18n

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed locales/*.toml
var files embed.FS

// Default is the language used when nothing else matches.
const Default = "zh-CN"

// Supported lists the languages, default first.
var Supported = []string{"zh-CN", "en"}

var tags = []language.Tag{language.MustParse("zh-CN"), language.English}

var matcher = language.NewMatcher(tags)

var (
	bundle      *goi18n.Bundle
	keys        map[string][]string // lang → sorted message IDs
	translators = map[string]*Translator{}
)

// substitution is a message whose only actions are fields ("党员 {{.N}}"):
// lit[0] field[0] lit[1] … lit[len(field)]. T fills it in without
// executing a template (go-i18n runs text/template on every call).
type substitution struct {
	lit   []string
	field []string
}

// parseSubstitution returns the substitution of text, or nil if text has
// actions other than {{.Name}}.
func parseSubstitution(text string) *substitution {
	sub := &substitution{}
	for {
		i := strings.Index(text, "{{")
		if i < 0 {
			sub.lit = append(sub.lit, text)
			break
		}
		j := strings.Index(text[i:], "}}")
		if j < 0 {
			return nil
		}
		name, ok := strings.CutPrefix(text[i+2:i+j], ".")
		if !ok || name == "" {
			return nil
		}
		for k, r := range name {
			if !(r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || k > 0 && '0' <= r && r <= '9') {
				return nil
			}
		}
		sub.lit = append(sub.lit, text[:i])
		sub.field = append(sub.field, name)
		text = text[i+j+2:]
	}
	if len(sub.field) == 0 {
		return nil
	}
	return sub
}

// fill substitutes args (name/value pairs) into sub; ok is false when a
// field has no argument or a value that is not a string or an integer
// (the template then decides how to print it).
func (sub *substitution) fill(args []any) (string, bool) {
	var b strings.Builder
	for i, f := range sub.field {
		b.WriteString(sub.lit[i])
		var v any
		found := false
		for k := 0; k+1 < len(args); k += 2 {
			if name, ok := args[k].(string); ok && name == f {
				v, found = args[k+1], true // the last pair wins, as in a map
			}
		}
		if !found {
			return "", false
		}
		switch v := v.(type) {
		case string:
			b.WriteString(v)
		case int:
			b.WriteString(strconv.Itoa(v))
		case int64:
			b.WriteString(strconv.FormatInt(v, 10))
		case int32:
			b.WriteString(strconv.FormatInt(int64(v), 10))
		default:
			return "", false
		}
	}
	b.WriteString(sub.lit[len(sub.field)])
	return b.String(), true
}

func init() {
	bundle = goi18n.NewBundle(tags[0])
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	keys = map[string][]string{}
	for _, lang := range Supported {
		// locales/LANG.toml, plus one file per area: locales/AREA.LANG.toml
		// (campaigns.zh-CN.toml, stars.en.toml, …).
		paths := []string{"locales/" + lang + ".toml"}
		more, _ := fs.Glob(files, "locales/*."+lang+".toml")
		paths = append(paths, more...)
		var ids []string
		seen := map[string]string{}
		subs := map[string]*substitution{}
		for _, path := range paths {
			mf, err := bundle.LoadMessageFileFS(files, path)
			if err != nil {
				panic(fmt.Sprintf("i18n: %s: %v", path, err))
			}
			for _, m := range mf.Messages {
				if prev, dup := seen[m.ID]; dup {
					panic(fmt.Sprintf("i18n: message %q is in both %s and %s", m.ID, prev, path))
				}
				seen[m.ID] = path
				ids = append(ids, m.ID)
				if m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" && m.LeftDelim == "" && m.RightDelim == "" {
					if sub := parseSubstitution(m.Other); sub != nil {
						subs[m.ID] = sub
					}
				}
			}
		}
		sort.Strings(ids)
		keys[lang] = ids
		translators[lang] = &Translator{lang: lang, loc: goi18n.NewLocalizer(bundle, lang), subs: subs}
	}
}

// Match returns the supported language that best fits the candidates, in
// order of preference: each a language tag ("en", "zh-CN") or an
// Accept-Language header value. Empty candidates are skipped; an exact
// supported tag wins at once. Nothing usable gives Default.
func Match(candidates ...string) string {
	for _, c := range candidates {
		c = strings.TrimSpace(c)
		if c == "" {
			continue
		}
		for _, s := range Supported {
			if strings.EqualFold(c, s) {
				return s
			}
		}
		prefs, _, err := language.ParseAcceptLanguage(c)
		if err != nil || len(prefs) == 0 {
			continue
		}
		_, i, conf := matcher.Match(prefs...)
		if conf >= language.High {
			return Supported[i]
		}
		// A low-confidence match of a Chinese variant is still Chinese;
		// anything else is not.
		if conf > language.No {
			return Supported[i]
		}
	}
	return Default
}

// Valid reports whether lang is a supported language tag, exactly.
func Valid(lang string) bool {
	for _, s := range Supported {
		if s == lang {
			return true
		}
	}
	return false
}

// Translator translates into one language.
type Translator struct {
	lang string
	loc  *goi18n.Localizer
	miss sync.Map
	// plain caches the messages translated without arguments (most of a
	// page's): id → string. Bounded by the message files: only messages
	// that exist are kept.
	plain sync.Map
	// subs: the messages of this language with fields only, filled in
	// without go-i18n (see substitution). Read-only after init.
	subs map[string]*substitution
}

// For returns the translator of lang (Default if lang is not supported).
func For(lang string) *Translator {
	if t, ok := translators[lang]; ok {
		return t
	}
	return translators[Default]
}

// Lang is the translator's language tag.
func (t *Translator) Lang() string { return t.lang }

// T translates the message id with arguments given as name/value pairs.
// A missing message returns the id itself (and is logged once).
func (t *Translator) T(id string, args ...any) string {
	if len(args) == 0 {
		if s, ok := t.plain.Load(id); ok {
			return s.(string)
		}
	}
	if sub := t.subs[id]; sub != nil && len(args) > 0 {
		if s, ok := sub.fill(args); ok {
			return s
		}
	}
	var data map[string]any
	if len(args) > 0 {
		data = make(map[string]any, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			data[fmt.Sprint(args[i])] = args[i+1]
		}
	}
	s, err := t.loc.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data})
	if err != nil {
		if _, seen := t.miss.LoadOrStore(id, true); !seen {
			slog.Warn("missing translation", "lang", t.lang, "id", id)
		}
		return id
	}
	if len(args) == 0 {
		t.plain.Store(id, s)
	}
	return s
}

// Has reports whether lang has the message id.
func Has(lang, id string) bool {
	ks := keys[lang]
	i := sort.SearchStrings(ks, id)
	return i < len(ks) && ks[i] == id
}

// Keys lists the message IDs of lang, sorted.
func Keys(lang string) []string { return append([]string(nil), keys[lang]...) }

// Files exposes the embedded message files (for tests and tools).
func Files() fs.FS { return files }
