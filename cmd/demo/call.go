package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ofcbuild/ofc/pipeline"
)

// callFunctions calls every deployed function of b through the gateway,
// as a user would with curl, and prints the URL, the command and the
// answer.
func callFunctions(ctx context.Context, gatewayURL string, b pipeline.Build) error {
	const body = "OpenFaaS"
	for _, f := range b.Functions {
		if f.State != pipeline.Success {
			continue
		}
		url := strings.TrimSuffix(gatewayURL, "/") + "/function/" + f.DeployName
		step(fmt.Sprintf("Function %s answers at %s", f.Name, url))
		// curl -d alone would send a form, which node20 parses as one.
		fmt.Printf("   $ curl -H 'Content-Type: text/plain' -d '%s' %s\n", body, url)
		answer, err := call(ctx, url, body)
		if err != nil {
			return fmt.Errorf("call %s: %w", f.DeployName, err)
		}
		fmt.Printf("   %s\n", strings.TrimSpace(answer))
	}
	return nil
}

func call(ctx context.Context, url, body string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "text/plain")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return "", err
	}
	if res.StatusCode != http.StatusOK {
		return "", fmt.Errorf("%s: %s", res.Status, strings.TrimSpace(string(b)))
	}
	return string(b), nil
}
