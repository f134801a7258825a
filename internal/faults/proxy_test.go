package faults

import (
	"bufio"
	"net"
	"testing"
	"time"
)

// TestProxyGoesDownAndComesBack: through the proxy an echo server
// answers; down, connections are refused and an open one is cut; up
// again, on the same address, it answers.
func TestProxyGoesDownAndComesBack(t *testing.T) {
	echo, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer echo.Close()
	go func() {
		for {
			c, err := echo.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				r := bufio.NewReader(c)
				for {
					line, err := r.ReadString('\n')
					if err != nil {
						return
					}
					_, _ = c.Write([]byte(line))
				}
			}()
		}
	}()
	p, err := NewProxy(t, echo.Addr().String())
	if err != nil {
		t.Fatal(err)
	}

	open := roundTrip(t, p.Addr())
	p.Down()
	if c, err := net.DialTimeout("tcp", p.Addr(), time.Second); err == nil {
		c.Close()
		t.Fatal("a connection to the proxy while down was accepted")
	}
	_ = open.SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := open.Write([]byte("again\n")); err == nil {
		if _, err := bufio.NewReader(open).ReadString('\n'); err == nil {
			t.Fatal("a connection open before Down still answers")
		}
	}
	open.Close()
	if err := p.Up(); err != nil {
		t.Fatal(err)
	}
	roundTrip(t, p.Addr()).Close()
}

// roundTrip opens a connection through the proxy and checks it echoes.
func roundTrip(t *testing.T, addr string) net.Conn {
	t.Helper()
	c, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte("hello\n")); err != nil {
		t.Fatal(err)
	}
	if line, err := bufio.NewReader(c).ReadString('\n'); err != nil || line != "hello\n" {
		t.Fatalf("echo through the proxy: %q, %v", line, err)
	}
	_ = c.SetDeadline(time.Time{})
	return c
}
