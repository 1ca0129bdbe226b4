package request

import "testing"

func TestTargetJoinsPathAndQuery(t *testing.T) {
	tests := []struct{ target, path, want string }{
		{"http://127.0.0.1:8080", "/predict", "http://127.0.0.1:8080/predict"},
		{"http://127.0.0.1:8080/", "/predict", "http://127.0.0.1:8080/predict"},
		{"http://127.0.0.1:8080/api", "/work?ms=5", "http://127.0.0.1:8080/api/work?ms=5"},
		{"http://127.0.0.1:8080/x?a=1", "", "http://127.0.0.1:8080/x?a=1"},
	}
	for _, tt := range tests {
		u, err := Target(tt.target, tt.path)
		if err != nil {
			t.Fatal(err)
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Target(%q, %q) = %q, want %q", tt.target, tt.path, got, tt.want)
		}
	}
}
