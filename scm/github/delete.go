package github

import (
	"encoding/json"
	"fmt"

	"github.com/ofcbuild/ofc/pipeline"
)

// jsonDelete is the delete payload as encoding/json decodes it. Ref is the
// short name, without refs/heads/ or refs/tags/.
type jsonDelete struct {
	Ref          *string           `json:"ref"`
	RefType      *string           `json:"ref_type"`
	Repo         *jsonRepo         `json:"repository"`
	Installation *jsonInstallation `json:"installation"`
}

func parseDelete(deliveryID string, body []byte) (pipeline.Event, error) {
	var d jsonDelete
	if err := json.Unmarshal(body, &d); err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: delete: %v", ErrMalformed, err)
	}
	ref := deref(d.Ref)
	switch refType := deref(d.RefType); refType {
	case "branch":
	case "tag":
		return pipeline.Event{}, &IgnoredError{
			Event:  EventDelete,
			Reason: fmt.Sprintf("tag %s deleted: tags have no previews", show(ref)),
		}
	case "":
		return pipeline.Event{}, fmt.Errorf("%w: delete without ref_type", ErrMalformed)
	default:
		return pipeline.Event{}, &IgnoredError{
			Event:  EventDelete,
			Reason: fmt.Sprintf("deletion of %s %s ignored: not a branch", quote(refType), show(ref)),
		}
	}
	if !pipeline.ValidBranch(ref) {
		return pipeline.Event{}, fmt.Errorf("%w: delete: ref %s is not a valid branch name", ErrMalformed, quote(ref))
	}
	repo, err := repoOf(d.Repo.payload())
	if err != nil {
		return pipeline.Event{}, fmt.Errorf("%w: delete of branch %s: %v", ErrMalformed, ref, err)
	}
	return cleanupOf(deliveryID, repo, ref, d.Installation.id()), nil
}
