// omgolden writes what prometheus/common's expfmt OpenMetrics encoder makes of the families in
// core/src/test/resources/openmetrics/families.prototext: the golden file of
// OpenMetricsWriterTest. Run from the repository root (Debian bookworm, GOPATH mode):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE=/tmp/gocache \
//	  go run ./core/src/test/go/omgolden \
//	  core/src/test/resources/openmetrics/families.prototext \
//	  > core/src/test/resources/openmetrics/openmetrics.golden.txt
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/golang/protobuf/proto"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: omgolden FAMILIES.prototext")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	out := bufio.NewWriter(os.Stdout)
	enc := expfmt.NewEncoder(out, expfmt.FmtOpenMetrics)
	for i, block := range strings.Split(string(raw), "\n---\n") {
		var mf dto.MetricFamily
		if err := proto.UnmarshalText(block, &mf); err != nil {
			fail(fmt.Errorf("block %d: %w", i, err))
		}
		if err := enc.Encode(&mf); err != nil {
			fail(fmt.Errorf("block %d: %w", i, err))
		}
	}
	if err := enc.(expfmt.Closer).Close(); err != nil {
		fail(err)
	}
	if err := out.Flush(); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
