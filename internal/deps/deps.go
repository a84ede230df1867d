// Package deps pins the project's module dependencies while packages that
// use them are being written, so that `go mod tidy` keeps them. It is not
// imported by the binary.
package deps

import (
	_ "github.com/BurntSushi/toml"
	_ "github.com/alexedwards/scs/v2"
	_ "github.com/chromedp/chromedp"
	_ "github.com/go-pdf/fpdf"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/nicksnyder/go-i18n/v2/i18n"
	_ "github.com/pressly/goose/v3"
	_ "github.com/skip2/go-qrcode"
	_ "github.com/wcharczuk/go-chart/v2"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/language"
	_ "modernc.org/sqlite"
	_ "pgregory.net/rapid"
)
