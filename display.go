package main

import (
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// displayError says in one line why no window can open, before GLFW
// would panic with a stack trace (nil where a window can open, or where
// this cannot be told beforehand).
func displayError() error {
	if runtime.GOOS != "linux" && runtime.GOOS != "freebsd" && runtime.GOOS != "openbsd" && runtime.GOOS != "netbsd" {
		return nil
	}
	const hint = "the terminal's window needs a display: run it on the desktop, or under Xvfb (xvfb-run -a ./codepay); scan, gencode, center and possim need none"
	d := os.Getenv("DISPLAY")
	if d == "" {
		return fmt.Errorf("no display (DISPLAY is not set): %s", hint)
	}
	host, rest, ok := strings.Cut(d, ":")
	if !ok {
		return nil // not a form we know: let GLFW try
	}
	num, _, _ := strings.Cut(rest, ".")
	n, err := strconv.Atoi(num)
	if err != nil {
		return nil
	}
	var conn net.Conn
	if host == "" || host == "unix" {
		// A local server listens on the abstract socket, the file, or both.
		path := "/tmp/.X11-unix/X" + num
		if conn, err = net.DialTimeout("unix", "@"+path, time.Second); err != nil {
			conn, err = net.DialTimeout("unix", path, time.Second)
		}
	} else {
		conn, err = net.DialTimeout("tcp", net.JoinHostPort(host, strconv.Itoa(6000+n)), 2*time.Second)
	}
	if err != nil {
		return fmt.Errorf("cannot reach the display DISPLAY=%s (%v): %s", d, err, hint)
	}
	conn.Close()
	return nil
}
