package bench

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// captured is one write request a partner received.
type captured struct {
	method, path string
	body         []byte
}

// capture records the writes that reach a handler.
type capture struct {
	next http.Handler
	mu   sync.Mutex
	reqs []captured
}

func (c *capture) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		body, _ := io.ReadAll(r.Body)
		c.mu.Lock()
		c.reqs = append(c.reqs, captured{r.Method, r.URL.Path, body})
		c.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	c.next.ServeHTTP(w, r)
}

// replay sends reqs to base with a plain keep-alive client and workers
// goroutines, the way a program without an engine would, and returns how
// long it took and the first failure.
func replay(base string, reqs []captured, workers int) (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 100, MaxIdleConnsPerHost: max(workers, 8), IdleConnTimeout: 90 * time.Second}}
	defer client.CloseIdleConnections()
	jobs := make(chan captured)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range workers {
		wg.Go(func() {
			for c := range jobs {
				if err := send(client, base, c); err != nil && errs[w] == nil {
					errs[w] = err
				}
			}
		})
	}
	for _, c := range reqs {
		jobs <- c
	}
	close(jobs)
	wg.Wait()
	return time.Since(start), errors.Join(errs...)
}

// send sends one captured request and reads the answer.
func send(client *http.Client, base string, c captured) error {
	req, err := http.NewRequest(c.method, base+c.path, bytes.NewReader(c.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode >= 300 {
		return fmt.Errorf("bench: plain client: %s %s: %d", c.method, c.path, res.StatusCode)
	}
	return nil
}
