package benchdoc

import "testing"

func TestHostString(t *testing.T) {
	tests := []struct {
		h    Host
		want string
	}{
		{Host{Cores: 8, CPU: "AMD EPYC 7B13", Kernel: "6.1.0"}, "8 cores, AMD EPYC 7B13; Linux 6.1.0"},
		{Host{Cores: 2, Kernel: "unknown"}, "2 cores; Linux unknown"},
	}
	for _, tt := range tests {
		if got := tt.h.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestCPUModel(t *testing.T) {
	cpuinfo := "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n\n" +
		"processor\t: 1\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n"
	if got := cpuModel(cpuinfo); got != "Intel(R) Xeon(R) CPU @ 2.20GHz" {
		t.Errorf("cpuModel = %q", got)
	}
	if got := cpuModel("processor\t: 0\nCPU implementer\t: 0x41\n"); got != "" {
		t.Errorf("cpuModel without a model name = %q, want empty", got)
	}
}
