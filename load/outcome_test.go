package load

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/deploybench/deploybench/load/request"
)

// Every class is produced by a real server (or the lack of one) and counted apart.
func TestOutcomesFromRealServers(t *testing.T) {
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, "/")
		if p == "slow" {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
			return
		}
		if p == "redirect" {
			http.Redirect(w, r, "/elsewhere", http.StatusFound)
			return
		}
		code, _ := strconv.Atoi(p)
		w.WriteHeader(code)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closedURL := "http://" + l.Addr().String()
	l.Close()
	tests := []struct {
		url  string
		want request.Outcome
	}{
		{srv.URL + "/200", request.Status2xx}, {srv.URL + "/redirect", request.Status3xx}, {srv.URL + "/404", request.Status4xx},
		{srv.URL + "/429", request.Status429}, {srv.URL + "/500", request.Status5xx}, {srv.URL + "/502", request.Status502},
		{srv.URL + "/503", request.Status503}, {srv.URL + "/504", request.Status504}, {srv.URL + "/slow", request.Timeout},
		{closedURL, request.Refused},
	}
	for _, tt := range tests {
		res := runLoad(t, Config{VUs: 1, Requests: 2, Timeout: dur(50 * time.Millisecond)}, tt.url, Options{})
		if res.Outcomes[tt.want.String()] != 2 || res.Requests != 2 {
			t.Errorf("%s: outcomes %v, want 2 × %s", tt.url, res.Outcomes, tt.want)
		}
		if wantErr := int64(0); tt.want.IsError() {
			wantErr = 2
			if res.Errors != wantErr {
				t.Errorf("%s: %d errors, want %d", tt.url, res.Errors, wantErr)
			}
		}
	}
}
