package localfaas

import (
	"net/http"
	"runtime"

	"github.com/openfaas/faas-provider/types"
)

// ProviderName is what /system/info calls this provider.
const ProviderName = "localfaas"

// gatewayInfo is the gateway's answer to /system/info: the provider's
// ProviderInfo wrapped with the gateway's own version and architecture.
type gatewayInfo struct {
	Provider types.ProviderInfo `json:"provider"`
	Version  types.VersionInfo  `json:"version"`
	Arch     string             `json:"arch"`
}

// info serves GET /system/info.
func (s *Server) info(w http.ResponseWriter, _ *http.Request) {
	v := types.VersionInfo{Release: s.version, SHA: s.sha}
	writeJSON(w, http.StatusOK, gatewayInfo{
		Provider: types.ProviderInfo{Name: ProviderName, Orchestration: "local", Version: &v},
		Version:  v,
		Arch:     runtime.GOARCH,
	})
}

// listNamespaces serves GET /system/namespaces.
func (s *Server) listNamespaces(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, []string{DefaultNamespace})
}

// logs serves GET /system/logs, which has nothing to stream until a
// runtime keeps function output.
func (s *Server) logs(w http.ResponseWriter, _ *http.Request) {
	http.Error(w, "function logs are not available from localfaas", http.StatusNotImplemented)
}

// health serves GET /healthz.
func health(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write([]byte("OK"))
}
