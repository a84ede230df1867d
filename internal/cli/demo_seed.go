package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/pingyi/pingyi/internal/auth"
	"github.com/pingyi/pingyi/internal/demo"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// demoSeed is the seed of the demo district: the same tree every time.
const demoSeed = 20260701

// demoScale is the size of the demo tree (tests make it smaller).
var demoScale = demo.District

// demoActor signs the demo data in the audit log.
var demoActor = store.Actor{Username: "demo"}

// demoLogin is one demo account as printed on the console.
type demoLogin struct {
	Label    string // 系统管理员, 组织管理员（XX镇）…
	Username string
	Password string
}

// seedDemo fills an empty database with the demo district (internal/demo)
// and creates the demo accounts — admin, an org admin and an inspector of
// one town, the secretary of one of its village branches and a member of
// that branch — each with a fresh random password. On a database that
// already has orgs nothing is imported: the admin account is created or
// its password reset, and demo accounts left by an earlier run get new
// passwords, so that the printed logins work.
//
// Campaigns and other demo data are to be added here, after the tree.
// base is the address the printed links start with (where serve listens,
// or --base-url).
func seedDemo(ctx context.Context, st *store.Store, w io.Writer, base string) ([]demoLogin, error) {
	nOrgs, _, err := st.Counts(ctx, pingyi.Scope{})
	if err != nil {
		return nil, err
	}
	fresh := nOrgs == 0
	if fresh {
		fmt.Fprintln(w, "正在生成演示数据（慈溪式区县：约 450 个党组织、4 万名党员）… generating the demo district…")
		if err := importDemoTree(ctx, st); err != nil {
			return nil, err
		}
		nOrgs, nMembers, err := st.Counts(ctx, pingyi.Scope{})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(w, "演示数据已导入 demo data imported: %d 个党组织 orgs, %d 名党员 members\n", nOrgs, nMembers)
	} else {
		fmt.Fprintf(w, "数据库中已有 %d 个党组织，不再导入演示数据 (the database already has orgs: no demo data imported)\n", nOrgs)
	}

	var logins []demoLogin
	admin, err := ensureDemoAccount(ctx, st, &pingyi.User{Username: "admin", DisplayName: "系统管理员", Role: pingyi.RoleAdmin}, true)
	if err != nil {
		return nil, err
	}
	logins = append(logins, demoLogin{"系统管理员 (system admin)", "admin", admin})

	pick, err := pickDemoObjects(ctx, st)
	if err != nil {
		return nil, err
	}
	if pick == nil {
		return logins, nil
	}
	if fresh {
		if err := seedDemoCampaigns(ctx, st, pick, w, base); err != nil {
			return nil, fmt.Errorf("demo campaigns: %w", err)
		}
		if err := seedDemoVoice(ctx, st, pick, w, base); err != nil {
			return nil, fmt.Errorf("demo opinions: %w", err)
		}
	}
	accounts := []struct {
		label string
		u     pingyi.User
	}{
		{"组织管理员 (org admin)，" + pick.town.Name, pingyi.User{Username: "town_admin", DisplayName: pick.town.Name + "管理员",
			Role: pingyi.RoleOrgAdmin, OrgID: pick.town.ID}},
		{"支部书记 (branch secretary)，" + pick.branch.Name, pingyi.User{Username: "secretary", DisplayName: pick.secretary.Name,
			Role: pingyi.RoleSecretary, OrgID: pick.branch.ID, MemberID: pick.secretary.ID}},
		{"督查员 (inspector)，" + pick.town.Name, pingyi.User{Username: "inspector", DisplayName: pick.town.Name + "督查员",
			Role: pingyi.RoleInspector, OrgID: pick.town.ID}},
		{"党员 (member)，" + pick.member.Name, pingyi.User{Username: "member", DisplayName: pick.member.Name,
			Role: pingyi.RoleMember, OrgID: pick.branch.ID, MemberID: pick.member.ID}},
	}
	for _, a := range accounts {
		pw, err := ensureDemoAccount(ctx, st, &a.u, fresh)
		if err != nil {
			return nil, err
		}
		if pw != "" {
			logins = append(logins, demoLogin{a.label, a.u.Username, pw})
		}
	}
	drLogins, err := seedDemoDoubleReport(ctx, st, fresh, w)
	if err != nil {
		return nil, fmt.Errorf("demo double report: %w", err)
	}
	return append(logins, drLogins...), nil
}

// importDemoTree streams the demo district into the database.
func importDemoTree(ctx context.Context, st *store.Store) error {
	var orgs []store.OrgRow
	var members []store.MemberRow
	has := map[string]bool{"phone": true, "gender": true, "birth_year": true, "home_unit": true, "community_code": true, "id_number": true}
	err := demo.Generate(demoScale, demoSeed, func(o pingyi.Org) error {
		orgs = append(orgs, store.OrgRow{Line: len(orgs) + 2, Code: o.Code, Name: o.Name, Type: string(o.Type),
			Domain: string(o.Domain), ParentCode: o.ParentCode, WindowUnit: strconv.FormatBool(o.WindowUnit)})
		return nil
	}, func(m pingyi.Member) error {
		by := ""
		if m.BirthYear != 0 {
			by = strconv.Itoa(m.BirthYear)
		}
		members = append(members, store.MemberRow{Line: len(members) + 2, Code: m.Code, Name: m.Name, OrgCode: m.OrgCode,
			Category: string(m.Category), IsSecretary: strconv.FormatBool(m.IsSecretary), Phone: m.Phone, Gender: m.Gender,
			BirthYear: by, HomeUnit: m.HomeUnit, CommunityCode: m.CommunityCode, IDNumber: m.IDNumber, Has: has})
		return nil
	})
	if err != nil {
		return err
	}
	if _, err := st.ImportOrgs(ctx, orgs, demoActor); err != nil {
		return fmt.Errorf("demo orgs: %w", err)
	}
	if _, err := st.ImportMembers(ctx, members, demoActor); err != nil {
		return fmt.Errorf("demo members: %w", err)
	}
	return nil
}

type demoObjects struct {
	town, branch      pingyi.Org
	secretary, member pingyi.Member
}

// pickDemoObjects finds the town, village branch, secretary and member of
// the demo accounts: the first town committee under the root (rural if
// any), its first branch with a secretary and another member.
func pickDemoObjects(ctx context.Context, st *store.Store) (*demoObjects, error) {
	all := pingyi.Scope{}
	roots, err := st.Children(ctx, all, 0)
	if err != nil || len(roots) == 0 {
		return nil, err
	}
	kids, err := st.Children(ctx, all, roots[0].ID)
	if err != nil {
		return nil, err
	}
	var towns []pingyi.Org
	for _, want := range []pingyi.Domain{pingyi.DomainRural, pingyi.DomainCommunity, ""} {
		for _, k := range kids {
			if k.Type == pingyi.OrgCommittee && (want == "" || k.Domain == want) {
				towns = append(towns, k)
			}
		}
	}
	for _, town := range towns {
		branches, err := st.Children(ctx, all, town.ID)
		if err != nil {
			return nil, err
		}
		// Village branches first.
		slices.SortStableFunc(branches, func(a, b pingyi.Org) int {
			return cmp.Compare(bool2int(a.Domain != pingyi.DomainRural), bool2int(b.Domain != pingyi.DomainRural))
		})
		for _, b := range branches {
			if b.Type != pingyi.OrgBranch || b.SecretaryName == "" || b.MemberCount < 2 {
				continue
			}
			ms, err := st.Members(ctx, b.ID)
			if err != nil {
				return nil, err
			}
			p := &demoObjects{town: town, branch: b}
			for _, m := range ms {
				if m.IsSecretary && p.secretary.ID == 0 {
					p.secretary = m
				} else if !m.IsSecretary && p.member.ID == 0 {
					p.member = m
				}
			}
			if p.secretary.ID != 0 && p.member.ID != 0 {
				return p, nil
			}
		}
	}
	return nil, nil
}

func bool2int(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ensureDemoAccount gives the account a new random password, creating it
// when create is set; it returns "" for an account neither there nor
// created.
func ensureDemoAccount(ctx context.Context, st *store.Store, u *pingyi.User, create bool) (string, error) {
	pw := auth.Generate(12)
	hash, err := auth.Hash(pw)
	if err != nil {
		return "", err
	}
	old, err := st.User(ctx, u.Username)
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		if !create {
			return "", nil
		}
		u.PasswordHash = hash
		if err := st.CreateUser(ctx, u, demoActor); err != nil {
			return "", err
		}
	case err != nil:
		return "", err
	default:
		old.PasswordHash = hash
		old.Disabled = false
		if err := st.UpdateUser(ctx, old, demoActor); err != nil {
			return "", err
		}
	}
	return pw, nil
}

// printDemoLogins prints the demo accounts.
func printDemoLogins(w io.Writer, logins []demoLogin) {
	fmt.Fprintln(w, "\n演示账号 Demo logins (用户名 / 密码, username / password):")
	for _, l := range logins {
		fmt.Fprintf(w, "  %s\n      %s / %s\n", l.Label, l.Username, l.Password)
	}
	fmt.Fprintln(w, "密码每次启动重新生成 (new passwords at every start with --demo).")
}
