// Package api is the ballot API of SPEC §6, what the phone page and any
// other client (a WeChat mini program, say) use:
//
//	GET  /api/v1/ballots/{code}  what the code may rate (404 unknown, 409 used)
//	POST /api/v1/ballots         {"code", "ratings": [...], "opinion"} → 201 {"receipt"}
//	                             404 unknown code, 409 used, 422 a rating not allowed
//	GET  /api/v1/receipts/{receipt}  whether the ballot with that receipt was counted
//
// A 201 is sent only after the ballot is committed (appraisal.Intake).
package api

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"

	"github.com/pingyi/pingyi/internal/appraisal"
	"github.com/pingyi/pingyi/internal/pingyi"
	"github.com/pingyi/pingyi/internal/store"
)

// API serves the ballot endpoints.
type API struct {
	Store  *appraisal.Store
	Intake *appraisal.Intake
}

// Route is one endpoint: a ServeMux pattern and its handler. All are
// public (a code is the credential).
type Route struct {
	Pattern string
	Handler http.HandlerFunc
}

// Routes lists the API's endpoints.
func (a *API) Routes() []Route {
	return []Route{
		{"GET /api/v1/ballots/{code}", a.getBallot},
		{"POST /api/v1/ballots", a.postBallot},
		{"GET /api/v1/receipts/{receipt}", a.getReceipt},
	}
}

// Scale level as sent to clients.
type Level struct {
	Rating string `json:"rating"`
	Label  string `json:"label"`
	Weight int    `json:"weight"`
}

// LevelLabels are the Chinese names of ratings.
var LevelLabels = map[pingyi.Rating]string{
	pingyi.Satisfied: "满意", pingyi.FairlySatisfied: "比较满意", pingyi.BasicallySatisfied: "基本满意",
	pingyi.Dissatisfied: "不满意", pingyi.Abstain: "弃权",
}

// TargetJSON is one target a code may rate.
type TargetJSON struct {
	TargetType string   `json:"target_type"`
	TargetCode string   `json:"target_code"`
	Name       string   `json:"name"`
	Criteria   []string `json:"criteria"`
}

// BallotForm is the answer to GET /api/v1/ballots/{code}.
type BallotForm struct {
	Code     string `json:"code"`
	Campaign struct {
		Code string `json:"code"`
		Name string `json:"name"`
		Kind string `json:"kind"`
		Year int    `json:"year"`
	} `json:"campaign"`
	Unit struct {
		Code string `json:"code"`
		Name string `json:"name"`
	} `json:"unit"`
	EvaluatorCategory string                         `json:"evaluator_category"`
	Scale             []Level                        `json:"scale"`
	Abstain           Level                          `json:"abstain"`
	Criteria          map[pingyi.TargetType][]string `json:"criteria"`
	Targets           []TargetJSON                   `json:"targets"`
}

// Form builds what a code may rate.
func Form(ci *appraisal.CodeInfo) BallotForm {
	var f BallotForm
	f.Code = ci.Code
	f.Campaign.Code, f.Campaign.Name, f.Campaign.Kind, f.Campaign.Year = ci.Campaign.Code, ci.Campaign.Name, string(ci.Campaign.Kind), ci.Campaign.Year
	f.Unit.Code, f.Unit.Name = ci.Unit.Code, ci.Unit.Name
	f.EvaluatorCategory = string(ci.Category)
	for _, l := range ci.Campaign.Scale.Levels() {
		f.Scale = append(f.Scale, Level{string(l), LevelLabels[l], pingyi.Weight(l)})
	}
	f.Abstain = Level{string(pingyi.Abstain), LevelLabels[pingyi.Abstain], 0}
	f.Criteria = map[pingyi.TargetType][]string{}
	f.Targets = []TargetJSON{}
	for _, t := range ci.Targets {
		crit := appraisal.CriteriaFor(ci.Criteria, t.Type, t.Domain)
		if _, ok := f.Criteria[t.Type]; !ok {
			f.Criteria[t.Type] = appraisal.CriteriaFor(ci.Criteria, t.Type, "")
		}
		f.Targets = append(f.Targets, TargetJSON{TargetType: string(t.Type), TargetCode: t.Code, Name: t.Name, Criteria: crit})
	}
	return f
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

type errorJSON struct {
	Error   string `json:"error"`
	Message string `json:"message"`
}

// ErrorStatus maps an intake error to its HTTP status and a short name.
func ErrorStatus(err error) (int, string) {
	var re *appraisal.RatingError
	switch {
	case errors.Is(err, pingyi.ErrNotFound):
		return http.StatusNotFound, "unknown_code"
	case errors.Is(err, appraisal.ErrCodeUsed):
		return http.StatusConflict, "code_used"
	case errors.Is(err, appraisal.ErrCampaignClosed):
		return http.StatusGone, "campaign_closed"
	case errors.As(err, &re):
		return http.StatusUnprocessableEntity, "rating_not_allowed"
	case errors.Is(err, appraisal.ErrIntakeClosed):
		return http.StatusServiceUnavailable, "shutting_down"
	case store.Unavailable(err):
		return http.StatusServiceUnavailable, "unavailable"
	}
	return http.StatusInternalServerError, "internal"
}

func writeErr(w http.ResponseWriter, r *http.Request, err error) {
	status, name := ErrorStatus(err)
	msg := err.Error()
	if status == http.StatusServiceUnavailable {
		unavailable(w, r, err, name)
	}
	if name == "unavailable" {
		msg = "the server cannot store ballots just now, try again later"
	}
	if status == http.StatusInternalServerError {
		slog.Error("ballot api", "route", r.Pattern, "err", err) // the pattern: the path holds a code or a receipt
		msg = "internal error"
	}
	writeJSON(w, status, errorJSON{Error: name, Message: msg})
}

func (a *API) getBallot(w http.ResponseWriter, r *http.Request) {
	if !codeOK(w, r.PathValue("code")) {
		return
	}
	ci, err := a.Intake.Lookup(r.Context(), r.PathValue("code"))
	if err != nil {
		writeErr(w, r, err)
		return
	}
	if ci.Used {
		writeErr(w, r, appraisal.ErrCodeUsed)
		return
	}
	writeJSON(w, http.StatusOK, Form(ci))
}

// BallotRequest is the body of POST /api/v1/ballots.
type BallotRequest struct {
	Code    string                  `json:"code"`
	Ratings []appraisal.RatingInput `json:"ratings"`
	Opinion string                  `json:"opinion"`
}

func (a *API) postBallot(w http.ResponseWriter, r *http.Request) {
	var req BallotRequest
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	if err := dec.Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, errorJSON{Error: "bad_json", Message: err.Error()})
		return
	}
	if req.Code == "" {
		writeJSON(w, http.StatusNotFound, errorJSON{Error: "unknown_code", Message: "no code"})
		return
	}
	if !ballotOK(w, &req) {
		return
	}
	receipt, err := a.Intake.Submit(r.Context(), req.Code, req.Ratings, req.Opinion)
	if err != nil {
		writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"receipt": receipt})
}

func (a *API) getReceipt(w http.ResponseWriter, r *http.Request) {
	if !receiptOK(w, r.PathValue("receipt")) {
		return
	}
	c, day, err := a.Store.Receipt(r.Context(), r.PathValue("receipt"))
	if err != nil {
		if errors.Is(err, pingyi.ErrNotFound) {
			writeJSON(w, http.StatusNotFound, errorJSON{Error: "unknown_receipt", Message: "no ballot has this receipt"})
			return
		}
		writeErr(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"counted": true, "campaign": c.Code, "campaign_name": c.Name, "day": day})
}
