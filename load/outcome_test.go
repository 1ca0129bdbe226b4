package load

import (
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestClassifyStatuses(t *testing.T) {
	for status, want := range map[int]Outcome{200: Status2xx, 204: Status2xx, 302: Status3xx, 404: Status4xx, 429: Status429,
		500: Status5xx, 502: Status502, 503: Status503, 504: Status504, 599: Status5xx, 101: OtherError, 700: OtherError} {
		if got := Classify(status, nil); got != want {
			t.Errorf("Classify(%d) = %v, want %v", status, got, want)
		}
	}
	if Status2xx.IsError() || Status3xx.IsError() || !Status4xx.IsError() || !Timeout.IsError() {
		t.Error("IsError: only 2xx and 3xx are successes")
	}
}

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
		want Outcome
	}{
		{srv.URL + "/200", Status2xx}, {srv.URL + "/redirect", Status3xx}, {srv.URL + "/404", Status4xx},
		{srv.URL + "/429", Status429}, {srv.URL + "/500", Status5xx}, {srv.URL + "/502", Status502},
		{srv.URL + "/503", Status503}, {srv.URL + "/504", Status504}, {srv.URL + "/slow", Timeout},
		{closedURL, Refused},
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
