package load_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"

	"github.com/deploybench/deploybench/load"
	"github.com/deploybench/deploybench/load/threshold"
)

// The runner's use of the library: start a load against a front door, watch the
// 1-second windows as they close, stop early if needed, and judge the result.
func ExampleStart() {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	srv.Listener, _ = net.Listen("tcp", "127.0.0.1:0")
	srv.Start()
	defer srv.Close()

	cfg, err := load.ParseConfig([]byte("vus: 2\nrequests: 20\nthink: 1ms\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	run, err := load.Start(context.Background(), cfg, srv.URL, load.Options{
		OnWindow: func(w load.Window) { _ = w }, // e.g. stream to the report
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// run.Stop() would end it early, with res.Partial set.
	res := run.Wait()
	fmt.Println("requests", res.Requests, "errors", res.Errors, "2xx", res.Outcomes["2xx"], "partial", res.Partial)

	slo, _ := threshold.Parse("p99<5s,errors<1%")
	fmt.Println("violations", len(threshold.Check(slo, res)))
	_ = res.WriteJSON(io.Discard) // or a file that the report re-reads with load.ReadJSON
	// Output:
	// requests 20 errors 0 2xx 20 partial false
	// violations 0
}
