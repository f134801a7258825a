package benchdoc

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// Figures is one line a benchmark run printed as "<TAG> <name> key=value
// key=value...": its name and its figures by key.
type Figures struct {
	Name    string
	Figures map[string]string
}

// ParseLines reads, from the output of a test run, the lines of tag
// ("FAULT", "BENCH") in the order they were printed.
func ParseLines(out, tag string) []Figures {
	re := regexp.MustCompile(regexp.QuoteMeta(tag) + ` (\S+)((?: \S+=\S+)*)`)
	var lines []Figures
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		f := Figures{Name: m[1], Figures: map[string]string{}}
		for _, kv := range strings.Fields(m[2]) {
			k, v, _ := strings.Cut(kv, "=")
			f.Figures[k] = v
		}
		lines = append(lines, f)
	}
	return lines
}

// Progress passes on to W the test runner's own lines (=== RUN, --- PASS,
// Benchmark..., ok, FAIL) and those of Tag, not the services' logs that
// tests print.
type Progress struct {
	W   io.Writer
	Tag string
}

func (p Progress) Write(b []byte) (int, error) {
	for _, line := range strings.SplitAfter(string(b), "\n") {
		t := strings.TrimSpace(line)
		for _, prefix := range []string{"---", "===", "Benchmark", "ok", "FAIL", p.Tag + " "} {
			if strings.HasPrefix(t, prefix) || prefix == p.Tag+" " && strings.Contains(t, prefix) {
				fmt.Fprint(p.W, line)
				break
			}
		}
	}
	return len(b), nil
}
