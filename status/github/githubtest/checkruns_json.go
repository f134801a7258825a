package githubtest

import (
	"strconv"
	"time"
)

// checkRunJSON is a check run as GitHub's API returns it (the fields a
// client reads); unset conclusion, times and output fields are null.
type checkRunJSON struct {
	ID          int64           `json:"id"`
	NodeID      string          `json:"node_id"`
	HeadSHA     string          `json:"head_sha"`
	ExternalID  string          `json:"external_id"`
	URL         string          `json:"url"`
	HTMLURL     string          `json:"html_url"`
	DetailsURL  *string         `json:"details_url"`
	Status      string          `json:"status"`
	Conclusion  *string         `json:"conclusion"`
	StartedAt   *string         `json:"started_at"`
	CompletedAt *string         `json:"completed_at"`
	Output      checkOutputJSON `json:"output"`
	Name        string          `json:"name"`
	CheckSuite  struct {
		ID int64 `json:"id"`
	} `json:"check_suite"`
	App          appJSON    `json:"app"`
	PullRequests []struct{} `json:"pull_requests"`
}

type checkOutputJSON struct {
	Title            *string `json:"title"`
	Summary          *string `json:"summary"`
	Text             *string `json:"text"`
	AnnotationsCount int     `json:"annotations_count"`
	AnnotationsURL   string  `json:"annotations_url"`
}

// appJSON is the GitHub App a check run belongs to.
type appJSON struct {
	ID      int64    `json:"id"`
	Slug    string   `json:"slug"`
	NodeID  string   `json:"node_id"`
	Name    string   `json:"name"`
	Owner   userJSON `json:"owner"`
	HTMLURL string   `json:"html_url"`
}

type checkRunListJSON struct {
	TotalCount int            `json:"total_count"`
	CheckRuns  []checkRunJSON `json:"check_runs"`
}

func checkRunJSONOf(run CheckRun, base string) checkRunJSON {
	id := strconv.FormatInt(run.ID, 10)
	url := base + "/repos/" + run.Owner + "/" + run.Repo + "/check-runs/" + id
	app := run.app
	if app == 0 {
		app = 1
	}
	out := checkRunJSON{
		ID: run.ID, NodeID: "CR_" + id, HeadSHA: run.HeadSHA, URL: url,
		HTMLURL:     "https://github.com/" + run.Owner + "/" + run.Repo + "/runs/" + id,
		DetailsURL:  nonEmpty(run.DetailsURL),
		Status:      run.Status,
		Conclusion:  nonEmpty(run.Conclusion),
		StartedAt:   timeJSON(run.StartedAt),
		CompletedAt: timeJSON(run.CompletedAt),
		Output: checkOutputJSON{Title: nonEmpty(run.Title), Summary: nonEmpty(run.Summary), Text: nonEmpty(run.Text),
			AnnotationsURL: url + "/annotations"},
		Name: run.Name,
		App: appJSON{ID: app, Slug: botLogin, NodeID: "A_" + strconv.FormatInt(app, 10), Name: botLogin,
			Owner: creator(base, botLogin), HTMLURL: "https://github.com/apps/" + botLogin},
		PullRequests: []struct{}{},
	}
	// One suite per commit is enough for clients, which only carry its id.
	out.CheckSuite.ID = 1
	return out
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func timeJSON(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
