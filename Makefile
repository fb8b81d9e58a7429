# govconsole: one non-recursive Makefile. `make` builds ./govconsole and ./govsim.
# `make demo` and `make test` first install missing Debian packages (`make deps`).

BUILD    ?= build
SANFLAGS ?=
CC       ?= cc
PKGS     := ncursesw libcurl jansson libpcre2-8 yaml-0.1
CFLAGS   ?= -O2 -g
WARN     := -std=c11 -Wall -Wextra -Wshadow -Wformat=2 -Wstrict-prototypes \
            -Wmissing-prototypes -Wwrite-strings -Wno-format-nonliteral
CPPFLAGS += -I. -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DGC_VERSION='"$(VERSION)"'
VERSION  := $(shell git describe --tags --always --dirty 2>/dev/null || echo 0.1)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
SIM_CFLAGS = $(shell pkg-config --cflags libmicrohttpd jansson 2>/dev/null)
SIM_LIBS   = $(shell pkg-config --libs libmicrohttpd jansson 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)
ALL_CFLAGS = $(WARN) $(CFLAGS) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP
LDLIBS   = $(PKG_LIBS) -lldap -llber -lpthread -lm

CORE_SRCS := core/xalloc.c core/log.c core/sanitize.c core/loop.c core/http.c \
             core/workpool.c core/backoff.c core/poller.c core/store.c core/k8s/k8s_model.c core/k8s/kubeconfig.c core/k8s/k8s.c core/k8s/k8s_metrics.c \
             core/source_health.c core/demo.c core/filter.c core/config.c core/theme.c \
             core/jsonfmt.c core/jsonw.c core/audit.c core/jsonarena.c core/jsontext.c core/jsonflat.c core/keysort.c core/k8s/k8s_describe.c \
             core/access.c core/tenant_pattern.c core/sources.c core/check.c core/source_http.c \
             core/k8s/k8s_tenancy.c core/k8s/k8s_request.c core/k8s/k8s_applog.c core/k8s/k8s_probe.c \
             core/k8s/k8s_source.c core/logmux.c \
             core/directory/probe.c core/directory/directory_source.c core/nagios/nagios_source.c \
             core/servicenow/servicenow_source.c core/mapr/mapr_source.c core/krakend/krakend_source.c
# identity (issue 16): filter and DN escaping, who is at the keyboard, the --login prompt
CORE_SRCS += core/directory/escape.c core/directory/identity.c core/ttypass.c
# nagios (issue 13): the host map, the status parsers, the source
CORE_SRCS += core/directory/dir_model.c core/directory/dir_read.c # directory enrichment (issue 16)
CORE_SRCS += core/nagios/nagios_objects.c core/nagios/nagios_status.c core/nagios/nagios_request.c
TUI_SRCS  := tui/screen.c tui/table.c tui/texts.c tui/keymap.c tui/app.c tui/frames.c tui/cmdline.c \
             tui/header.c tui/actions.c tui/detail.c tui/logs.c tui/messages.c tui/prompt.c tui/pager.c tui/dialog.c \
             tui/wrap.c tui/help.c tui/helpview.c
VIEW_SRCS := views/registry.c views/tenants.c views/apps.c views/pods.c views/namespaces.c views/nodes.c views/sources.c views/messages.c
# nagios (issue 13)
VIEW_SRCS += views/alerts.c
# krakend (issue 15): the Prometheus text format, krakend.json, the metrics' rates; the routes view
CORE_SRCS += core/krakend/prom.c core/krakend/krakend_config.c core/krakend/krakend_metrics.c
VIEW_SRCS += views/routes.c
# MapR (issue 15): its model, streams and details; the datasets and topics views; the tenant chooser
CORE_SRCS += core/mapr/mapr_model.c core/mapr/mapr_streams.c core/mapr/mapr_detail.c
VIEW_SRCS += views/datasets.c views/topics.c
TUI_SRCS  += tui/chooser.c
MAIN_SRCS := main.c
# sla (issue 13): the service-level arithmetic, the archive parsers, the report
CORE_SRCS += core/sla/sla.c core/sla/sla_table.c core/nagios/archive.c core/nagios/sla_fetch.c core/nagios/sla_report.c \
             core/nagios/sla_source.c
# sla incidents (issue 13): ServiceNow's incidents and MTTR in the SLA rows
CORE_SRCS += core/nagios/sla_incidents.c
VIEW_SRCS += views/sla.c views/sla_timeline.c
SIM_SRCS  := sim/govsim.c sim/router.c sim/world.c sim/world_ctl.c sim/world_events.c sim/jbuf.c sim/sim_util.c \
             sim/k8s/api.c sim/k8s/discovery.c sim/k8s/review.c sim/k8s/write.c sim/k8s/logs.c sim/k8s/metrics.c sim/k8s/json.c \
             sim/k8s/selector.c sim/nagios/nagios.c \
             sim/servicenow/servicenow.c sim/mapr/mapr.c \
             sim/mapr/datasets.c \
             sim/krakend/krakend.c
# nagios (issue 13): govsim's monitored hosts and services, statusjson/objectjson/cmd.cgi
SIM_SRCS  += sim/nagios/monitor.c sim/nagios/status.c
# an item's members defined once, built as jansson or written as text (mapr, nagios)
SIM_SRCS  += sim/fields.c
# sla (issue 13): archivejson.cgi over the world's history, with the SLA arithmetic
SIM_SRCS  += sim/nagios/history.c sim/nagios/archive.c core/sla/sla.c core/xalloc.c
# krakend (issue 15): govsim's gateway metrics
SIM_SRCS  += sim/krakend/metrics.c
# ServiceNow (issue 14): its model and requests, the incidents view
CORE_SRCS += core/servicenow/sn_model.c core/servicenow/sn_request.c core/servicenow/sn_oauth.c
SIM_SRCS  += sim/servicenow/sn_table.c
VIEW_SRCS += views/incidents.c views/changes.c
TUI_SRCS  += tui/form.c

LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(CORE_SRCS) $(TUI_SRCS) $(VIEW_SRCS))
MAIN_OBJS := $(patsubst %.c,$(BUILD)/%.o,$(MAIN_SRCS))
SIM_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(SIM_SRCS))
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRCS))
INTEG_SRCS := $(sort $(wildcard tests/integration/test_*.c))
INTEG_BINS := $(patsubst tests/integration/%.c,$(BUILD)/tests/%,$(INTEG_SRCS))

.PHONY: all deps demo test test-only asan check-layers tidy bench clean
all: govconsole govsim

$(BUILD)/libgc.a: $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/govconsole: $(MAIN_OBJS) $(BUILD)/libgc.a
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/govsim: $(SIM_OBJS)
	$(CC) $(CFLAGS) $(SANFLAGS) -o $@ $^ $(SIM_LIBS) -lpthread -lm

govconsole govsim: %: $(BUILD)/%
	@if [ "$(BUILD)" = build ]; then cp -f $< $@; fi

# sim/ and its API folders (sim/k8s/, sim/nagios/ ...): `%` matches across the slashes.
$(BUILD)/sim/%.o: sim/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(WARN) $(CFLAGS) $(SANFLAGS) $(SIM_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libgc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libgc.a $(CMOCKA_LIBS) $(LDLIBS)

$(BUILD)/tests/%: tests/integration/%.c $(BUILD)/libgc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libgc.a $(CMOCKA_LIBS) $(LDLIBS)

# Roles (issue 16), TEST ONLY: the console with roles from its command line, for
# tests/screen/roles.sh. Never linked into govconsole (roles from flags would be an escalation).
$(BUILD)/tests/role_console: tests/support/role_console.c $(BUILD)/libgc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libgc.a $(LDLIBS)

# Benchmark programs run by scripts/bench.sh (figures printed, never pass/fail).
$(BUILD)/bench/%: tests/bench/%.c $(BUILD)/libgc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -o $@ $< $(BUILD)/libgc.a $(LDLIBS)

# Installs whatever Debian packages are missing (apt-get; sudo when not root).
deps:
	@scripts/deps.sh build

demo:
	@scripts/deps.sh build
	@$(MAKE) --no-print-directory all
	./govconsole --demo

# Every test: unit, conformance over ../shared/fixtures, integration against govsim,
# kubectl against govsim, screen tests in tmux. Exits non-zero on any failure.
test:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory all tests-build
	@$(MAKE) --no-print-directory check-layers
	@GC_BIN_DIR=$(BUILD) tests/run.sh

tests-build: $(BUILD)/govconsole $(BUILD)/govsim $(UNIT_BINS) $(INTEG_BINS)
tests-build: $(BUILD)/tests/role_console # roles (issue 16)

# The same tests built with AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory BUILD=build-asan CFLAGS="-O1 -g" \
	    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
	    tests-build
	@GC_BIN_DIR=build-asan ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 tests/run.sh

# core/ never includes curses; tui/ never includes the data libraries; views/ and tui/ see the
# store only through core/access.h (docs/style.md, rule 1).
check-layers:
	@bad=$$(grep -rlE '#include *[<"](n?curses|ncursesw/|tui/|views/)' --include='*.[ch]' core 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "check-layers: core includes curses, tui or views: $$bad"; exit 1; fi; \
	 bad=$$(grep -lE '#include *[<"](curl/|jansson|ldap|openldap|lber|pcre2|yaml)' tui/*.[ch] views/*.[ch] 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "check-layers: tui/views include a data library: $$bad"; exit 1; fi; \
	 bad=$$(grep -lE '#include *"core/store_impl.h"' tui/*.[ch] views/*.[ch] main.c 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "check-layers: the store's tables are core's: $$bad"; exit 1; fi; \
	 bad=$$(grep -nE 'store_get *\(|store_table *\(' views/*.c tui/*.c 2>/dev/null); \
	 if [ -n "$$bad" ]; then echo "check-layers: rows must come through core/access.h: $$bad"; exit 1; fi; \
	 echo "check-layers: ok"

tidy:
	clang-tidy $(CORE_SRCS) $(TUI_SRCS) $(VIEW_SRCS) -- $(CPPFLAGS) $(WARN) $(PKG_CFLAGS)

# Performance figures (printed, never pass/fail).
bench:
	@scripts/deps.sh bench
	@$(MAKE) --no-print-directory all $(BUILD)/bench/krakend_bench
	@scripts/bench.sh

clean:
	rm -rf build build-asan govconsole govsim tests/out

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
