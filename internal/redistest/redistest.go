// Package redistest runs redis-server for tests: a real server on a free
// loopback port, with its own directory, that a test can stall, kill and
// restart.
//
// Without redis-server on PATH a test that asks for one is skipped, except
// in continuous integration (the environment variable CI set), where it
// fails: there the server must be installed (.ci/run installs it).
package redistest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Server is a redis-server process.
type Server struct {
	// Addr is the server's HOST:PORT, the same across restarts.
	Addr string
	// Dir is the server's working directory, where it keeps its
	// append-only file or snapshot if it is told to.
	Dir string

	t      testing.TB
	bin    string
	args   []string
	cmd    *exec.Cmd
	exited chan struct{}
	out    *bytes.Buffer
}

// Start starts a redis-server with the given extra arguments (such as
// "--appendonly", "yes"); without them it keeps nothing on disk. The
// server is killed when the test ends.
func Start(t testing.TB, args ...string) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("redistest: no redis-server on PATH, and CI is set: install it (apt-get install redis-server)")
		}
		t.Skip("redistest: no redis-server on PATH (apt-get install redis-server)")
	}
	s := &Server{t: t, bin: bin, Dir: t.TempDir(), args: args}
	// A port found free can be taken before the server binds it: try a few.
	for attempt := 0; ; attempt++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		s.Addr = l.Addr().String()
		l.Close()
		err = s.start()
		if err == nil {
			break
		}
		if attempt == 2 {
			t.Fatal(err)
		}
	}
	t.Cleanup(s.Kill)
	return s
}

// start starts the server process on s.Addr and waits until it answers.
func (s *Server) start() error {
	host, port, _ := net.SplitHostPort(s.Addr)
	args := []string{"--bind", host, "--port", port, "--dir", s.Dir, "--save", "", "--appendonly", "no"}
	if debugNeedsEnabling(s.bin) {
		args = append(args, "--enable-debug-command", "local") // for Stall
	}
	args = append(args, s.args...) // later arguments win
	s.cmd = exec.Command(s.bin, args...)
	s.out = &bytes.Buffer{}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("redistest: starting redis-server: %v", err)
	}
	exited := make(chan struct{})
	s.exited = exited
	cmd := s.cmd
	go func() { cmd.Wait(); close(exited) }()
	c := redis.NewClient(&redis.Options{Addr: s.Addr, MaxRetries: -1})
	defer c.Close()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		select {
		case <-exited:
			return fmt.Errorf("redistest: redis-server exited: %s", bytes.TrimSpace(s.out.Bytes()))
		case <-time.After(20 * time.Millisecond):
		}
		// Ready once it answers, and has loaded its data.
		if err := c.Ping(context.Background()).Err(); err == nil {
			return nil
		}
	}
	s.cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redistest: redis-server did not answer on %s within 10 s: %s", s.Addr, bytes.TrimSpace(s.out.Bytes()))
}

// Client returns a client of the server with the given options (Addr is
// set), closed when the test ends.
func (s *Server) Client(opts *redis.Options) *redis.Client {
	if opts == nil {
		opts = &redis.Options{}
	}
	o := *opts
	o.Addr = s.Addr
	c := redis.NewClient(&o)
	s.t.Cleanup(func() { c.Close() })
	return c
}

// Kill kills the server with SIGKILL, as a crash would, and waits until it
// has exited. It does nothing to a server that is not running.
func (s *Server) Kill() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Kill()
	<-s.exited
	s.cmd = nil
}

// Restart kills the server and starts it again on the same address and
// directory, with the same arguments.
func (s *Server) Restart() {
	s.t.Helper()
	s.Kill()
	if err := s.start(); err != nil {
		s.t.Fatal(err)
	}
}

// Stall makes the server answer nothing for d, as a server that is busy or
// swapping does: DEBUG SLEEP, sent on a connection of its own. It returns
// at once; the commands sent meanwhile, those of connections that their
// client closed since included, are run when the stall ends. (CLIENT
// PAUSE is no stand-in: under it, the first tries of commands that the
// client gave up on and sent again were not run before the retries.)
func (s *Server) Stall(d time.Duration) {
	s.t.Helper()
	c, err := net.Dial("tcp", s.Addr)
	if err != nil {
		s.t.Fatal(err)
	}
	secs := strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
	if _, err := fmt.Fprintf(c, "*3\r\n$5\r\nDEBUG\r\n$5\r\nSLEEP\r\n$%d\r\n%s\r\n", len(secs), secs); err != nil {
		c.Close()
		s.t.Fatal(err)
	}
	// Closing the connection at once could reach the server before the
	// command is read: close it when the stall is over.
	time.AfterFunc(d+time.Second, func() { c.Close() })
}

// debugNeedsEnabling reports whether the redis-server at bin is Redis 7 or
// later, which runs DEBUG only with --enable-debug-command (a flag that
// earlier versions refuse).
func debugNeedsEnabling(bin string) bool {
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return false
	}
	// "Redis server v=7.0.15 sha=..."
	_, v, ok := strings.Cut(string(out), " v=")
	if !ok {
		return false
	}
	major, _, _ := strings.Cut(v, ".")
	n, err := strconv.Atoi(major)
	return err == nil && n >= 7
}
