package store

import "github.com/ofcbuild/ofc/pipeline"

// eventArgs are the parameter arrays of recordEvents for one batch: one
// element per distinct repository, and one per distinct delivery, since a
// statement may insert a row only once.
type eventArgs struct {
	// Per repository, in upsertRepos' parameter order.
	provider, owner, name, cloneURL, htmlURL, defaultBranch []string
	private                                                 []bool

	// slots maps each delivery to its index in the arrays below.
	slots map[string]int
	// Per delivery: the first event of it, and its repository's n.
	events                                                             []pipeline.Event
	repo                                                               []int64
	delivery, kind, ref, branch, commit, message, author, eventsAsJSON []string

	// Per event of the batch: the index of its delivery above, and whether
	// it is the first event of that delivery.
	slot  []int
	first []bool
}

type repoKey struct {
	provider pipeline.Provider
	owner    string
	name     string
}

func newEventArgs(batch []pendingEvent) *eventArgs {
	a := &eventArgs{slots: make(map[string]int, len(batch)), slot: make([]int, len(batch)), first: make([]bool, len(batch))}
	repos := make(map[repoKey]int, 1)
	for i, p := range batch {
		ev := p.ev
		if slot, ok := a.slots[ev.DeliveryID]; ok {
			a.slot[i] = slot
			continue
		}
		slot := len(a.delivery)
		a.slots[ev.DeliveryID] = slot
		a.slot[i], a.first[i] = slot, true

		a.events = append(a.events, ev)
		a.repo = append(a.repo, int64(a.addRepo(repos, ev.Repo))+1)
		a.delivery = append(a.delivery, ev.DeliveryID)
		a.kind = append(a.kind, string(ev.Kind))
		a.ref = append(a.ref, ev.Ref)
		a.branch = append(a.branch, ev.Branch)
		a.commit = append(a.commit, ev.Commit)
		a.message = append(a.message, ev.Message)
		a.author = append(a.author, ev.Author)
		a.eventsAsJSON = append(a.eventsAsJSON, string(p.json))
	}
	return a
}

// addRepo returns the index of r's repository, adding it when new. Events
// of one repository that tell different details are merged as if recorded
// one after the other: a later event's details win, save those it leaves
// empty.
func (a *eventArgs) addRepo(repos map[repoKey]int, r pipeline.Repo) int {
	k := repoKey{r.Provider, r.Owner, r.Name}
	i, ok := repos[k]
	if !ok {
		i = len(a.provider)
		repos[k] = i
		a.provider = append(a.provider, string(r.Provider))
		a.owner = append(a.owner, r.Owner)
		a.name = append(a.name, r.Name)
		a.cloneURL = append(a.cloneURL, r.CloneURL)
		a.htmlURL = append(a.htmlURL, r.HTMLURL)
		a.defaultBranch = append(a.defaultBranch, r.DefaultBranch)
		a.private = append(a.private, r.Private)
		return i
	}
	for _, f := range []struct {
		dst *string
		v   string
	}{{&a.cloneURL[i], r.CloneURL}, {&a.htmlURL[i], r.HTMLURL}, {&a.defaultBranch[i], r.DefaultBranch}} {
		if f.v != "" {
			*f.dst = f.v
		}
	}
	a.private[i] = r.Private
	return i
}

// args returns the statement's parameters.
func (a *eventArgs) args() []any {
	return []any{a.provider, a.owner, a.name, a.cloneURL, a.htmlURL, a.defaultBranch, a.private,
		a.repo, a.delivery, a.kind, a.ref, a.branch, a.commit, a.message, a.author, a.eventsAsJSON}
}
