package main

import (
	"errors"

	"github.com/ofcbuild/ofc/template"
)

// shipBase is the image the last stage of a Dockerfile, the one the
// function's image is, starts FROM, following stages FROM earlier stages
// ("FROM build AS ship") to the image under them, with the global ARGs
// expanded (args, the build's arguments, override their defaults). It is
// what a template's own layers sit on.
func shipBase(dockerfile []byte, args map[string]string) (string, error) {
	stages := template.Stages(dockerfile, args)
	if len(stages) == 0 {
		return "", errors.New("no FROM")
	}
	last := stages[len(stages)-1].Image
	if last == "scratch" {
		return "", errors.New("the last stage starts from scratch: no base image to weigh")
	}
	return last, nil
}
