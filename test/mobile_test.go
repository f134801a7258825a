package test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/openfaas/faas-provider/types"
	sdk "github.com/openfaas/go-sdk"

	"github.com/ofcbuild/ofc/pipeline"
)

// mobileStack is a team's mobile API as it is pushed to OpenFaaS: a stack
// file named for the repository, two node20 functions and a classic
// python3 one, with environment, a secret and scaling labels.
const mobileStack = `version: 1.0
provider:
  name: openfaas
  gateway: http://127.0.0.1:8080
functions:
  login:
    lang: node20
    handler: ./login
    environment:
      API_NAME: mobile
      write_timeout: 20s
    secrets:
      - SECRET_NAME
    labels:
      com.openfaas.scale.min: "1"
      com.openfaas.scale.max: "4"
  feed:
    lang: node20
    handler: ./feed
    environment:
      PAGE_SIZE: "2"
  avatar:
    lang: python3
    handler: ./avatar
    environment:
      AVATAR_HOST: cdn.example.com
`

const loginHandler = `'use strict'
const fs = require('fs')

module.exports = async (event, context) => {
  const key = fs.readFileSync('/var/openfaas/secrets/SECRET_NAME', 'utf8').trim()
  if (event.body.key !== key) {
    return context.status(401).fail('bad key')
  }
  return { api: process.env.API_NAME, user: event.body.user }
}
`

const feedHandler = `'use strict'

module.exports = async (event, context) => {
  const size = Number(process.env.PAGE_SIZE)
  const items = ['a', 'b', 'c', 'd'].slice(0, size)
  return context.headers({ 'Content-Type': 'application/json' }).succeed({ items })
}
`

const avatarHandler = `import os


def handle(req):
    return "https://%s/%s.png" % (os.environ["AVATAR_HOST"], req.strip())
`

// TestMobileStackBuilds: the mobile API, pushed as mobile.yml, builds, and
// every function answers with its environment and secret.
func TestMobileStackBuilds(t *testing.T) {
	owner := "e2e-" + randomID()
	secret := "mobile-key-" + randomID()
	sys := newSystemWith(t, 1, "OFC_STACK_FILES="+owner+"/mobile-api=mobile.yml")
	removeFunctionsAtEnd(t, sys.svc, owner)

	ctx := context.Background()
	gw := gatewaySDK(t, sys.svc)
	if _, err := gw.CreateSecret(ctx, types.Secret{Name: secret, Value: "let-me-in"}); err != nil {
		t.Fatalf("create secret %s: %v", secret, err)
	}
	t.Cleanup(func() { _ = gw.DeleteSecret(context.Background(), secret, "") })

	files := map[string]string{
		"mobile.yml":              strings.ReplaceAll(mobileStack, "SECRET_NAME", secret),
		"login/handler.js":        strings.ReplaceAll(loginHandler, "SECRET_NAME", secret),
		"login/package.json":      `{"name":"login","version":"1.0.0","main":"handler.js"}`,
		"feed/handler.js":         feedHandler,
		"avatar/handler.py":       avatarHandler,
		"avatar/requirements.txt": "",
	}
	sha, id := sys.pushFirst(owner, "mobile-api", "Mobile API", files)
	b := sys.waitFinal(id, buildWithin)
	if b.State != pipeline.Success || len(b.Functions) != 3 {
		t.Fatalf("build %s at %q with %d functions: %s", b.State, b.FailedStep, len(b.Functions), b.Error)
	}
	names := map[string]string{}
	for _, fb := range b.Functions {
		names[fb.Name] = fb.DeployName
		if st := sys.last(sha, "ofc/"+fb.Name); st.State != "success" {
			t.Errorf("ofc/%s ended %s: %s", fb.Name, st.State, st.Description)
		}
	}

	client := gatewayClient(t, sys.svc)
	login, err := client.Get(ctx, names["login"])
	if err != nil {
		t.Fatal(err)
	}
	if login.Labels["com.openfaas.scale.min"] != "1" || login.Labels["com.openfaas.scale.max"] != "4" ||
		login.EnvVars["API_NAME"] != "mobile" {
		t.Errorf("login deployed as %+v, want its labels and environment", login)
	}

	a := call(t, sys.svc, names["login"], "POST", "", "application/json", `{"user":"ada","key":"let-me-in"}`)
	var got map[string]string
	if err := json.Unmarshal([]byte(a.body), &got); a.status != 200 || err != nil || got["api"] != "mobile" || got["user"] != "ada" {
		t.Errorf("login = %d %q", a.status, a.body)
	}
	if a := call(t, sys.svc, names["login"], "POST", "", "application/json", `{"user":"ada","key":"guess"}`); a.status != 401 || a.body != "bad key" {
		t.Errorf("login with a wrong key = %d %q, want 401 from context.fail", a.status, a.body)
	}
	if a := call(t, sys.svc, names["feed"], "GET", "", "", ""); a.status != 200 || a.body != `{"items":["a","b"]}` {
		t.Errorf("feed = %d %q", a.status, a.body)
	}
	if a := call(t, sys.svc, names["avatar"], "POST", "", "text/plain", "ada"); a.status != 200 || a.body != "https://cdn.example.com/ada.png\n" {
		t.Errorf("avatar = %d %q", a.status, a.body)
	}
}

// gatewaySDK is OpenFaaS's own client of the dev stack's gateway, for what
// the service's client does not do, such as making secrets.
func gatewaySDK(t *testing.T, svc services) *sdk.Client {
	t.Helper()
	u, err := url.Parse(svc.GatewayURL)
	if err != nil {
		t.Fatal(err)
	}
	return sdk.NewClient(u, &sdk.BasicAuth{Username: svc.GatewayUser, Password: svc.GatewayPassword}, nil)
}
