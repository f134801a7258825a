package main

import (
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ofcbuild/ofc/internal/envconfig"
	"github.com/ofcbuild/ofc/template"
)

func TestReadTemplateRepos(t *testing.T) {
	work := t.TempDir()
	c, err := readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t), "OFC_WORK_DIR": work,
		"OFC_TEMPLATE_REPOS":     "https://github.com/openfaas/templates, https://github.com/openfaas/golang-http-template#0.9.0,",
		"OFC_TEMPLATE_STORE_URL": "https://raw.githubusercontent.com/openfaas/store/master/templates.json",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := []template.Repository{{URL: "https://github.com/openfaas/templates"}, {URL: "https://github.com/openfaas/golang-http-template", Ref: "0.9.0"}}
	if !reflect.DeepEqual(c.TemplateRepos, want) {
		t.Errorf("repos = %+v, want %+v", c.TemplateRepos, want)
	}
	if c.TemplateCacheDir != filepath.Join(work, "ofc-templates") || c.TemplateRefresh != 5*time.Minute {
		t.Errorf("cache %q refreshed every %s", c.TemplateCacheDir, c.TemplateRefresh)
	}
	if f, s := c.templateSources(nil); f == nil || s == nil {
		t.Errorf("sources = %v, %v", f, s)
	}

	_, err = readConfig(envconfig.Map(map[string]string{
		"OFC_GATEWAY_PASSWORD": "pw", "OFC_WATCHDOG_DIR": watchdogDir(t),
		"OFC_TEMPLATE_REPOS": "git@github.com:openfaas/templates.git", "OFC_TEMPLATE_STORE_URL": "store.json",
	}))
	for _, says := range []string{"OFC_TEMPLATE_REPOS", "not an http(s) URL", "OFC_TEMPLATE_STORE_URL"} {
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("error %v does not say %q", err, says)
		}
	}
}
