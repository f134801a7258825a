package main

import (
	"io"
	"testing"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		want    Config
		wantErr bool
	}{
		{
			name: "defaults",
			want: Config{Host: "127.0.0.1", Port: 4222},
		},
		{
			name: "environment",
			env:  map[string]string{"OFC_NATSD_ADDR": "0.0.0.0:54222", "OFC_NATSD_STORE_DIR": "/var/lib/nats", "OFC_NATSD_DEBUG": "true"},
			want: Config{Host: "0.0.0.0", Port: 54222, StoreDir: "/var/lib/nats", Debug: true},
		},
		{
			name: "flags beat environment",
			args: []string{"-addr", "127.0.0.1:0", "-store-dir", "/data"},
			env:  map[string]string{"OFC_NATSD_ADDR": "0.0.0.0:54222", "OFC_NATSD_STORE_DIR": "/var/lib/nats"},
			want: Config{Host: "127.0.0.1", Port: 0, StoreDir: "/data"},
		},
		{name: "address without port", args: []string{"-addr", "127.0.0.1"}, wantErr: true},
		{name: "port out of range", args: []string{"-addr", "127.0.0.1:70000"}, wantErr: true},
		{name: "port not a number", env: map[string]string{"OFC_NATSD_ADDR": "localhost:nats"}, wantErr: true},
		{name: "empty store dir", args: []string{"-store-dir", ""}, wantErr: true},
		{name: "stray argument", args: []string{"serve"}, wantErr: true},
		{name: "unknown flag", args: []string{"-port", "4222"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			getenv := func(k string) string { return tt.env[k] }
			got, err := parseConfig(tt.args, getenv, io.Discard)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("parseConfig() = %+v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseConfig(): %v", err)
			}
			if tt.want.StoreDir == "" {
				// The default lives under the machine's temp dir.
				tt.want.StoreDir = got.StoreDir
				if got.StoreDir == "" {
					t.Fatal("default store dir is empty")
				}
			}
			if got != tt.want {
				t.Errorf("parseConfig() = %+v, want %+v", got, tt.want)
			}
		})
	}
}
