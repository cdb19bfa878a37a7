//go:build !linux || !cgo

package camera

import "fmt"

func newV4L2(dev string) (Camera, error) {
	return nil, fmt.Errorf("camera v4l2:%s: this build has no V4L2 support (Linux with cgo only)", dev)
}

// ListDevices lists the V4L2 devices of this machine (none in this build).
func ListDevices() ([]string, error) { return nil, nil }
