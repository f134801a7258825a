package stack

import (
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		fullStack,
		apiStack,
		"",
		"functions: {}\n",
		"functions:\n  api:\n    lang: ${LANG:-go}\n    handler: ./${DIR}\n",
		"functions:\n  api: &a\n    lang: go\n    handler: ./a\n  b:\n    <<: *a\n",
		"functions:\n  api:\n    lang: go\n   handler: ./api\n",
		"functions:\n  API:\n    handler: ../x\n",
		"x-common: &c\n  exec_timeout: 10s\nfunctions:\n  api:\n    <<: *c\n    lang: go@0.9.0\n    handler: ./api\n    timeout: 1\n",
		"functions:\n  cron:\n    image: functions/nodeinfo:latest\n  old:\n    lang: dockerfile\n    image: x\n    skip_build: true\n",
		"${",
		"a: &a [*a]\n",
	} {
		f.Add([]byte(seed))
	}
	lookup := vars("LANG", "go", "DIR", "api", "X", "a: b\nc")
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(data, lookup)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		if len(s.Functions) == 0 {
			t.Fatal("parsed a stack without functions")
		}
		for name, fn := range s.Functions {
			if !ValidName(name) || fn.Name != name {
				t.Fatalf("function %q accepted with name %q", name, fn.Name)
			}
			if fn.Prebuilt {
				// Deployed from its image; the handler is not read.
				if fn.Image == "" || strings.ContainsAny(fn.Image, " \n\x00") {
					t.Fatalf("function %q to deploy from its image accepted with image %q", name, fn.Image)
				}
				continue
			}
			if fn.Lang == "" || fn.Handler == "" {
				t.Fatalf("function %q accepted without lang or handler", name)
			}
			if p := s.Path(fn.Handler); p == ".." || strings.HasPrefix(p, "../") || strings.HasPrefix(p, "/") {
				t.Fatalf("function %q handler %q resolves outside: %q", name, fn.Handler, p)
			}
		}
	})
}
