package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/stars"
	shell "github.com/pingyi/pingyi/internal/web"
)

// commentRow is a comment of the public with what the viewer may do.
type commentRow struct {
	stars.Comment
	CanReview bool
}

type starCommentsView struct {
	shell.View
	Status   string
	Statuses []string
	Comments []commentRow
}

// starComments is GET /stars/comments?status=pending|approved|rejected|all:
// the comments the public left on door-plate pages of members in the
// viewer's subtree, to approve (shown on the member's public page) or
// reject. Inspectors read them.
func (s *Feature) starComments(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	switch status {
	case "":
		status = stars.CommentPending
	case stars.CommentPending, stars.CommentApproved, stars.CommentRejected, "all":
	default:
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	filter := status
	if filter == "all" {
		filter = ""
	}
	scope := shell.CurrentScope(r)
	list, err := s.st.Comments(r.Context(), scope, filter)
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	v := &starCommentsView{Status: status, Statuses: []string{stars.CommentPending, stars.CommentApproved, stars.CommentRejected, "all"}}
	for _, c := range list {
		v.Comments = append(v.Comments, commentRow{Comment: c, CanReview: scope.Manages(c.OrgPath)})
	}
	s.Render(w, r, http.StatusOK, "star_comments", v)
}

// starCommentReview is POST /stars/comments/{id}: status approved,
// rejected or pending, by whoever manages the member's branch.
func (s *Feature) starCommentReview(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	c, err := s.st.Comment(r.Context(), id)
	if errors.Is(err, pingyi.ErrNotFound) || (err == nil && !shell.CurrentScope(r).Manages(c.OrgPath)) {
		s.Fail(w, r, http.StatusNotFound)
		return
	}
	if err != nil {
		s.ServerError(w, r, err)
		return
	}
	status := r.PostFormValue("status")
	if err := s.st.ReviewComment(r.Context(), id, status, shell.ActorOf(r)); err != nil {
		if _, ok := fieldErrors(s.Tr(r), err); ok {
			s.Fail(w, r, http.StatusUnprocessableEntity)
			return
		}
		s.ServerError(w, r, err)
		return
	}
	s.Flash(r, "stars_comments.reviewed")
	back := r.PostFormValue("back")
	switch back {
	case stars.CommentApproved, stars.CommentRejected, "all":
	default:
		back = stars.CommentPending
	}
	shell.Redirect(w, r, "/stars/comments?status="+back)
}
