package gitlab

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	gl "gitlab.com/gitlab-org/api/client-go"

	"github.com/ofcbuild/ofc/pipeline"
)

// publicLevel is the visibility_level of a public project; 0 is private
// and 10 internal, which needs an account to clone too.
const publicLevel = 20

// maxNamespaceDepth bounds the groups a project path is nested in:
// GitLab allows a top-level group and 20 levels of subgroups.
const maxNamespaceDepth = 21

// segmentRe is one segment of a GitLab path (a user, group, subgroup or
// project). GitLab's own rules are narrower; this keeps each segment safe
// to use in paths, image names and URLs while accepting every real one.
var segmentRe = regexp.MustCompile(`^[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}$`)

// A commit is SHA-1, or SHA-256 in repositories that use it.
var commitRe = regexp.MustCompile(`^(?:[0-9a-f]{40}|[0-9a-f]{64})$`)

// project is what both push and merge request payloads say of their
// project. client-go's project types leave out visibility_level, the
// field GitLab sends, so it is decoded alongside them.
type project struct {
	PathWithNamespace string
	GitHTTPURL        string
	WebURL            string
	DefaultBranch     string
	Visibility        gl.VisibilityValue
	VisibilityLevel   *int
}

// pushProject is a push's project: client-go's fields and visibility_level.
type pushProject struct {
	gl.PushEventProject
	VisibilityLevel *int `json:"visibility_level"`
}

func (p pushProject) project() project {
	return project{PathWithNamespace: p.PathWithNamespace, GitHTTPURL: p.GitHTTPURL, WebURL: p.WebURL,
		DefaultBranch: p.DefaultBranch, Visibility: p.Visibility, VisibilityLevel: p.VisibilityLevel}
}

// mergeProject is a merge request's project: client-go's fields and
// visibility_level.
type mergeProject struct {
	gl.MergeEventProject
	VisibilityLevel *int `json:"visibility_level"`
}

func (p mergeProject) project() project {
	return project{PathWithNamespace: p.PathWithNamespace, GitHTTPURL: p.GitHTTPURL, WebURL: p.WebURL,
		DefaultBranch: p.DefaultBranch, Visibility: p.Visibility, VisibilityLevel: p.VisibilityLevel}
}

// repoOf checks and normalises a payload's project. The owner is the
// namespace, "group/sub" for a project in a subgroup, and the name the
// project's path, not its display name: together they are the path the
// project is cloned and browsed at.
func repoOf(p project) (pipeline.Repo, error) {
	full := p.PathWithNamespace
	if full == "" {
		return pipeline.Repo{}, errors.New("no project path_with_namespace")
	}
	i := strings.LastIndexByte(full, '/')
	if i < 0 {
		return pipeline.Repo{}, fmt.Errorf("project path %s has no namespace", quote(full))
	}
	owner, name := full[:i], full[i+1:]
	if !validNamespace(owner) {
		return pipeline.Repo{}, fmt.Errorf("project namespace %s is not a valid path", quote(owner))
	}
	if !validSegment(name) {
		return pipeline.Repo{}, fmt.Errorf("project path %s is not a valid path", quote(name))
	}
	if p.GitHTTPURL == "" {
		return pipeline.Repo{}, fmt.Errorf("project %s has no git_http_url", full)
	}
	if err := pipeline.CheckCloneURL("git_http_url", p.GitHTTPURL, owner, name); err != nil {
		return pipeline.Repo{}, fmt.Errorf("project %s: %w", full, err)
	}
	if p.DefaultBranch == "" {
		// Without it a branch cannot be told from production.
		return pipeline.Repo{}, fmt.Errorf("project %s has no default_branch", full)
	}
	return pipeline.Repo{
		Provider:      pipeline.GitLab,
		Owner:         owner,
		Name:          name,
		CloneURL:      p.GitHTTPURL,
		HTMLURL:       p.WebURL,
		DefaultBranch: p.DefaultBranch,
		Private:       !public(p),
	}, nil
}

// public reports whether anyone may clone the project. GitLab sends
// visibility_level; the newer visibility is read only in its absence.
// A project that says neither is taken as private, the safe side: it is
// cloned with credentials.
func public(p project) bool {
	if p.VisibilityLevel != nil {
		return *p.VisibilityLevel == publicLevel
	}
	return p.Visibility == gl.PublicVisibility
}

// validNamespace reports whether ns is a user or a group path, its
// subgroups separated by "/".
func validNamespace(ns string) bool {
	segments := strings.Split(ns, "/")
	if len(segments) > maxNamespaceDepth {
		return false
	}
	for _, s := range segments {
		if !validSegment(s) {
			return false
		}
	}
	return true
}

func validSegment(s string) bool {
	return segmentRe.MatchString(s) && s != "." && s != ".."
}
