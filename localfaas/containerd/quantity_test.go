package containerd

import "testing"

func TestMemoryBytes(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"128Mi", 128 << 20, true},
		{"1Gi", 1 << 30, true},
		{"64Mi", 64 << 20, true},
		{"0.5Gi", 512 << 20, true},
		{"100M", 100_000_000, true},
		{"1G", 1_000_000_000, true},
		{"8192Ki", 8 << 20, true},
		{"67108864", 64 << 20, true},
		{"1Mi", 0, false},
		{"lots", 0, false},
		{"", 0, false},
		{"-128Mi", 0, false},
		{"128MB", 0, false},
		{"NaN", 0, false},
		{"2Pi", 0, false},
	}
	for _, tt := range tests {
		got, err := memoryBytes(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("memoryBytes(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestCPUQuota(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500m", 50_000, true},
		{"0.5", 50_000, true},
		{"2", 200_000, true},
		{"10m", 1_000, true},
		{"1m", 0, false},
		{"0", 0, false},
		{"-1", 0, false},
		{"one", 0, false},
		{"", 0, false},
		{"NaN", 0, false},
	}
	for _, tt := range tests {
		got, err := cpuQuota(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("cpuQuota(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
