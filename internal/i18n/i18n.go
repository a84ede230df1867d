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
	"maps"
	pathpkg "path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

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
	keys        = map[string][]string{} // lang → sorted message IDs (written under regMu at start)
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
	for _, lang := range Supported {
		translators[lang] = &Translator{lang: lang, loc: goi18n.NewLocalizer(bundle, lang)}
		translators[lang].subs.Store(&map[string]*substitution{})
	}
	// locales/LANG.toml, plus one file per area: locales/AREA.LANG.toml
	// (campaigns.zh-CN.toml, inputerr.en.toml, …).
	if err := register(files, "locales"); err != nil {
		panic(err)
	}
}

// Register adds the message files of a feature package: AREA.LANG.toml
// at the root of fsys, one pair per area, for every supported language
// (web.Server.Add calls it with the feature's Translations). A message ID
// may be defined once; registering the same files again is a no-op.
func Register(fsys fs.FS) error {
	if fsys == nil {
		return nil
	}
	return register(fsys, ".")
}

var (
	regMu      sync.RWMutex                     // Register writes; Has and Keys read
	registered = map[string]string{}            // file name → its content (idempotence)
	sources    = map[string]string{}            // message ID → file name, per language: "lang\x00id"
	rawFiles   = map[string]map[string]string{} // lang → message ID → text (Problems)
)

func register(fsys fs.FS, dir string) error {
	regMu.Lock()
	defer regMu.Unlock()
	for _, lang := range Supported {
		pattern := "*." + lang + ".toml"
		if dir != "." {
			pattern = dir + "/" + pattern
		}
		paths, err := fs.Glob(fsys, pattern)
		if err != nil {
			return err
		}
		if dir != "." {
			paths = append([]string{dir + "/" + lang + ".toml"}, paths...)
		}
		t := translators[lang]
		subs := maps.Clone(*t.subs.Load())
		ids := slices.Clone(keys[lang])
		added := false
		for _, path := range paths {
			b, err := fs.ReadFile(fsys, path)
			if err != nil {
				return fmt.Errorf("i18n: %s: %w", path, err)
			}
			name := pathpkg.Base(path)
			if prev, ok := registered[name]; ok {
				if prev == string(b) {
					continue
				}
				return fmt.Errorf("i18n: two message files named %s", name)
			}
			mf, err := goi18n.ParseMessageFileBytes(b, path, map[string]goi18n.UnmarshalFunc{"toml": toml.Unmarshal})
			if err != nil {
				return fmt.Errorf("i18n: %s: %w", path, err)
			}
			for _, m := range mf.Messages {
				if prev, dup := sources[lang+"\x00"+m.ID]; dup {
					return fmt.Errorf("i18n: message %q is in both %s and %s", m.ID, prev, name)
				}
			}
			if err := bundle.AddMessages(mf.Tag, mf.Messages...); err != nil {
				return fmt.Errorf("i18n: %s: %w", path, err)
			}
			registered[name] = string(b)
			added = true
			if rawFiles[lang] == nil {
				rawFiles[lang] = map[string]string{}
			}
			for _, m := range mf.Messages {
				sources[lang+"\x00"+m.ID] = name
				rawFiles[lang][m.ID] = m.Other
				ids = append(ids, m.ID)
				if m.Zero == "" && m.One == "" && m.Two == "" && m.Few == "" && m.Many == "" && m.LeftDelim == "" && m.RightDelim == "" {
					if sub := parseSubstitution(m.Other); sub != nil {
						subs[m.ID] = sub
					}
				}
			}
		}
		if !added {
			continue
		}
		sort.Strings(ids)
		keys[lang] = ids
		t.subs.Store(&subs)
	}
	return nil
}

// Problems lists what is wrong with the messages registered so far: a
// message one language has and another lacks, an empty message, or a
// message whose arguments differ between languages. Tests of the
// assembled product call it after every feature registered its files.
func Problems() []string {
	regMu.RLock()
	defer regMu.RUnlock()
	arg := regexp.MustCompile(`\{\{\s*\.(\w+)\s*\}\}`)
	args := func(s string) []string {
		var out []string
		for _, m := range arg.FindAllStringSubmatch(s, -1) {
			out = append(out, m[1])
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	var out []string
	def := rawFiles[Default]
	for _, lang := range Supported {
		for id, text := range rawFiles[lang] {
			if strings.TrimSpace(text) == "" {
				out = append(out, fmt.Sprintf("%s: %s is empty", lang, id))
			}
			if lang == Default {
				continue
			}
			d, ok := def[id]
			if !ok {
				out = append(out, fmt.Sprintf("%s has %s, %s lacks it", lang, id, Default))
			} else if !slices.Equal(args(d), args(text)) {
				out = append(out, fmt.Sprintf("%s: arguments %v in %s but %v in %s", id, args(d), Default, args(text), lang))
			}
		}
		if lang == Default {
			continue
		}
		for id := range def {
			if _, ok := rawFiles[lang][id]; !ok {
				out = append(out, fmt.Sprintf("%s lacks %s", lang, id))
			}
		}
	}
	sort.Strings(out)
	return out
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
	// without go-i18n (see substitution). Replaced whole by Register.
	subs atomic.Pointer[map[string]*substitution]
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
	if sub := (*t.subs.Load())[id]; sub != nil && len(args) > 0 {
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
	regMu.RLock()
	defer regMu.RUnlock()
	ks := keys[lang]
	i := sort.SearchStrings(ks, id)
	return i < len(ks) && ks[i] == id
}

// Keys lists the message IDs of lang, sorted.
func Keys(lang string) []string {
	regMu.RLock()
	defer regMu.RUnlock()
	return append([]string(nil), keys[lang]...)
}

// Files exposes the embedded message files (for tests and tools).
func Files() fs.FS { return files }
