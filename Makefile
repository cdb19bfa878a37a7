# codepay: `make run` starts the demo, `make test` runs every test.
# Both set up a fresh Debian 12 / Ubuntu machine first (apt packages for
# Fyne's cgo build, installed only when missing; the Go modules).

GO       ?= go
LANG_RUN ?= ja_JP.UTF-8
DATA     ?= $(HOME)/.local/share/codepay-demo

# Fyne's cgo build (GLFW, OpenGL). pkg-config and gcc are required: without
# them Go's errors point elsewhere. ca-certificates lets a minimal Debian
# fetch modules over HTTPS.
APT_BUILD = ca-certificates gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev \
            libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
# Only for screenshots of the real window and the two-terminal demo.
APT_TOOLS = xvfb xauth imagemagick socat

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps deps-tools run build test check vet bench screenshots screenshot-window fuzz soak clean

all: build

# Installs what is missing, nothing else.
deps:
	@missing=""; for p in $(APT_BUILD); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi
	@command -v $(GO) >/dev/null || { echo "Go 1.26 is needed: https://go.dev/dl/"; exit 1; }
	$(GO) mod download

deps-tools: deps
	@missing=""; for p in $(APT_TOOLS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y --no-install-recommends $$missing; \
	fi

build: deps
	$(GO) build -o codepay .

run: build
	LANG=$(LANG_RUN) ./codepay --data $(DATA)

# Every test: vet, the import rules, the unit, end-to-end and short fault
# tests, and FUZZTIME of each fuzz target.
FUZZTIME ?= 30s
FUZZ_TARGETS = FuzzParser:./device/poslink/ FuzzParseRequest:./app/ FuzzConfigFile:./app/ \
               FuzzReceiptLayout:./app/ FuzzIdentify:./device/codes/
test: deps check
	LANG=$(LANG_RUN) $(GO) test -race -count=1 -timeout 40m ./...
	$(MAKE) --no-print-directory fuzz FUZZTIME=$(FUZZTIME)

# The long fault runs: 100 kills, 1000 requests over a noisy line.
soak: deps
	CODEPAY_SOAK=1 LANG=$(LANG_RUN) $(GO) test -count=1 -timeout 60m -run 'Fault|Soak|PowerFailure' -v ./app/... ./device/...

check: vet
	@if $(GO) list -deps ./app/... ./device/... ./store/... ./i18n/... | grep -q '^fyne.io/'; then \
	  echo "app, device, store or i18n import Fyne: they must not"; exit 1; fi
	@test -z "$$(gofmt -l .)" || { gofmt -l .; echo "gofmt needed"; exit 1; }

vet:
	$(GO) vet ./...

# Benchmarks; each target of design.md with its figure beside it goes to
# docs/benchmarks.md.
BENCH_PKGS = ./device/codes/ ./store/ ./app/
BENCH_CMD = GOMAXPROCS=1 go test -run '^$$' -bench . -benchmem $(BENCH_PKGS)
bench: deps
	GOMAXPROCS=1 $(GO) test -run '^$$' -bench . -benchmem $(BENCH_PKGS) | tee /tmp/codepay-bench.txt
	$(GO) run ./.ci/benchreport -out docs/benchmarks.md -cmd "$(BENCH_CMD)" < /tmp/codepay-bench.txt
	@cat docs/benchmarks.md

# Screens rendered headless with fyne/test into docs/screens/*.png.
screenshots: deps
	LANG=$(LANG_RUN) CODEPAY_SCREENSHOTS=$(CURDIR)/docs/screens $(GO) test -count=1 ./screens/

# The real window under Xvfb, into docs/window-xvfb.png.
screenshot-window: build deps-tools
	rm -rf /tmp/codepay-shot; Xvfb :97 -screen 0 1280x800x24 -nolisten tcp & xvfb=$$!; sleep 1; \
	DISPLAY=:97 LANG=$(LANG_RUN) ./codepay --data /tmp/codepay-shot & app=$$!; sleep 4; \
	DISPLAY=:97 import -window root docs/window-xvfb.png; kill $$app $$xvfb

# Each fuzz target for FUZZTIME (make fuzz FUZZTIME=10m for a long run);
# what they find lands in testdata/fuzz/ and is kept as seeds.
fuzz:
	@for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t%%:*} $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t%%:*}$$" -fuzztime $(FUZZTIME) $${t##*:} || exit 1; \
	done

clean:
	rm -f codepay
