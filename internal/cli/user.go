package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

func init() {
	register(command{name: "user add", args: "--username U --role ROLE [--org CODE] [--member CODE] [--name NAME] [--password P]",
		short: "create a login account (prints a generated password if none given)", run: runUserAdd})
	register(command{name: "user password", args: "--username U [--password P]",
		short: "set an account's password (prints a generated one if none given)", run: runUserPassword})
}

const roleList = "admin, org_admin, secretary, member or inspector"

func runUserAdd(e *env, args []string) int {
	fs := newFlags(e, "user add", "--username U --role ROLE [--org CODE] [--member CODE] [--name NAME] [--password P]")
	username := fs.String("username", "", "login name (required)")
	role := fs.String("role", "", roleList+" (required)")
	orgCode := fs.String("org", "", "code of the org whose subtree the account sees (all roles but admin; members and secretaries default to their branch)")
	memberCode := fs.String("member", "", "code of the member the account is (member and secretary)")
	name := fs.String("name", "", "display name")
	password := fs.String("password", "", "password (at least 8 characters; default: generated and printed)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	switch {
	case len(pos) > 0:
		fs.Usage()
		return ExitUsage
	case *username == "" || *role == "":
		fmt.Fprintln(e.stderr, "pingyi user add: --username and --role are required")
		fs.Usage()
		return ExitUsage
	case !pingyi.ValidRole(*role):
		return fail(e, usageError{fmt.Sprintf("unknown role %q (%s)", *role, roleList)})
	}
	r := pingyi.Role(*role)
	needMember := r == pingyi.RoleMember || r == pingyi.RoleSecretary
	if needMember && *memberCode == "" {
		return fail(e, usageError{fmt.Sprintf("a %s account needs --member", r)})
	}
	if r == pingyi.RoleAdmin && (*orgCode != "" || *memberCode != "") {
		return fail(e, usageError{"an admin account has no --org nor --member: it sees everything"})
	}
	if !needMember && r != pingyi.RoleAdmin && *orgCode == "" {
		return fail(e, usageError{fmt.Sprintf("a %s account needs --org", r)})
	}
	pw, generated := *password, false
	if pw == "" {
		pw, generated = auth.Generate(12), true
	}
	if err := auth.CheckPolicy(pw); err != nil {
		return fail(e, usageError{fmt.Sprintf("password: at least %d characters", auth.MinLength)})
	}

	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	u := &pingyi.User{Username: *username, DisplayName: *name, Role: r}
	var memberPath string
	if *memberCode != "" {
		m, path, err := s.Member(e.ctx, *memberCode)
		if err != nil {
			return fail(e, fmt.Errorf("member %q: %w", *memberCode, err))
		}
		u.MemberID, memberPath = m.ID, path
		if *orgCode == "" {
			*orgCode = m.OrgCode
		}
		if u.DisplayName == "" {
			u.DisplayName = m.Name
		}
	}
	if *orgCode != "" {
		o, err := s.Org(e.ctx, *orgCode)
		if err != nil {
			return fail(e, fmt.Errorf("org %q: %w", *orgCode, err))
		}
		u.OrgID = o.ID
		if u.MemberID != 0 && !strings.HasPrefix(memberPath, o.Path) {
			return fail(e, fmt.Errorf("member %q is not in the subtree of org %q", *memberCode, *orgCode))
		}
	}
	if u.PasswordHash, err = auth.Hash(pw); err != nil {
		return fail(e, err)
	}
	if err := s.CreateUser(e.ctx, u, store.CLI); err != nil {
		if errors.Is(err, pingyi.ErrConflict) {
			return fail(e, fmt.Errorf("username %q is taken", *username))
		}
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "created %s (%s)\n", u.Username, u.Role)
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", pw)
	}
	return ExitOK
}

func runUserPassword(e *env, args []string) int {
	fs := newFlags(e, "user password", "--username U [--password P]")
	username := fs.String("username", "", "login name (required)")
	password := fs.String("password", "", "new password (default: generated and printed)")
	pos, st := parse(e, fs, args)
	if st >= 0 {
		return st
	}
	if len(pos) > 0 || *username == "" {
		fs.Usage()
		return ExitUsage
	}
	pw, generated := *password, false
	if pw == "" {
		pw, generated = auth.Generate(12), true
	}
	if err := auth.CheckPolicy(pw); err != nil {
		return fail(e, usageError{fmt.Sprintf("password: at least %d characters", auth.MinLength)})
	}
	s, err := e.open()
	if err != nil {
		return fail(e, err)
	}
	defer s.Close()
	u, err := s.User(e.ctx, *username)
	if err != nil {
		return fail(e, fmt.Errorf("user %q: %w", *username, err))
	}
	if u.PasswordHash, err = auth.Hash(pw); err != nil {
		return fail(e, err)
	}
	if err := s.UpdateUser(e.ctx, u, store.CLI); err != nil {
		return fail(e, err)
	}
	fmt.Fprintf(e.stdout, "password of %s changed\n", u.Username)
	if generated {
		fmt.Fprintf(e.stdout, "password: %s\n", pw)
	}
	return ExitOK
}
