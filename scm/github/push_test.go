package github

import (
	"strings"
	"testing"
)

func TestDecodePush(t *testing.T) {
	tests := []struct {
		name string
		body string
		want pushPayload
		bad  bool
	}{
		{name: "fields among others", body: `{"zen":[1,{"a":null}],"ref":"refs/heads/x","after":"abc","deleted":false,
			"repository":{"id":1,"name":"r","owner":{"login":"o","name":"O"},"clone_url":"c","html_url":"h",
			"default_branch":"main","private":true},"installation":{"id":42},
			"head_commit":{"message":"m\n","author":{"name":"N","username":"u"}}}`,
			want: pushPayload{Ref: "refs/heads/x", After: "abc", HasRepo: true,
				Repo:           payloadRepo{ID: 1, Name: "r", OwnerLogin: "o", OwnerName: "O", CloneURL: "c", HTMLURL: "h", DefaultBranch: "main", Private: true},
				InstallationID: 42, HeadCommit: headCommit{Message: "m\n", AuthorName: "N", AuthorLogin: "u"}}},
		{name: "escapes", body: `{"ref":"refs\/heads\/caf\u00e9 \ud83d\ude00","after":"\"x\""}`,
			want: pushPayload{Ref: "refs/heads/café 😀", After: `"x"`}},
		{name: "escaped key", body: `{"r\u0065f":"a"}`, want: pushPayload{Ref: "a"}},
		{name: "last duplicate wins", body: `{"ref":"a","ref":"b"}`, want: pushPayload{Ref: "b"}},
		{name: "null resets", body: `{"repository":{"name":"r"},"repository":null,"head_commit":null}`, want: pushPayload{}},
		{name: "null document", body: ` null `, want: pushPayload{}},
		{name: "empty", body: ``, bad: true},
		{name: "array", body: `[]`, bad: true},
		{name: "trailing data", body: `{} {}`, bad: true},
		{name: "trailing comma", body: `{"a":1,}`, bad: true},
		{name: "ref of wrong type", body: `{"ref":5}`, bad: true},
		{name: "fraction for an id", body: `{"installation":{"id":1.5}}`, bad: true},
		{name: "leading zero", body: `{"a":01}`, bad: true},
		{name: "control character", body: "{\"a\":\"\x01\"}", bad: true},
		{name: "bad escape", body: `{"a":"\x"}`, bad: true},
		{name: "unterminated", body: `{"a":"`, bad: true},
		{name: "too deep", body: `{"a":` + strings.Repeat("[", 10001) + strings.Repeat("]", 10001) + `}`, bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decodePush([]byte(tt.body))
			if tt.bad {
				if err == nil {
					t.Fatalf("decodePush() = %+v, want an error", got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("decodePush() = %+v, %v; want %+v", got, err, tt.want)
			}
		})
	}
}

func BenchmarkParsePush(b *testing.B) {
	body := fixture(b, "push_with-new-branch.json")
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := Parse(EventPush, delivery, body); err != nil {
			b.Fatal(err)
		}
	}
}
