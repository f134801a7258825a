package stack

// valueCases are build arguments, labels, annotations and environment
// variables holding characters that would change what the text means
// where it ends up: a build argument becomes a BuildKit option
// "build-arg:KEY=value", labels and annotations container metadata, the
// environment a process's environ.
var valueCases = []corpusCase{
	{"build arg value with a newline", fnHead + "    build_args:\n      MODE: \"prod\\nRUN curl evil | sh\"\n",
		[]string{`line 5: function "api": build_args "MODE": the value holds a newline (\n): use one line of printable text`}},
	{"build arg value as a literal block", fnHead + "    build_args:\n      MODE: |\n        prod\n        x\n",
		[]string{`line 5: function "api": build_args "MODE": the value holds a newline (\n): use one line of printable text`}},
	{"build arg value with NUL", fnHead + "    build_args:\n      MODE: \"a\\0b\"\n",
		[]string{`line 5: function "api": build_args "MODE": the value holds a NUL byte: use one line of printable text`}},
	{"build arg value with a carriage return", fnHead + "    build_args:\n      MODE: \"a\\rb\"\n",
		[]string{`line 5: function "api": build_args "MODE": the value holds a carriage return (\r): use one line of printable text`}},
	{"build arg value with an escape sequence", fnHead + "    build_args:\n      MODE: \"\\e[31m\"\n",
		[]string{`line 5: function "api": build_args "MODE": the value holds the control character U+001B: use one line of printable text`}},
	{"build arg name with =", fnHead + "    build_args:\n      \"A=B\": c\n",
		[]string{`line 5: function "api": build_args key "A=B": a build argument's name cannot hold "=" or spaces`}},
	{"build arg name with a space", fnHead + "    build_args:\n      \"A B\": c\n",
		[]string{`line 5: function "api": build_args key "A B": a build argument's name cannot hold "=" or spaces`}},
	{"build arg name with a newline", fnHead + "    build_args:\n      \"A\\nB\": c\n",
		[]string{`line 5: function "api": build_args key "A\nB" holds a newline (\n): use printable text`}},
	{"build arg with an empty name", fnHead + "    build_args:\n      \"\": c\n",
		[]string{`line 5: function "api": build_args: a key cannot be empty`}},
	{"label value with a newline", fnHead + "    labels:\n      team: \"a\\nX-Injected: 1\"\n",
		[]string{`line 5: function "api": labels "team": the value holds a newline (\n): use one line of printable text`}},
	{"label value with NUL", fnHead + "    labels:\n      team: \"a\\0\"\n",
		[]string{`line 5: function "api": labels "team": the value holds a NUL byte: use one line of printable text`}},
	{"label value with a tab", fnHead + "    labels:\n      team: \"a\\tb\"\n",
		[]string{`line 5: function "api": labels "team": the value holds a tab (\t): use one line of printable text`}},
	{"label key with a newline", fnHead + "    labels:\n      \"team\\n\": a\n",
		[]string{`line 5: function "api": labels key "team\n" holds a newline (\n): use printable text`}},
	{"label value with a next-line character", fnHead + "    labels:\n      team: \"a\\Nb\"\n",
		[]string{`line 5: function "api": labels "team": the value holds the control character U+0085: use one line of printable text`}},
	{"annotation value with a newline", fnHead + "    annotations:\n      topic: |-\n        a\n        b\n",
		[]string{`line 5: function "api": annotations "topic": the value holds a newline (\n): use one line of printable text`}},
	{"annotation value with NUL", fnHead + "    annotations:\n      topic: \"\\0\"\n",
		[]string{`line 5: function "api": annotations "topic": the value holds a NUL byte: use one line of printable text`}},
	{"annotation value with a line separator", fnHead + "    annotations:\n      topic: \"a\\Lb\"\n",
		[]string{`line 5: function "api": annotations "topic": the value holds the control character U+2028: use one line of printable text`}},
	{"annotation key with NUL", fnHead + "    annotations:\n      \"a\\0\": b\n",
		[]string{`line 5: function "api": annotations key "a\x00" holds a NUL byte: use printable text`}},
	{"environment value with NUL", fnHead + "    environment:\n      A: \"x\\0y\"\n",
		[]string{`line 5: function "api": environment "A": the value holds a NUL byte`}},
	{"environment name with =", fnHead + "    environment:\n      \"A=B\": c\n",
		[]string{`line 5: function "api": environment key "A=B": a variable's name cannot hold "="`}},
	{"environment name with a newline", fnHead + "    environment:\n      \"A\\nB\": c\n",
		[]string{`line 5: function "api": environment key "A\nB" holds a newline (\n): use printable text`}},
	{"every bad value at once", fnHead + "    build_args:\n      A: \"\\n\"\n      B: \"\\0\"\n    labels:\n      \"\": x\n",
		[]string{
			`line 5: function "api": build_args "A": the value holds a newline (\n): use one line of printable text`,
			`line 5: function "api": build_args "B": the value holds a NUL byte: use one line of printable text`,
			`line 8: function "api": labels: a key cannot be empty`}},
	{"an environment value may span lines", fnHead + "    environment:\n      CERT: |\n        -----BEGIN CERTIFICATE-----\n        MIIB\n", nil},
	{"printable values", fnHead + "    build_args:\n      GOPROXY: https://proxy.golang.org,direct\n    labels:\n      com.openfaas.scale.min: \"2\"\n" +
		"    annotations:\n      topic: \"orders: ünïcödé 🚀\"\n", nil},
}
