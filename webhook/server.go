package webhook

import (
	"net/http"
	"time"
)

// The timeouts of NewServer's server. A delivery is one request of at most
// a few megabytes, answered when the receiver's function returns.
const (
	// ServerReadHeaderTimeout bounds reading a request's headers.
	ServerReadHeaderTimeout = 10 * time.Second
	// ServerReadTimeout bounds reading a whole request, headers and body: a
	// client that sends its body a byte at a time is cut off then.
	ServerReadTimeout = 30 * time.Second
	// ServerWriteTimeout bounds a request from the end of its headers to
	// the end of the answer, the function's work included: make it longer
	// than processing an event can take.
	ServerWriteTimeout = 60 * time.Second
	// ServerIdleTimeout bounds how long a kept-alive connection waits for
	// its next request.
	ServerIdleTimeout = 60 * time.Second
	// ServerMaxHeaderBytes bounds a request's headers.
	ServerMaxHeaderBytes = 64 << 10
)

// NewServer returns an http.Server for a receiver: it serves h on addr
// (such as ":8080") with timeouts that cut off clients that send slowly or
// hold connections idle, and a bound on the size of headers. An
// http.Server without timeouts, as http.ListenAndServe makes, keeps a
// connection open for as long as its client wants: with a Handler's bound
// on the requests in progress, a few slow clients would keep every other
// delivery out. Change the fields before serving to suit the receiver; a
// WriteTimeout shorter than the function's work cuts off answers.
func NewServer(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: ServerReadHeaderTimeout,
		ReadTimeout:       ServerReadTimeout,
		WriteTimeout:      ServerWriteTimeout,
		IdleTimeout:       ServerIdleTimeout,
		MaxHeaderBytes:    ServerMaxHeaderBytes,
	}
}
