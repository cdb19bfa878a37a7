# codepay: `make run` starts the demo, `make test` runs every test.
# Both set up a fresh Debian 12 / Ubuntu machine first (apt packages for
# Fyne's cgo build, installed only when missing; the Go modules).

GO       ?= go
LANG_RUN ?= ja_JP.UTF-8
DATA     ?= $(HOME)/.local/share/codepay-demo

# Fyne's cgo build (GLFW, OpenGL) and the tones (ALSA, for ebitengine/oto).
# pkg-config and gcc are required: without
# them Go's errors point elsewhere. ca-certificates lets a minimal Debian
# fetch modules over HTTPS.
APT_BUILD = ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
            libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libasound2-dev
# Only for screenshots of the real window and the two-terminal demo.
APT_TOOLS = xvfb xauth imagemagick socat

.PHONY: all deps deps-tools peer run build test check vet bench screenshots screenshot-window fuzz soak mutate e2e-printer clean

all: build

# Go first (1.26 or later), then what is missing of the apt packages
# (.ci/apt-install: with sudo when not root; says what to run without it).
deps:
	@GO=$(GO) sh .ci/check-go
	@sh .ci/apt-install $(APT_BUILD)
	@echo "codepay: fetching the Go modules"
	$(GO) mod download

deps-tools: deps
	@sh .ci/apt-install $(APT_TOOLS)

# The peer make bench sets the reader beside, benchmark only (never a
# runtime dependency): zxing-cpp's current release as npm zxing-wasm under
# Node (read rates), and Debian's native python3-zxing-cpp (time).
# Node 20 or later with its npm is needed (zxing-wasm 3 runs on it; Debian
# 12's own nodejs is 18): it is checked, not installed over.
peer:
	@sh .ci/apt-install python3-zxing-cpp util-linux
	@command -v npm >/dev/null || { echo "make peer: Node.js 20+ with npm is needed (https://nodejs.org or NodeSource's packages)"; exit 1; }
	cd .ci/peer && npm ci --no-audit --no-fund

build: deps
	@[ -x codepay ] || echo "codepay: building; the first build compiles Fyne's cgo parts and takes a few minutes (about 4 on 2 cores)"
	$(GO) build -o codepay .

run: build
	LANG=$(LANG_RUN) ./codepay --data $(DATA) $(ARGS)

# Every test: the import rules and gofmt, then vet and every test with
# -race in one go (go test vets each package with the same race-built
# dependencies, so everything compiles once), then FUZZTIME of each fuzz
# target. The build goes first, with a count of what it compiled, so a
# cold run is not silent.
FUZZTIME ?= 30s
FUZZ_TARGETS = FuzzParser:./device/poslink/ FuzzParseRequest:./app/ FuzzConfigFile:./app/ \
               FuzzReceiptLayout:./app/ FuzzIdentify:./device/codes/ FuzzDecode:./device/codes/ \
               FuzzDecoder:./device/printer/
test: deps check
	@echo "codepay: compiling with the race detector (a cold cache takes several minutes; later runs reuse it)"
	@sh .ci/progress $(GO) build -race -v ./...
	@echo "codepay: vet and every test, with -race"
	LANG=$(LANG_RUN) $(GO) test -race -vet=all -count=1 -timeout 75m ./...
	@echo "codepay: fuzzing, $(FUZZTIME) a target"
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

# The long fault runs: 100 kills, 1000 requests over a noisy line.
soak: deps
	CODEPAY_SOAK=1 LANG=$(LANG_RUN) $(GO) test -count=1 -timeout 60m -run 'Fault|Soak|PowerFailure' -v ./app/... ./device/...

# Cheap checks first: the import rules (from go list, nothing compiled),
# gofmt, and vet of the small tools under .ci (the rest is vetted by go test).
check:
	@if $(GO) list -deps ./app/... ./device/... ./store/... ./i18n/... | grep -q '^fyne.io/'; then \
	  echo "app, device, store or i18n import Fyne: they must not"; exit 1; fi
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet ./.ci/benchreport/ ./.ci/mutate/

vet:
	$(GO) vet ./... ./.ci/benchreport/ ./.ci/mutate/

# Named mutations of the money paths (intent order, recovery, reversal,
# replay, masking, capacity, practice isolation, lockout); every one must
# be killed by the tests. The table goes to docs/reliability.md.
mutate: deps
	$(GO) run ./.ci/mutate -out docs/reliability.md

# Benchmarks; each target of design.md with its figure beside it goes to
# docs/benchmarks.md.
BENCH_PKGS = ./device/codes/ ./store/ ./app/
# Pinned to core 0, as the peer's times are (codestest.PeerTimes): on one
# core the reader's time per frame and the peer's, taken in turn by
# TestPeerFrameTimes, share that core's speed, which on a shared machine
# drifts by half over minutes (an empty frame took 0.49 or 0.74 ms,
# process by process).
BENCH_EXEC = $(shell command -v taskset >/dev/null && echo "-exec 'taskset -c 0'")
BENCH_CMD = GOMAXPROCS=1 go test $(BENCH_EXEC) -run '^$$' -bench . -benchmem $(BENCH_PKGS)
# The read rates come from the read-rate tests of the same run.
READRATE_TESTS = 'Synthetic|TiltedBent|SlantedWallet|SlantedBarcodes|SeenFromBelow|SeenSteeply|DarkEdge|GlareSpot|SmallCodes|NoisyCodes|NoisyBarcodes|Inverted|ScanReal|Robustness|RealPhotoSets|GeneratedLabels|RealBarcodes|NoCodeReadsNothing'
bench: deps peer
	rm -f /tmp/codepay-figures.jsonl
	CODEPAY_PEER=$(CURDIR)/.ci/peer CODEPAY_FIGURES=/tmp/codepay-figures.jsonl $(GO) test -count=1 -timeout 40m -run $(READRATE_TESTS) ./device/codes/ ./app/cli/
	CODEPAY_PEER=$(CURDIR)/.ci/peer CODEPAY_FIGURES=/tmp/codepay-figures.jsonl GOMAXPROCS=1 $(GO) test -count=1 $(BENCH_EXEC) -run '^TestPeerFrameTimes$$' -v ./device/codes/
	GOMAXPROCS=1 $(GO) test $(BENCH_EXEC) -run '^$$' -bench . -benchmem $(BENCH_PKGS) | tee /tmp/codepay-bench.txt
	$(GO) run ./.ci/benchreport -out docs/benchmarks.md -cmd "$(BENCH_CMD)" -figures /tmp/codepay-figures.jsonl < /tmp/codepay-bench.txt
	@cat docs/benchmarks.md

# Screens rendered headless with fyne/test into docs/screens/*.png, then
# docs/screens/before-after.png: the three main states as they were when
# issue #14 was filed (BEFORE) beside them now.
BEFORE ?= 7642608
screenshots: deps deps-tools
	LANG=$(LANG_RUN) CODEPAY_SCREENSHOTS=$(CURDIR)/docs/screens $(GO) test -count=1 ./screens/
	sh .ci/before-after $(BEFORE)

# The real terminal under Xvfb: POS on a pseudo-terminal pair, printing to
# codepay printersim over TCP (.ci/e2e-printer).
e2e-printer: build deps-tools
	sh .ci/e2e-printer ./codepay

# The real window under Xvfb, into docs/window-xvfb.png.
screenshot-window: build deps-tools
	rm -rf /tmp/codepay-shot; Xvfb :97 -screen 0 1280x800x24 -nolisten tcp & xvfb=$$!; sleep 1; \
	DISPLAY=:97 LANG=$(LANG_RUN) ./codepay --data /tmp/codepay-shot & app=$$!; sleep 4; \
	DISPLAY=:97 import -window root docs/window-xvfb.png; kill $$app $$xvfb

# Each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a long run);
# what they find lands in testdata/fuzz/ and is kept as seeds. Minimising
# a new input may take 60 s by default, which ate the last half of a 30 s
# run at 0 execs/s: 2 s keeps the run exploring (a crasher is still
# minimised, and saved either way). .ci/fuzz passes Go 1.26's false
# "context deadline exceeded" at the end of a run (golang/go#75804).
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t%%:*} $(FUZZTIME)"; \
	  sh .ci/fuzz $(GO) $${t%%:*} $${t##*:} $(FUZZTIME) || exit 1; \
	done

clean:
	rm -f codepay
