package githubtest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// statusJSON is a commit status as GitHub's API returns it; absent
// description and target_url are null, as there.
type statusJSON struct {
	URL         string   `json:"url"`
	AvatarURL   *string  `json:"avatar_url"`
	ID          int64    `json:"id"`
	NodeID      string   `json:"node_id"`
	State       string   `json:"state"`
	Description *string  `json:"description"`
	TargetURL   *string  `json:"target_url"`
	Context     string   `json:"context"`
	CreatedAt   string   `json:"created_at"`
	UpdatedAt   string   `json:"updated_at"`
	Creator     userJSON `json:"creator"`
}

// userJSON is the "simple user" GitHub embeds as a status's creator.
type userJSON struct {
	Login             string `json:"login"`
	ID                int64  `json:"id"`
	NodeID            string `json:"node_id"`
	AvatarURL         string `json:"avatar_url"`
	GravatarID        string `json:"gravatar_id"`
	URL               string `json:"url"`
	HTMLURL           string `json:"html_url"`
	FollowersURL      string `json:"followers_url"`
	FollowingURL      string `json:"following_url"`
	GistsURL          string `json:"gists_url"`
	StarredURL        string `json:"starred_url"`
	SubscriptionsURL  string `json:"subscriptions_url"`
	OrganizationsURL  string `json:"organizations_url"`
	ReposURL          string `json:"repos_url"`
	EventsURL         string `json:"events_url"`
	ReceivedEventsURL string `json:"received_events_url"`
	Type              string `json:"type"`
	SiteAdmin         bool   `json:"site_admin"`
}

type repoJSON struct {
	Name     string   `json:"name"`
	FullName string   `json:"full_name"`
	Owner    userJSON `json:"owner"`
}

type combinedJSON struct {
	State      string       `json:"state"`
	Statuses   []statusJSON `json:"statuses"`
	SHA        string       `json:"sha"`
	TotalCount int          `json:"total_count"`
	Repository repoJSON     `json:"repository"`
	CommitURL  string       `json:"commit_url"`
	URL        string       `json:"url"`
}

type fieldError struct {
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Field    string `json:"field"`
	Message  string `json:"message,omitempty"`
}

// errorJSON is GitHub's error body.
type errorJSON struct {
	Message          string       `json:"message"`
	Errors           []fieldError `json:"errors,omitempty"`
	DocumentationURL string       `json:"documentation_url"`
	Status           string       `json:"status"`
}

// botLogin is the account the double's statuses are created by.
const botLogin = "ofc-bot"

func toJSON(st Status, base string) statusJSON {
	at := st.CreatedAt.Format(time.RFC3339)
	out := statusJSON{
		URL:       fmt.Sprintf("%s/repos/%s/%s/statuses/%s", base, st.Owner, st.Repo, st.SHA),
		ID:        st.ID,
		NodeID:    base64.StdEncoding.EncodeToString([]byte("06:StatusContext" + strconv.FormatInt(st.ID, 10))),
		State:     st.State,
		Context:   st.Context,
		CreatedAt: at,
		UpdatedAt: at,
		Creator:   creator(base, botLogin),
	}
	if st.Description != "" {
		out.Description = &st.Description
	}
	if st.TargetURL != "" {
		out.TargetURL = &st.TargetURL
	}
	return out
}

func creator(base, login string) userJSON {
	u := base + "/users/" + login
	return userJSON{
		Login:             login,
		ID:                1,
		NodeID:            "MDQ6VXNlcjE=",
		AvatarURL:         "https://avatars.githubusercontent.com/u/1?v=4",
		URL:               u,
		HTMLURL:           "https://github.com/" + login,
		FollowersURL:      u + "/followers",
		FollowingURL:      u + "/following{/other_user}",
		GistsURL:          u + "/gists{/gist_id}",
		StarredURL:        u + "/starred{/owner}{/repo}",
		SubscriptionsURL:  u + "/subscriptions",
		OrganizationsURL:  u + "/orgs",
		ReposURL:          u + "/repos",
		EventsURL:         u + "/events{/privacy}",
		ReceivedEventsURL: u + "/received_events",
		Type:              "User",
	}
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, code int, msg, docs string, errs []fieldError) {
	writeJSON(w, code, errorJSON{Message: msg, Errors: errs, DocumentationURL: docs, Status: strconv.Itoa(code)})
}
