package github

import "encoding/json"

// pushPayload holds the fields of a push payload that make a build, as
// GitHub documents them. A null or missing value reads as the zero value.
type pushPayload struct {
	Ref   string
	After string
	// Before is the commit the ref pointed at before the push.
	Before  string
	Deleted bool
	// HasRepo tells that repository was an object, not null or missing.
	HasRepo        bool
	Repo           payloadRepo
	InstallationID int64
	HeadCommit     headCommit
}

// payloadRepo is a repository object of any payload: a push's repository,
// a pull request's base or head repo, a delete's repository.
type payloadRepo struct {
	// ID is GitHub's id of the repository, 0 when the payload has none.
	ID   int64
	Name string
	// FullName is full_name, "owner/name" as GitHub spells it.
	FullName string
	// OwnerLogin is owner.login, OwnerName owner.name: older payloads
	// name the owner only by name.
	OwnerLogin, OwnerName string
	CloneURL, HTMLURL     string
	// DefaultBranch is default_branch; older payloads call it
	// master_branch.
	DefaultBranch, MasterBranch string
	// Private is private; a payload that does not say is taken as
	// private, the safe side: the repository is cloned with credentials
	// and its builds are not shown to everyone.
	Private bool
}

type headCommit struct {
	// ID is the commit's SHA: for an annotated tag, the commit it points
	// to, where after is the tag object.
	ID      string
	Message string
	// AuthorName is the name the author gave git, AuthorLogin their
	// GitHub login (author.username).
	AuthorName, AuthorLogin string
}

// decodePush decodes body, checking that all of it is JSON, into the
// fields of a push that make a build. encoding/json skips the kilobytes of
// commits, users and URLs the build does not use without allocating them,
// which is what makes it cheap enough for the webhook's hot path.
func decodePush(body []byte) (pushPayload, error) {
	var p jsonPush
	if err := json.Unmarshal(body, &p); err != nil {
		return pushPayload{}, err
	}
	return p.payload(), nil
}

// jsonPush is the push payload as encoding/json decodes it: only the
// fields a build uses, as pointers so that null and missing read as unset.
type jsonPush struct {
	Ref          *string           `json:"ref"`
	After        *string           `json:"after"`
	Before       *string           `json:"before"`
	Deleted      *bool             `json:"deleted"`
	Repo         *jsonRepo         `json:"repository"`
	Installation *jsonInstallation `json:"installation"`
	HeadCommit   *struct {
		ID      *string `json:"id"`
		Message *string `json:"message"`
		Author  *struct {
			Name  *string `json:"name"`
			Login *string `json:"username"`
		} `json:"author"`
	} `json:"head_commit"`
}

// jsonRepo is a repository object of any payload as encoding/json decodes
// it, for payloadRepo.
type jsonRepo struct {
	ID       *int64  `json:"id"`
	Name     *string `json:"name"`
	FullName *string `json:"full_name"`
	Owner    *struct {
		Login *string `json:"login"`
		Name  *string `json:"name"`
	} `json:"owner"`
	CloneURL      *string `json:"clone_url"`
	HTMLURL       *string `json:"html_url"`
	DefaultBranch *string `json:"default_branch"`
	MasterBranch  *string `json:"master_branch"`
	Private       *bool   `json:"private"`
}

// jsonInstallation is the installation object of a GitHub App's delivery.
type jsonInstallation struct {
	ID *int64 `json:"id"`
}

// payload returns the repository, and whether it was an object at all.
func (r *jsonRepo) payload() (payloadRepo, bool) {
	if r == nil {
		return payloadRepo{}, false
	}
	out := payloadRepo{ID: deref(r.ID), Name: deref(r.Name), FullName: deref(r.FullName), CloneURL: deref(r.CloneURL),
		HTMLURL: deref(r.HTMLURL), DefaultBranch: deref(r.DefaultBranch), MasterBranch: deref(r.MasterBranch),
		Private: r.Private == nil || *r.Private}
	if o := r.Owner; o != nil {
		out.OwnerLogin, out.OwnerName = deref(o.Login), deref(o.Name)
	}
	return out, true
}

// id is the installation id, 0 when the delivery is not an App's.
func (i *jsonInstallation) id() int64 {
	if i == nil {
		return 0
	}
	return deref(i.ID)
}

func deref[T any](p *T) (v T) {
	if p != nil {
		v = *p
	}
	return v
}

func (p jsonPush) payload() pushPayload {
	out := pushPayload{Ref: deref(p.Ref), After: deref(p.After), Before: deref(p.Before), Deleted: deref(p.Deleted), InstallationID: p.Installation.id()}
	out.Repo, out.HasRepo = p.Repo.payload()
	if h := p.HeadCommit; h != nil {
		out.HeadCommit.ID, out.HeadCommit.Message = deref(h.ID), deref(h.Message)
		if a := h.Author; a != nil {
			out.HeadCommit.AuthorName, out.HeadCommit.AuthorLogin = deref(a.Name), deref(a.Login)
		}
	}
	return out
}
