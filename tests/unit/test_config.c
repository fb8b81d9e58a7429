/* core/config: the INI parser, typed values, defaults, messages, passwords, the default path
 * and the example in docs/configuration.md. Run from the repository root (or set GC_ROOT). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/config.h"

#define DATA "tests/data/config"

static char tmpdir[64];

/* Reads a file into a NUL-terminated buffer (caller frees); fails the test if it cannot. */
static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long n;

    assert_non_null(fp);
    assert_int_equal(fseek(fp, 0, SEEK_END), 0);
    n = ftell(fp);
    assert_true(n >= 0);
    rewind(fp);
    buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *fp = fopen(path, "w");

    assert_non_null(fp);
    fputs(text, fp);
    assert_int_equal(fclose(fp), 0);
    assert_int_equal(chmod(path, mode), 0);
}

static void dump(const struct config_diag *d)
{
    for (size_t i = 0; i < d->nerrors; i++) {
        print_message("error: %s\n", d->errors[i]);
    }
    for (size_t i = 0; i < d->nwarnings; i++) {
        print_message("warning: %s\n", d->warnings[i]);
    }
}

/* config_parse over a NUL-terminated string. */
static int parse(const char *text, struct gc_config *c, struct config_diag *d)
{
    return config_parse("test.ini", text, strlen(text), c, d);
}

static int setup(void **state)
{
    const char *root = getenv("GC_ROOT");

    (void)state;
    if (root != NULL && root[0] != '\0' && chdir(root) != 0) {
        return -1;
    }
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/gc-config-XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        return -1;
    }
    setenv("HOME", "/home/op", 1);
    unsetenv("XDG_CONFIG_HOME");
    return 0;
}

static int teardown(void **state)
{
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static void assert_defaults(const struct gc_config *c)
{
    assert_null(c->kubernetes.kubeconfig);
    assert_null(c->kubernetes.context);
    assert_int_equal(c->kubernetes.interval_metrics_ms, 30000);
    assert_null(c->kubernetes.tenant_pattern);
    assert_null(c->nagios.url);
    assert_int_equal(c->nagios.interval_ms, 30000);
    assert_string_equal(c->nagios.tenant_pattern, "^tenant-([a-z0-9-]+)$");
    assert_int_equal(c->servicenow.interval_ms, 30000);
    assert_null(c->servicenow.tenant_pattern);
    assert_int_equal(c->mapr.interval_ms, 60000); /* not [ui] refresh: 60 s */
    assert_string_equal(c->mapr.tenant_pattern, "^(?:t\\.|/tenants/)([a-z0-9-]+)[./]");
    assert_string_equal(c->krakend.tenant_pattern, "^/([a-z0-9-]+)/");
    assert_int_equal(c->krakend.interval_ms, 15000); /* issue 15: 15 s unless set */
    assert_true(c->krakend.error_warn == 1);
    assert_null(c->krakend.config);
    assert_null(c->servicenow.client_id);
    assert_null(c->servicenow.client_secret_file);
    assert_null(c->mapr.httpfs);
    assert_null(c->nagios.ca_file);
    assert_null(c->nagios.token_file);
    assert_int_equal(c->nagios.insecure, -1);
    assert_int_equal(c->servicenow.insecure, -1);
    assert_int_equal(c->mapr.insecure, -1);
    assert_int_equal(c->krakend.insecure, -1);
    assert_null(c->directory.ca_file);
    assert_int_equal(c->directory.insecure, -1);
    assert_false(c->directory.starttls);
    assert_int_equal(c->directory.timeout_ms, 5000);
    assert_true(c->directory.required);
    assert_false(c->sla.warning_is_down);
    assert_string_equal(c->access.operators, "govcloud-operators");
    assert_string_equal(c->access.oncall, "govcloud-oncall");
    assert_string_equal(c->access.tenant_group_prefix, "tenant-");
    assert_true(c->sla.target == 99.5);
    assert_int_equal(c->sla.period, CONFIG_PERIOD_MONTH);
    assert_string_equal(c->ui.theme, "default");
    assert_int_equal(c->ui.refresh_ms, 30000);
    assert_true(c->ui.mouse);
    assert_null(c->tls.ca_file);
    assert_false(c->tls.insecure);
    assert_int_equal(c->ntenants, 0);
    assert_int_equal(c->ndatasets, 0);
    assert_null(c->datasets);
}

static void test_defaults(void **state)
{
    struct gc_config c;
    struct config_diag d;
    char xdg[128];

    (void)state;
    config_diag_init(&d);
    /* No file at the default path: the defaults, no message. */
    snprintf(xdg, sizeof(xdg), "%s/empty-xdg", tmpdir);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    assert_int_equal(config_load(NULL, &c, &d), 0);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    assert_null(c.path);
    assert_defaults(&c);
    config_fini(&c);
    unsetenv("XDG_CONFIG_HOME");

    /* An empty file: the same. */
    assert_int_equal(parse("", &c, &d), 0);
    assert_defaults(&c);
    config_fini(&c);
    assert_int_equal(parse("# only a comment\n\n[ui]\n", &c, &d), 0);
    assert_defaults(&c);
    config_fini(&c);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    config_diag_fini(&d);
}

static void test_default_path(void **state)
{
    char buf[256];
    char small[16];
    char dir[128];
    char path[192];
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    assert_string_equal(config_default_path(buf, sizeof(buf)), "/xdg/govconsole/config.ini");
    assert_null(config_default_path(small, sizeof(small)));
    /* A relative XDG_CONFIG_HOME is invalid by the XDG spec and ignored. */
    setenv("XDG_CONFIG_HOME", "relative", 1);
    assert_string_equal(config_default_path(buf, sizeof(buf)),
                        "/home/op/.config/govconsole/config.ini");
    unsetenv("XDG_CONFIG_HOME");
    assert_string_equal(config_default_path(buf, sizeof(buf)),
                        "/home/op/.config/govconsole/config.ini");

    /* config_load(NULL) reads the file there. */
    snprintf(dir, sizeof(dir), "%s/xdg", tmpdir);
    assert_int_equal(mkdir(dir, 0700), 0);
    snprintf(path, sizeof(path), "%s/govconsole", dir);
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(path, sizeof(path), "%s/govconsole/config.ini", dir);
    write_file(path, "[ui]\ntheme = light\n", 0600);
    setenv("XDG_CONFIG_HOME", dir, 1);
    assert_int_equal(config_load(NULL, &c, &d), 0);
    assert_string_equal(c.path, path);
    assert_string_equal(c.ui.theme, "light");
    config_fini(&c);

    /* A default file that exists but cannot be read is an error, not the defaults. */
    chmod(path, 0);
    if (access(path, R_OK) != 0) {
        assert_int_equal(config_load(NULL, &c, &d), -1);
        assert_int_equal(d.nerrors, 1);
        assert_non_null(strstr(d.errors[0], "config.ini: Permission denied"));
        config_fini(&c);
    }
    unsetenv("XDG_CONFIG_HOME");
    config_diag_fini(&d);
}

static void test_missing_explicit(void **state)
{
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    assert_int_equal(config_load(DATA "/no-such.ini", &c, &d), -1);
    assert_int_equal(d.nerrors, 1);
    assert_string_equal(d.errors[0], DATA "/no-such.ini: No such file or directory");
    /* *out is initialised anyway. */
    assert_defaults(&c);
    config_fini(&c);
    config_diag_fini(&d);
    /* diag may be NULL. */
    assert_int_equal(config_load(DATA "/no-such.ini", &c, NULL), -1);
    config_fini(&c);
}

static void test_full(void **state)
{
    struct gc_config c;
    struct config_diag d = {0};
    const struct config_tenant *t;

    (void)state;
    assert_int_equal(config_load(DATA "/full.ini", &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    assert_string_equal(c.path, DATA "/full.ini");
    assert_string_equal(c.kubernetes.kubeconfig, "/etc/govconsole/kubeconfig");
    assert_string_equal(c.kubernetes.context, "prod");
    assert_int_equal(c.kubernetes.interval_metrics_ms, 10000);
    assert_string_equal(c.kubernetes.tenant_pattern, "^ns-([a-z0-9-]+)$");
    assert_string_equal(c.nagios.url, "http://mon.govcloud.internal/nagios4/cgi-bin");
    assert_string_equal(c.nagios.user, "nagiosadmin");
    assert_string_equal(c.nagios.password_file, "/etc/govconsole/nagios.pw");
    assert_int_equal(c.nagios.interval_ms, 45000);
    assert_string_equal(c.nagios.tenant_pattern, "^hg-(.+)$");
    assert_string_equal(c.nagios.ca_file, "/etc/govconsole/nagios-ca.pem");
    assert_int_equal(c.nagios.insecure, 0);
    assert_string_equal(c.servicenow.url, "https://govcloud.service-now.com");
    assert_string_equal(c.servicenow.password_file, "/home/op/sn.pw");
    assert_int_equal(c.servicenow.interval_ms, 120000);
    assert_string_equal(c.servicenow.tenant_pattern, "^(\\w+)$");
    assert_string_equal(c.servicenow.client_id, "govconsole-oauth");
    assert_string_equal(c.servicenow.client_secret_file, "/home/op/sn.secret");
    assert_string_equal(c.servicenow.ca_file, "/home/op/sn-ca.pem");
    assert_int_equal(c.servicenow.insecure, 1);
    assert_int_equal(c.mapr.interval_ms, 3600000);
    assert_null(c.mapr.tenant_pattern); /* an empty value turns the default off */
    assert_string_equal(c.mapr.httpfs, "https://mapr:14000/webhdfs/v1");
    assert_string_equal(c.mapr.ca_file, "/opt/mapr/conf/ssl_truststore.pem");
    assert_int_equal(c.mapr.insecure, 0);
    assert_string_equal(c.krakend.config, "https://gateway/krakend.json");
    assert_string_equal(c.krakend.metrics, "http://gateway:9091/metrics");
    assert_string_equal(c.krakend.health, "http://gateway:8080/__health");
    assert_string_equal(c.krakend.tenant_pattern, "^/api/([a-z]+)/");
    /* A token instead of user and password. */
    assert_null(c.krakend.user);
    assert_null(c.krakend.password_file);
    assert_string_equal(c.krakend.token_file, "/home/op/.config/govconsole/gateway.token");
    assert_int_equal(c.krakend.interval_ms, 20000);
    assert_true(c.krakend.error_warn == 2.5);
    assert_string_equal(c.krakend.ca_file, "/etc/govconsole/gateway-ca.pem");
    assert_int_equal(c.krakend.insecure, 0);
    assert_string_equal(c.directory.uri, "ldap://ad.govcloud.internal");
    assert_string_equal(c.directory.base, "dc=govcloud,dc=dk");
    assert_string_equal(c.directory.bind_dn, "cn=svc,dc=govcloud,dc=dk");
    assert_string_equal(c.directory.password_file, "/etc/govconsole/ldap.pw");
    assert_true(c.directory.starttls);
    assert_int_equal(c.directory.timeout_ms, 3000);
    assert_false(c.directory.required);
    assert_string_equal(c.directory.ca_file, "/etc/govconsole/ad-ca.pem");
    assert_int_equal(c.directory.insecure, 0);
    assert_string_equal(c.access.operators, "ops");
    assert_string_equal(c.access.oncall, "pager");
    assert_string_equal(c.access.tenant_group_prefix, "t-");
    assert_string_equal(c.access.contexts, "prod, prod-dr");
    assert_true(c.sla.target > 99.9499 && c.sla.target < 99.9501);
    assert_int_equal(c.sla.period, CONFIG_PERIOD_WEEK);
    assert_string_equal(config_period_name(c.sla.period), "week");
    assert_true(c.sla.warning_is_down);
    assert_string_equal(c.ui.theme, "high-contrast");
    assert_int_equal(c.ui.refresh_ms, 500);
    assert_false(c.ui.mouse);
    assert_string_equal(c.tls.ca_file, "/home/op/ca.pem");
    assert_true(c.tls.insecure);

    assert_int_equal(c.ntenants, 2);
    t = config_tenant(&c, "dmi");
    assert_ptr_equal(t, &c.tenants[0]);
    assert_string_equal(t->name, "dmi");
    assert_string_equal(t->display, "Danish Meteorological Institute");
    assert_int_equal(t->nnamespaces, 3);
    assert_string_equal(t->namespaces[0], "dmi");
    assert_string_equal(t->namespaces[1], "dmi-sandbox");
    assert_string_equal(t->namespaces[2], "dmi-test");
    assert_null(t->namespaces[3]);
    assert_string_equal(t->nagios_hostgroup, "hg-dmi");
    assert_string_equal(t->servicenow_company, "DMI");
    assert_string_equal(t->mapr_prefix, "t.dmi.");
    assert_string_equal(t->gateway_prefix, "/dmi/");
    assert_true(t->sla_target > 99.899 && t->sla_target < 99.901);
    t = config_tenant(&c, "cvr");
    assert_string_equal(t->display, "Central Business Register");
    assert_null(t->namespaces);
    assert_int_equal(t->nnamespaces, 0);
    assert_null(t->nagios_hostgroup);
    /* A tenant without sla_target gets [sla] target. */
    assert_true(t->sla_target == c.sla.target);
    assert_null(config_tenant(&c, "nope"));

    assert_int_equal(c.ndatasets, 2);
    assert_string_equal(c.datasets[0].name, "t.dmi.*");
    assert_int_equal(c.datasets[0].cadence_ms, 86400000);
    assert_string_equal(c.datasets[0].owner, "dmi-ops@dmi.dk");
    assert_string_equal(c.datasets[1].name, "/tenants/dmi/observations");
    assert_int_equal(c.datasets[1].cadence_ms, 60000);
    assert_string_equal(c.datasets[1].owner, "DMI observations");
    config_fini(&c);
    config_diag_fini(&d);
}

static void test_errors(void **state)
{
    static const char *const expect[] = {
        DATA "/errors.ini:2: key 'url' outside any section",
        DATA "/errors.ini:5: duplicate key 'url' in [nagios] (first on line 4)",
        DATA "/errors.ini:6: bad duration 'soon' for 'interval' (use 30, 30s, 5m, 1h or 1d)",
        DATA "/errors.ini:7: syntax error: expected [section], key = value or a comment",
        DATA "/errors.ini:8: duplicate section [nagios] (first on line 3)",
        DATA "/errors.ini:10: bad boolean 'maybe' for 'insecure' (use true or false)",
        DATA "/errors.ini:12: bad percentage '120' for 'target' (use a number from 0 to 100)",
        DATA "/errors.ini:13: bad period 'year' for 'period' (use month, week or day)",
        DATA "/errors.ini:15: duration '0' for 'refresh' is out of range (100ms to 24h)",
        DATA "/errors.ini:16: section [ui] takes no name",
        DATA "/errors.ini:17: [tenant] needs a name: [tenant NAME]",
        DATA "/errors.ini:18: bad tenant name 'DMI' (use a-z, 0-9 and -)",
        DATA "/errors.ini:20: bad namespace 'DMI_prod' in 'namespaces' (use a-z, 0-9 and -)",
        DATA "/errors.ini:21: duplicate section [tenant dmi] (first on line 19)",
        DATA "/errors.ini:23: bad URL 'mapr:8443' for 'url' (use http:// or https://)",
        DATA "/errors.ini:24: bad pattern for 'tenant_pattern': missing closing parenthesis "
             "at offset 8",
        DATA "/errors.ini:26: bad pattern for 'tenant_pattern': no capture group for the tenant",
        DATA "/errors.ini:28: bad URI 'mon' for 'uri' (use ldap://, ldaps:// or ldapi://)",
        DATA "/errors.ini:29: syntax error: missing ']'",
        DATA "/errors.ini:30: syntax error: text after ']'",
        DATA "/errors.ini:32: syntax error: unterminated quote",
        DATA "/errors.ini:33: syntax error: text after the closing quote",
        DATA "/errors.ini:34: syntax error: expected [section], key = value or a comment",
        DATA "/errors.ini:35: syntax error: empty section name",
    };
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    assert_int_equal(config_load(DATA "/errors.ini", &c, &d), -1);
    dump(&d);
    assert_int_equal(d.nwarnings, 0);
    assert_int_equal(d.nerrors, sizeof(expect) / sizeof(expect[0]));
    for (size_t i = 0; i < d.nerrors; i++) {
        assert_string_equal(d.errors[i], expect[i]);
    }
    /* Bad values left the defaults in place; good lines still took effect. */
    assert_string_equal(c.nagios.url, "http://mon/nagios4/cgi-bin");
    assert_int_equal(c.nagios.interval_ms, 30000);
    assert_false(c.tls.insecure);
    assert_true(c.sla.target == 99.5);
    config_fini(&c);
    config_diag_fini(&d);
    assert_int_equal(d.nerrors, 0);
}

static void test_warnings(void **state)
{
    static const char *const expect[] = {
        DATA "/warnings.ini:4: unknown key 'intervall' in [nagios]",
        DATA "/warnings.ini:5: unknown section [nagois]",
        DATA "/warnings.ini:9: unknown key 'colour' in [tenant dmi]",
    };
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    assert_int_equal(config_load(DATA "/warnings.ini", &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(d.nwarnings, sizeof(expect) / sizeof(expect[0]));
    for (size_t i = 0; i < d.nwarnings; i++) {
        assert_string_equal(d.warnings[i], expect[i]);
    }
    assert_string_equal(c.nagios.url, "http://mon/nagios4/cgi-bin");
    assert_int_equal(c.ntenants, 1);
    config_fini(&c);
    config_diag_fini(&d);
}

static void test_quirks(void **state)
{
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    /* A BOM, CRLF line ends, quotes, comments after values, blanks around '='. */
    assert_int_equal(config_load(DATA "/quirks.ini", &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    assert_string_equal(c.ui.theme, "light");
    assert_int_equal(c.ui.refresh_ms, 45000);
    assert_false(c.ui.mouse);
    assert_string_equal(c.nagios.url, "http://mon/cgi-bin#frag");
    assert_string_equal(c.nagios.user, "  spaced user  ");
    /* Intervals not set follow [ui] refresh. */
    assert_int_equal(c.nagios.interval_ms, 45000);
    assert_int_equal(c.kubernetes.interval_metrics_ms, 45000);
    config_fini(&c);

    /* A quoted value keeps '#' and ';'. */
    assert_int_equal(parse("[tenant x]\ndisplay = \"A ; B # C\" # comment\n", &c, &d), 0);
    assert_string_equal(c.tenants[0].display, "A ; B # C");
    config_fini(&c);
    /* Messages name the file given to config_parse. */
    assert_int_equal(parse("[ui]\nmouse = sometimes\n", &c, &d), -1);
    assert_string_equal(d.errors[0],
                        "test.ini:2: bad boolean 'sometimes' for 'mouse' (use true or false)");
    config_fini(&c);
    /* A NUL byte is an error on its line. */
    static const char nul[] = "[ui]\nthe\0me = x\n";

    assert_int_equal(config_parse("nul.ini", nul, sizeof(nul) - 1, &c, &d), -1);
    assert_string_equal(d.errors[1], "nul.ini:2: NUL byte in line");
    config_fini(&c);
    config_diag_fini(&d);
}

/* Parses "[section]\nkey = value\n"; returns config_parse's result. */
static int parse_one(const char *section, const char *key, const char *value, struct gc_config *c)
{
    char text[256];

    snprintf(text, sizeof(text), "[%s]\n%s = %s\n", section, key, value);
    return parse(text, c, NULL);
}

/* Parses "[section]\nkey = path\n" into *c. */
static void config_with_key(struct gc_config *c, const char *section, const char *key,
                            const char *path)
{
    assert_int_equal(parse_one(section, key, path, c), 0);
}

static void test_durations(void **state)
{
    static const struct {
        const char *text;
        int64_t ms;
    } good[] = {
        {"30", 30000},    {"30s", 30000},      {"5m", 300000},    {"1h", 3600000},
        {"500ms", 500},   {"100ms", 100},      {"24h", 86400000}, {"\"90s\"", 90000},
        {"1d", 86400000}, {"1440m", 86400000},
    };
    static const char *const bad[] = {
        "soon", "",   "-1", "5 m", "1D", "30S", "1.5m", "0", "99ms", "25h", "99999999999999999999",
        "s",    "m5", "2d", "d",   "1dd"};
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(parse_one("nagios", "interval", good[i].text, &c), 0);
        assert_int_equal(c.nagios.interval_ms, good[i].ms);
        config_fini(&c);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("duration '%s'\n", bad[i]);
        assert_int_equal(parse_one("nagios", "interval", bad[i], &c), -1);
        assert_int_equal(c.nagios.interval_ms, 30000);
        config_fini(&c);
    }
    /* A day is a unit, but more than a day is out of range for an interval. */
    assert_int_equal(parse("[nagios]\ninterval = 2d\n", &c, &d), -1);
    assert_int_equal(d.nerrors, 1);
    assert_string_equal(d.errors[0],
                        "test.ini:2: duration '2d' for 'interval' is out of range (100ms to 24h)");
    config_fini(&c);
    config_diag_fini(&d);
}

static void test_bools(void **state)
{
    static const char *const yes[] = {"true", "yes", "on", "1", "TRUE", "Yes", "On"};
    static const char *const no[] = {"false", "no", "off", "0", "False", "NO", "oFF"};
    static const char *const bad[] = {"maybe", "", "2", "y", "n", "truee", "-1"};
    struct gc_config c;

    (void)state;
    for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        assert_int_equal(parse_one("tls", "insecure", yes[i], &c), 0);
        assert_true(c.tls.insecure);
        config_fini(&c);
        assert_int_equal(parse_one("ui", "mouse", no[i], &c), 0);
        assert_false(c.ui.mouse);
        config_fini(&c);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(parse_one("tls", "insecure", bad[i], &c), -1);
        assert_false(c.tls.insecure);
        config_fini(&c);
    }
}

static void test_percent(void **state)
{
    static const struct {
        const char *text;
        double v;
    } good[] = {
        {"99.5", 99.5},   {"100", 100},   {"0", 0},    {"99.95%", 99.95},
        {"0.001", 0.001}, {"100.0", 100}, {"42%", 42},
    };
    static const char *const bad[] = {"120", "-1", "99,5", ".5",   "1e2",  "100.1",
                                      "abc", "",   "99.",  "1000", "50%%", "nan"};
    struct gc_config c;

    (void)state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(parse_one("sla", "target", good[i].text, &c), 0);
        assert_true(c.sla.target > good[i].v - 1e-9 && c.sla.target < good[i].v + 1e-9);
        config_fini(&c);
    }
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        print_message("percent '%s'\n", bad[i]);
        assert_int_equal(parse_one("sla", "target", bad[i], &c), -1);
        assert_true(c.sla.target == 99.5);
        config_fini(&c);
    }
    /* Per tenant, too. */
    assert_int_equal(parse_one("tenant dmi", "sla_target", "99.99", &c), 0);
    assert_true(c.tenants[0].sla_target > 99.989 && c.tenants[0].sla_target < 99.991);
    config_fini(&c);
    assert_int_equal(parse_one("tenant dmi", "sla_target", "101", &c), -1);
    config_fini(&c);
}

/* Every section and key of the configuration contract (DESIGN.md "Contracts", and the keys
 * added since). in_full: whether tests/data/config/full.ini sets it; [krakend] has a token
 * instead of a user and password, as one section cannot have both. */
static const struct {
    const char *section, *key;
    bool in_full;
} contract[] = {
    {"kubernetes", "kubeconfig", true},
    {"kubernetes", "context", true},
    {"kubernetes", "interval_metrics", true},
    {"kubernetes", "tenant_pattern", true},
    {"kubernetes", "allow_plain_http", true},
#define CONTRACT_SOURCE(sec, with_user)                                                            \
    {sec, "user", with_user}, {sec, "password_file", with_user}, {sec, "token_file", !with_user},  \
        {sec, "interval", true}, {sec, "tenant_pattern", true}, {sec, "ca_file", true},            \
        {sec, "allow_plain_http", true},                                                           \
    {                                                                                              \
        sec, "insecure", true                                                                      \
    }
    CONTRACT_SOURCE("nagios", true),
    {"nagios", "url", true},
    CONTRACT_SOURCE("servicenow", true),
    {"servicenow", "url", true},
    {"servicenow", "client_id", true},
    {"servicenow", "client_secret_file", true},
    CONTRACT_SOURCE("mapr", true),
    {"mapr", "url", true},
    {"mapr", "httpfs", true},
    CONTRACT_SOURCE("krakend", false),
    {"krakend", "config", true},
    {"krakend", "metrics", true},
    {"krakend", "health", true},
    {"krakend", "error_warn", true},
#undef CONTRACT_SOURCE
    {"directory", "uri", true},
    {"directory", "base", true},
    {"directory", "bind_dn", true},
    {"directory", "password_file", true},
    {"directory", "starttls", true},
    {"directory", "timeout", true},
    {"directory", "required", true},
    {"directory", "ca_file", true},
    {"directory", "insecure", true},
    {"access", "operators", true},
    {"access", "oncall", true},
    {"access", "tenant_group_prefix", true},
    {"access", "contexts", true},
    {"sla", "target", true},
    {"sla", "period", true},
    {"sla", "warning_is_down", true},
    {"ui", "theme", true},
    {"ui", "refresh", true},
    {"ui", "mouse", true},
    {"tls", "ca_file", true},
    {"tls", "insecure", true},
    {"tenant", "display", true},
    {"tenant", "namespaces", true},
    {"tenant", "nagios_hostgroup", true},
    {"tenant", "servicenow_company", true},
    {"tenant", "mapr_prefix", true},
    {"tenant", "gateway_prefix", true},
    {"tenant", "sla_target", true},
    {"dataset", "cadence", true},
    {"dataset", "owner", true},
};

/* Whether the INI text sets `key` in a section called `section` ([section] or [section NAME]). */
static bool ini_has_key(const char *text, const char *section, const char *key)
{
    size_t slen = strlen(section), klen = strlen(key);
    bool in = false;

    for (const char *line = text; *line != '\0'; line = strchr(line, '\n') + 1) {
        if (line[0] == '[') {
            in = strncmp(line + 1, section, slen) == 0 &&
                 (line[1 + slen] == ']' || line[1 + slen] == ' ');
        } else if (in && strncmp(line, key, klen) == 0 && strncmp(line + klen, " =", 2) == 0) {
            return true;
        }
        if (strchr(line, '\n') == NULL) {
            break;
        }
    }
    return false;
}

/* The "### " heading line in doc that names [section] (or [section NAME]), or NULL. */
static const char *doc_heading(const char *doc, const char *section)
{
    char exact[48], named[48];

    snprintf(exact, sizeof(exact), "[%s]", section);
    snprintf(named, sizeof(named), "[%s ", section);
    for (const char *h = strstr(doc, "\n### "); h != NULL; h = strstr(h + 1, "\n### ")) {
        const char *eol = strchr(h + 1, '\n');
        const char *e = strstr(h, exact), *n = strstr(h, named);

        if ((e != NULL && e < eol) || (n != NULL && n < eol)) {
            return h + 1;
        }
    }
    return NULL;
}

/* Whether docs/configuration.md has a table row for `key` under the heading of `section`, and
 * that row, under a heading shared by several sections, names the section or "all". */
static bool doc_has_key(const char *doc, const char *section, const char *key)
{
    const char *start = doc_heading(doc, section);
    const char *end, *r, *eol, *p;
    char row[64];

    if (start == NULL) {
        return false;
    }
    end = strstr(start, "\n#");
    snprintf(row, sizeof(row), "\n| `%s` |", key);
    r = strstr(start, row);
    if (r == NULL || (end != NULL && r > end)) {
        return false;
    }
    eol = strchr(r + 1, '\n');
    p = strstr(start, "], [");
    if (p == NULL || p > strchr(start, '\n')) {
        return true; /* a heading of one section */
    }
    p = strstr(r, section);
    if (p != NULL && p < eol) {
        return true;
    }
    p = strstr(r, "| all |");
    return p != NULL && p < eol;
}

/* full.ini sets every section and key of the contract (but the ones a token excludes) and
 * loads without a message; docs/configuration.md describes every one of them. */
static void test_contract(void **state)
{
    char *full = slurp(DATA "/full.ini");
    char *doc = slurp("docs/configuration.md");
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    assert_int_equal(config_load(DATA "/full.ini", &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    config_fini(&c);
    for (size_t i = 0; i < sizeof(contract) / sizeof(contract[0]); i++) {
        print_message("[%s] %s\n", contract[i].section, contract[i].key);
        assert_int_equal(ini_has_key(full, contract[i].section, contract[i].key),
                         contract[i].in_full);
        assert_true(doc_has_key(doc, contract[i].section, contract[i].key));
    }
    /* The checks can fail. */
    assert_false(ini_has_key(full, "nagios", "config"));
    assert_false(doc_has_key(doc, "directory", "url"));
    assert_false(doc_has_key(doc, "nagios", "config"));
    config_diag_fini(&d);
    free(full);
    free(doc);
}

/* Parses text expecting exactly one message (an error when is_error, else a warning). */
static void expect_one(const char *text, bool is_error, const char *msg)
{
    struct gc_config c;
    struct config_diag d = {0};

    print_message("%s", text);
    assert_int_equal(parse(text, &c, &d), is_error ? -1 : 0);
    dump(&d);
    assert_int_equal(d.nerrors, is_error ? 1 : 0);
    assert_int_equal(d.nwarnings, is_error ? 0 : 1);
    assert_string_equal(is_error ? d.errors[0] : d.warnings[0], msg);
    config_fini(&c);
    config_diag_fini(&d);
}

/* Each source section takes only its own keys; the others are unknown keys. */
static void test_source_keys(void **state)
{
    static const struct {
        const char *text, *msg;
    } foreign[] = {
        {"[krakend]\nurl = http://gw\n", "test.ini:2: unknown key 'url' in [krakend]"},
        {"[nagios]\n\nconfig = /k.json\n", "test.ini:3: unknown key 'config' in [nagios]"},
        {"[mapr]\nmetrics = http://m\n", "test.ini:2: unknown key 'metrics' in [mapr]"},
        {"[servicenow]\nhealth = http://h\n", "test.ini:2: unknown key 'health' in [servicenow]"},
        {"[servicenow]\nerror_warn = 2\n", "test.ini:2: unknown key 'error_warn' in [servicenow]"},
        {"[mapr]\nclient_id = x\n", "test.ini:2: unknown key 'client_id' in [mapr]"},
        {"[krakend]\nclient_secret_file = /s\n",
         "test.ini:2: unknown key 'client_secret_file' in [krakend]"},
        {"[nagios]\nhttpfs = http://h\n", "test.ini:2: unknown key 'httpfs' in [nagios]"},
    };
    struct gc_config c;

    (void)state;
    for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
        expect_one(foreign[i].text, false, foreign[i].msg);
    }

    /* [mapr]'s interval is 60 s when not set, whatever [ui] refresh says. */
    assert_int_equal(parse("[ui]\nrefresh = 10s\n[mapr]\nurl = https://m:8443\n", &c, NULL), 0);
    assert_int_equal(c.mapr.interval_ms, 60000);
    config_fini(&c);
    assert_int_equal(parse_one("mapr", "interval", "2m", &c), 0);
    assert_int_equal(c.mapr.interval_ms, 120000);
    config_fini(&c);

    /* [krakend] has an interval, 15 s when not set whatever [ui] refresh says (issue 15:
       the gateway's metrics are scraped every 15 s). */
    assert_int_equal(
        parse("[ui]\nrefresh = 10s\n[krakend]\nhealth = http://gw/__health\n", &c, NULL), 0);
    assert_int_equal(c.krakend.interval_ms, 15000);
    assert_int_equal(c.nagios.interval_ms, 10000);
    config_fini(&c);
    assert_int_equal(parse_one("krakend", "interval", "1m", &c), 0);
    assert_int_equal(c.krakend.interval_ms, 60000);
    config_fini(&c);
    expect_one("[krakend]\ninterval = often\n", true,
               "test.ini:2: bad duration 'often' for 'interval' (use 30, 30s, 5m, 1h or 1d)");

    /* error_warn is a percentage, default 1. */
    assert_int_equal(parse_one("krakend", "error_warn", "0.5%", &c), 0);
    assert_true(c.krakend.error_warn == 0.5);
    config_fini(&c);
    expect_one("[krakend]\n\nerror_warn = 101\n", true,
               "test.ini:3: bad percentage '101' for 'error_warn' (use a number from 0 to 100)");

    /* httpfs is a URL. */
    assert_int_equal(parse_one("mapr", "httpfs", "http://mapr:14000", &c), 0);
    assert_string_equal(c.mapr.httpfs, "http://mapr:14000");
    config_fini(&c);
    expect_one("[mapr]\nhttpfs = mapr:14000\n", true,
               "test.ini:2: bad URL 'mapr:14000' for 'httpfs' (use http:// or https://)");

    /* client_id is any text, client_secret_file a path. */
    assert_int_equal(
        parse("[servicenow]\nclient_id = \" id 7 \"\nclient_secret_file = ~/s\n", &c, NULL), 0);
    assert_string_equal(c.servicenow.client_id, " id 7 ");
    assert_string_equal(c.servicenow.client_secret_file, "/home/op/s");
    config_fini(&c);
    expect_one("[servicenow]\nclient_id = a\nclient_id = b\n", true,
               "test.ini:3: duplicate key 'client_id' in [servicenow] (first on line 2)");

    /* The krakend URLs are checked as URLs. */
    expect_one("[krakend]\nmetrics = gw:9091\n", true,
               "test.ini:2: bad URL 'gw:9091' for 'metrics' (use http:// or https://)");
}

static void test_source_get(void **state)
{
    static const char *const names[] = {"nagios", "servicenow", "mapr", "krakend"};
    static const struct {
        const char *section, *key, *value;
        bool on;
    } cases[] = {
        {"nagios", "url", "http://mon/nagios4/cgi-bin", true},
        {"servicenow", "url", "https://agency.service-now.com", true},
        {"mapr", "url", "https://mapr:8443", true},
        {"nagios", "user", "u", false},
        {"mapr", "httpfs", "https://mapr:14000", false},
        {"krakend", "config", "/etc/krakend/krakend.json", true},
        {"krakend", "metrics", "http://gw:9091/metrics", true},
        {"krakend", "health", "http://gw:8080/__health", true},
        {"krakend", "interval", "1m", false},
        {"krakend", "token_file", "/gw.token", false},
    };
    struct gc_config c;

    (void)state;
    assert_int_equal(parse("", &c, NULL), 0);
    assert_ptr_equal(config_source_get(&c, "nagios"), &c.nagios);
    assert_ptr_equal(config_source_get(&c, "servicenow"), &c.servicenow);
    assert_ptr_equal(config_source_get(&c, "mapr"), &c.mapr);
    assert_ptr_equal(config_source_get(&c, "krakend"), &c.krakend);
    assert_null(config_source_get(&c, "kubernetes"));
    assert_null(config_source_get(&c, "directory"));
    assert_null(config_source_get(&c, "Nagios"));
    assert_null(config_source_get(&c, ""));
    /* Nothing is configured by default. */
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_false(config_source_configured(config_source_get(&c, names[i]), names[i]));
    }
    assert_false(config_source_configured(NULL, "nagios"));
    config_fini(&c);

    /* A url switches nagios, servicenow and mapr on; any one of config, metrics and health
     * switches krakend on. Other sources stay off. */
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        print_message("[%s] %s\n", cases[i].section, cases[i].key);
        assert_int_equal(parse_one(cases[i].section, cases[i].key, cases[i].value, &c), 0);
        for (size_t j = 0; j < sizeof(names) / sizeof(names[0]); j++) {
            bool on = cases[i].on && strcmp(names[j], cases[i].section) == 0;

            assert_int_equal(config_source_configured(config_source_get(&c, names[j]), names[j]),
                             on);
        }
        config_fini(&c);
    }
}

/* token_file: in every source section, and never with user or password_file. */
static void test_token_file_key(void **state)
{
    static const char *const sources[] = {"nagios", "servicenow", "mapr", "krakend"};
    static const struct {
        const char *text, *msg;
    } bad[] = {
        {"[nagios]\npassword_file = /pw\ntoken_file = /tok\n",
         "test.ini:3: 'token_file' and 'password_file' (line 2) both set in [nagios]: use a token "
         "or a user and password, not both"},
        {"[mapr]\ntoken_file = /tok\n\npassword_file = /pw\n",
         "test.ini:4: 'password_file' and 'token_file' (line 2) both set in [mapr]: use a token "
         "or a user and password, not both"},
        {"[servicenow]\nuser = svc\ntoken_file = /tok\n",
         "test.ini:3: 'token_file' and 'user' (line 2) both set in [servicenow]: use a token or a "
         "user and password, not both"},
        {"[krakend]\ntoken_file = ~/tok\nuser = svc\n",
         "test.ini:3: 'user' and 'token_file' (line 2) both set in [krakend]: use a token or a "
         "user and password, not both"},
    };
    struct gc_config c;

    (void)state;
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
        struct config_diag d = {0};
        const struct config_source *src;

        config_with_key(&c, sources[i], "token_file", "~/govcloud.token");
        src = config_source_get(&c, sources[i]);
        assert_string_equal(src->token_file, "/home/op/govcloud.token");
        config_fini(&c);
        /* A token and an OAuth client, or a token and its own TLS, are fine together. */
        assert_int_equal(
            parse("[servicenow]\ntoken_file = /t\nclient_id = x\ninsecure = no\n", &c, &d), 0);
        assert_int_equal(d.nerrors + d.nwarnings, 0);
        config_fini(&c);
    }
    expect_one("[directory]\ntoken_file = /tok\n", false,
               "test.ini:2: unknown key 'token_file' in [directory]");
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        expect_one(bad[i].text, true, bad[i].msg);
    }
    /* The second key is not taken. */
    assert_int_equal(parse(bad[0].text, &c, NULL), -1);
    assert_string_equal(c.nagios.password_file, "/pw");
    assert_null(c.nagios.token_file);
    config_fini(&c);
    /* An empty value is "not set", on either side. */
    assert_int_equal(parse("[nagios]\nuser =\ntoken_file = /tok\n", &c, NULL), 0);
    assert_string_equal(c.nagios.token_file, "/tok");
    config_fini(&c);
    assert_int_equal(parse("[nagios]\ntoken_file = /tok\npassword_file =\n", &c, NULL), 0);
    assert_string_equal(c.nagios.token_file, "/tok");
    assert_null(c.nagios.password_file);
    config_fini(&c);
    /* In different sections they do not meet. */
    assert_int_equal(parse("[nagios]\nuser = a\n[mapr]\ntoken_file = /tok\n", &c, NULL), 0);
    config_fini(&c);
}

/* A boolean key at `offset` in struct gc_config: both values, and a bad one, which is an
 * error on its line and leaves the default `def`. */
static void check_bool_key(const char *section, const char *key, size_t offset, bool def)
{
    struct gc_config c;
    char text[128], msg[160];

    assert_int_equal(parse_one(section, key, "yes", &c), 0);
    assert_true(*(bool *)((char *)&c + offset));
    config_fini(&c);
    assert_int_equal(parse_one(section, key, "Off", &c), 0);
    assert_false(*(bool *)((char *)&c + offset));
    config_fini(&c);
    snprintf(text, sizeof(text), "[%s]\n\n%s = sometimes\n", section, key);
    snprintf(msg, sizeof(msg), "test.ini:3: bad boolean 'sometimes' for '%s' (use true or false)",
             key);
    expect_one(text, true, msg);
    assert_int_equal(parse(text, &c, NULL), -1);
    assert_int_equal(*(bool *)((char *)&c + offset), def);
    config_fini(&c);
}

/* [directory] timeout and required. */
static void test_directory_keys(void **state)
{
    struct gc_config c;

    (void)state;
    assert_int_equal(parse_one("directory", "timeout", "2500ms", &c), 0);
    assert_int_equal(c.directory.timeout_ms, 2500);
    assert_true(c.directory.required);
    config_fini(&c);
    /* A plain number is seconds. */
    assert_int_equal(parse_one("directory", "timeout", "30", &c), 0);
    assert_int_equal(c.directory.timeout_ms, 30000);
    config_fini(&c);
    expect_one("[directory]\nuri = ldap://ad\ntimeout = 10 s\n", true,
               "test.ini:3: bad duration '10 s' for 'timeout' (use 30, 30s, 5m, 1h or 1d)");
    expect_one("[directory]\ntimeout = 50ms\n", true,
               "test.ini:2: duration '50ms' for 'timeout' is out of range (100ms to 24h)");
    assert_int_equal(parse("[directory]\ntimeout = 0\n", &c, NULL), -1);
    assert_int_equal(c.directory.timeout_ms, 5000);
    config_fini(&c);

    check_bool_key("directory", "required", offsetof(struct gc_config, directory.required), true);
}

/* [sla] warning_is_down. */
static void test_sla_keys(void **state)
{
    (void)state;
    check_bool_key("sla", "warning_is_down", offsetof(struct gc_config, sla.warning_is_down),
                   false);
    /* It belongs to [sla] only. */
    expect_one("[ui]\nwarning_is_down = true\n", false,
               "test.ini:2: unknown key 'warning_is_down' in [ui]");
}

/* [dataset NAME]: names, keys, file order, and config_dataset_match(). */
static void test_datasets(void **state)
{
    static const char text[] = "[dataset t.dmi.*]\n"
                               "cadence = 1d\n"
                               "owner = dmi-ops@dmi.dk\n"
                               "[dataset t.dmi.forecast]\n"
                               "cadence = 4h\n"
                               "owner = \"DMI forecast team\"\n"
                               "[dataset /tenants/dmi/observations]\n"
                               "cadence = 1m\n"
                               "[dataset t.*]\n"
                               "[dataset /tenants/cvr/*]\n"
                               "cadence = 7d\n"
                               "owner =\n"
                               "[tenant dmi]\n"
                               "[dataset dmi]\n";
    struct gc_config c;
    struct config_diag d = {0};

    (void)state;
    assert_int_equal(parse(text, &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    assert_int_equal(c.ndatasets, 6);
    assert_int_equal(c.ntenants, 1);
    assert_string_equal(c.datasets[0].name, "t.dmi.*");
    assert_int_equal(c.datasets[0].cadence_ms, 86400000);
    assert_string_equal(c.datasets[0].owner, "dmi-ops@dmi.dk");
    assert_string_equal(c.datasets[1].name, "t.dmi.forecast");
    assert_int_equal(c.datasets[1].cadence_ms, 4 * 3600000);
    assert_string_equal(c.datasets[1].owner, "DMI forecast team");
    assert_string_equal(c.datasets[2].name, "/tenants/dmi/observations");
    assert_int_equal(c.datasets[2].cadence_ms, 60000);
    assert_null(c.datasets[2].owner);
    /* Neither key: no expected cadence, no owner. */
    assert_string_equal(c.datasets[3].name, "t.*");
    assert_int_equal(c.datasets[3].cadence_ms, 0);
    assert_null(c.datasets[3].owner);
    /* A cadence may be longer than a day; an empty owner is none. */
    assert_int_equal(c.datasets[4].cadence_ms, 7 * 86400000LL);
    assert_null(c.datasets[4].owner);
    assert_string_equal(c.datasets[5].name, "dmi");

    /* An exact name wins over an earlier glob. */
    assert_ptr_equal(config_dataset_match(&c, "t.dmi.forecast"), &c.datasets[1]);
    /* Otherwise the first glob in file order. */
    assert_ptr_equal(config_dataset_match(&c, "t.dmi.archive"), &c.datasets[0]);
    assert_ptr_equal(config_dataset_match(&c, "t.cvr.registry"), &c.datasets[3]);
    assert_ptr_equal(config_dataset_match(&c, "/tenants/dmi/observations"), &c.datasets[2]);
    /* A * also matches '/'. */
    assert_ptr_equal(config_dataset_match(&c, "/tenants/cvr/registry/2026"), &c.datasets[4]);
    assert_null(config_dataset_match(&c, "/tenants/dmi/forecast"));
    assert_null(config_dataset_match(&c, "users"));
    assert_null(config_dataset_match(&c, ""));
    config_fini(&c);
    config_diag_fini(&d);

    /* No datasets: nothing matches. */
    assert_int_equal(parse("", &c, NULL), 0);
    assert_null(config_dataset_match(&c, "t.dmi.forecast"));
    config_fini(&c);

    assert_int_equal(parse_one("dataset t.dmi.forecast", "cadence", "366d", &c), 0);
    assert_int_equal(c.datasets[0].cadence_ms, 366 * 86400000LL);
    config_fini(&c);
    assert_int_equal(parse_one("dataset t.dmi.forecast", "cadence", "500ms", &c), 0);
    assert_int_equal(c.datasets[0].cadence_ms, 500);
    config_fini(&c);

    expect_one("[dataset]\ncadence = 1h\n", true,
               "test.ini:1: [dataset] needs a name: [dataset NAME]");
    expect_one(
        "[dataset t.dmi forecast]\ncadence = 1h\n", true,
        "test.ini:1: bad dataset name 't.dmi forecast' (use a volume name, a /path or a glob "
        "over them with * and ?)");
    expect_one("[dataset t.dmi.forecast!]\n", true,
               "test.ini:1: bad dataset name 't.dmi.forecast!' (use a volume name, a /path or a "
               "glob over them with * and ?)");
    expect_one("[dataset t.dmi.*]\n\n[dataset t.dmi.*]\n", true,
               "test.ini:3: duplicate section [dataset t.dmi.*] (first on line 1)");
    expect_one("[dataset t.dmi.*]\ncadence = often\n", true,
               "test.ini:2: bad duration 'often' for 'cadence' (use 30, 30s, 5m, 1h or 1d)");
    expect_one("[dataset t.dmi.*]\ncadence = 367d\n", true,
               "test.ini:2: duration '367d' for 'cadence' is out of range (100ms to 366d)");
    expect_one("[dataset t.dmi.*]\nowner = a\nowner = b\n", true,
               "test.ini:3: duplicate key 'owner' in [dataset t.dmi.*] (first on line 2)");
    expect_one("[dataset t.dmi.*]\nexpected = 1h\n", false,
               "test.ini:2: unknown key 'expected' in [dataset t.dmi.*]");
    /* A bad value leaves the dataset without a cadence. */
    assert_int_equal(parse("[dataset t.dmi.*]\ncadence = 0\n", &c, NULL), -1);
    assert_int_equal(c.ndatasets, 1);
    assert_int_equal(c.datasets[0].cadence_ms, 0);
    config_fini(&c);
}

/* Asserts what config_tls() gives for a section. */
static void expect_tls(const struct gc_config *c, const char *section, const char *ca,
                       bool insecure)
{
    const char *got_ca = "untouched";
    bool got_insecure = !insecure;

    print_message("tls for %s\n", section);
    config_tls(c, section, &got_ca, &got_insecure);
    if (ca == NULL) {
        assert_null(got_ca);
    } else {
        assert_string_equal(got_ca, ca);
    }
    assert_int_equal(got_insecure, insecure);
}

/* Each source section and [directory] may override [tls] ca_file and insecure, each on its
 * own; everything else gets [tls]. */
static void test_tls_override(void **state)
{
    static const char *const all[] = {"nagios",    "servicenow", "mapr", "krakend",
                                      "directory", "kubernetes", "ui",   "nonsense"};
    struct gc_config c;

    (void)state;
    /* Defaults: the system's CA store, verified. */
    assert_int_equal(parse("", &c, NULL), 0);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        expect_tls(&c, all[i], NULL, false);
    }
    config_fini(&c);

    /* [tls] alone applies everywhere. */
    assert_int_equal(parse("[tls]\nca_file = /ca.pem\ninsecure = true\n", &c, NULL), 0);
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
        expect_tls(&c, all[i], "/ca.pem", true);
    }
    config_fini(&c);

    /* Overrides, each key on its own. */
    assert_int_equal(parse("[tls]\nca_file = /ca.pem\ninsecure = yes\n"
                           "[nagios]\nca_file = /nagios-ca.pem\n"
                           "[mapr]\ninsecure = false\n"
                           "[krakend]\nca_file = /gw.pem\ninsecure = no\n"
                           "[directory]\nca_file = ~/ldap-ca.pem\n",
                           &c, NULL),
                     0);
    expect_tls(&c, "nagios", "/nagios-ca.pem", true);
    expect_tls(&c, "mapr", "/ca.pem", false);
    expect_tls(&c, "krakend", "/gw.pem", false);
    expect_tls(&c, "directory", "/home/op/ldap-ca.pem", true);
    expect_tls(&c, "servicenow", "/ca.pem", true);
    expect_tls(&c, "kubernetes", "/ca.pem", true);
    config_fini(&c);

    /* A section may turn verification off where [tls] keeps it on. */
    assert_int_equal(parse("[servicenow]\ninsecure = on\n[directory]\ninsecure = 1\n", &c, NULL),
                     0);
    assert_int_equal(c.servicenow.insecure, 1);
    expect_tls(&c, "servicenow", NULL, true);
    expect_tls(&c, "directory", NULL, true);
    expect_tls(&c, "nagios", NULL, false);
    config_fini(&c);

    /* Bad values are errors with their line; the override stays unset. */
    expect_one("[nagios]\nurl = https://mon\ninsecure = maybe\n", true,
               "test.ini:3: bad boolean 'maybe' for 'insecure' (use true or false)");
    assert_int_equal(parse("[nagios]\ninsecure = maybe\n", &c, NULL), -1);
    assert_int_equal(c.nagios.insecure, -1);
    config_fini(&c);
    expect_one("[directory]\ninsecure =\n", true,
               "test.ini:2: bad boolean '' for 'insecure' (use true or false)");
    expect_one("[krakend]\ninsecure = true\ninsecure = false\n", true,
               "test.ini:3: duplicate key 'insecure' in [krakend] (first on line 2)");
    /* The kubeconfig decides a cluster's TLS: [kubernetes] has no such keys. */
    expect_one("[kubernetes]\nca_file = /ca.pem\n", false,
               "test.ini:2: unknown key 'ca_file' in [kubernetes]");
}

/* The example in docs/configuration.md is tests/data/config/example.ini, byte for byte, and
 * every ini block in the page loads without a message. */
static void test_docs_example(void **state)
{
    char *doc = slurp("docs/configuration.md");
    char *file = slurp(DATA "/example.ini");
    const char *ex = strstr(doc, "\n## Example\n");
    const char *p;
    struct gc_config c;
    struct config_diag d = {0};
    int blocks = 0;

    (void)state;
    assert_non_null(ex);
    ex = strstr(ex, "```ini\n");
    assert_non_null(ex);
    ex += strlen("```ini\n");
    assert_non_null(strstr(ex, "\n```\n"));
    assert_int_equal((size_t)(strstr(ex, "\n```\n") + 1 - ex), strlen(file));
    assert_memory_equal(ex, file, strlen(file));

    assert_int_equal(config_load(DATA "/example.ini", &c, &d), 0);
    dump(&d);
    assert_int_equal(d.nerrors + d.nwarnings, 0);
    assert_string_equal(c.nagios.password_file, "/home/op/.config/govconsole/nagios.pw");
    assert_int_equal(c.ntenants, 2);
    assert_int_equal(c.ndatasets, 2);
    assert_int_equal(config_dataset_match(&c, "t.dmi.forecast")->cadence_ms, 4 * 3600000);
    config_fini(&c);

    for (p = strstr(doc, "```ini\n"); p != NULL; p = strstr(p, "```ini\n")) {
        const char *end;

        p += strlen("```ini\n");
        end = strstr(p, "\n```\n");
        assert_non_null(end);
        assert_int_equal(config_parse("docs", p, (size_t)(end + 1 - p), &c, &d), 0);
        dump(&d);
        assert_int_equal(d.nerrors + d.nwarnings, 0);
        config_fini(&c);
        blocks++;
        p = end;
    }
    assert_true(blocks >= 2);
    config_diag_fini(&d);
    free(doc);
    free(file);
}

/* A config whose [nagios] password_file is `path` (NULL: none). */
static void config_with_password_file(struct gc_config *c, const char *path)
{
    char text[256];

    if (path != NULL) {
        snprintf(text, sizeof(text), "[nagios]\npassword_file = %s\n", path);
    } else {
        snprintf(text, sizeof(text), "[nagios]\n");
    }
    assert_int_equal(parse(text, c, NULL), 0);
}

static void test_password_file(void **state)
{
    struct gc_config c;
    char path[128], msg[256];
    char *err = NULL;
    char *pw;

    (void)state;
    snprintf(path, sizeof(path), "%s/nagios.pw", tmpdir);
    write_file(path, "s3cret\n", 0644);
    config_with_password_file(&c, path);

    /* Too open: refused, and the message says why without the password. */
    assert_null(config_password(&c, "nagios", &err));
    assert_non_null(err);
    snprintf(msg, sizeof(msg), "%s: permissions 0644 are too open; use chmod 600", path);
    assert_string_equal(err, msg);
    assert_null(strstr(err, "s3cret"));
    free(err);

    chmod(path, 0640);
    assert_null(config_password(&c, "nagios", &err));
    snprintf(msg, sizeof(msg), "%s: permissions 0640 are too open; use chmod 600", path);
    assert_string_equal(err, msg);
    free(err);

    chmod(path, 0600);
    pw = config_password(&c, "nagios", &err);
    assert_null(err);
    assert_string_equal(pw, "s3cret");
    free(pw);

    chmod(path, 0400);
    pw = config_password(&c, "nagios", &err);
    assert_string_equal(pw, "s3cret");
    free(pw);

    /* The file wins over the environment. */
    setenv("GOVCONSOLE_NAGIOS_PASSWORD", "from-env", 1);
    pw = config_password(&c, "nagios", &err);
    assert_string_equal(pw, "s3cret");
    free(pw);
    unsetenv("GOVCONSOLE_NAGIOS_PASSWORD");

    /* CRLF and several trailing newlines go; inner blanks stay. */
    chmod(path, 0600);
    write_file(path, "pass word\r\n\n", 0600);
    pw = config_password(&c, "nagios", &err);
    assert_string_equal(pw, "pass word");
    free(pw);

    /* Empty file. */
    write_file(path, "\n", 0600);
    assert_null(config_password(&c, "nagios", &err));
    snprintf(msg, sizeof(msg), "%s: the password file is empty", path);
    assert_string_equal(err, msg);
    free(err);
    config_fini(&c);

    /* Missing file, and a directory. */
    snprintf(path, sizeof(path), "%s/missing.pw", tmpdir);
    config_with_password_file(&c, path);
    assert_null(config_password(&c, "nagios", &err));
    snprintf(msg, sizeof(msg), "%s: No such file or directory", path);
    assert_string_equal(err, msg);
    free(err);
    config_fini(&c);
    config_with_password_file(&c, tmpdir);
    assert_null(config_password(&c, "nagios", &err));
    snprintf(msg, sizeof(msg), "%s: not a regular file", tmpdir);
    assert_string_equal(err, msg);
    free(err);
    config_fini(&c);
}

/* A getter of a secret: config_password, config_token or config_client_secret. */
typedef char *(*secret_fn)(const struct gc_config *, const char *, char **);

/* Expects get() to refuse the file at `path` (set as `key` in [section]) with "path: why". */
static void expect_refused(secret_fn get, const char *section, const char *key, const char *path,
                           const char *why)
{
    struct gc_config c;
    char msg[512];
    char *err = NULL;

    print_message("%s %s: %s\n", section, key, why);
    config_with_key(&c, section, key, path);
    assert_null(get(&c, section, &err));
    assert_non_null(err);
    snprintf(msg, sizeof(msg), "%s: %s", path, why);
    assert_string_equal(err, msg);
    assert_null(strstr(err, "s3cret"));
    free(err);
    config_fini(&c);
}

/* Expects get(c, section) to give `want` (NULL: nothing) and no error. */
static void expect_secret(secret_fn get, const struct gc_config *c, const char *section,
                          const char *want)
{
    char *err = (char *)"untouched";
    char *got = get(c, section, &err);

    print_message("secret of %s\n", section);
    assert_null(err);
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
    free(got);
}

/* Expects get() to read "s3cret-value" from the file at `path`. */
static void expect_read(secret_fn get, const char *section, const char *key, const char *path)
{
    struct gc_config c;

    config_with_key(&c, section, key, path);
    expect_secret(get, &c, section, "s3cret-value");
    config_fini(&c);
}

/* Every refusal of a secret file, through getter get for `key` in [section]; `what` names the
 * file in messages and `max` is the most bytes it may hold. */
static void check_secret_file(secret_fn get, const char *section, const char *key, const char *what,
                              size_t max)
{
    char path[128], link[128], dir[128], why[128];
    char *big;

    snprintf(path, sizeof(path), "%s/%s.%s", tmpdir, section, key);
    write_file(path, "s3cret-value\n", 0600);
    expect_read(get, section, key, path);
    chmod(path, 0400);
    expect_read(get, section, key, path);

    chmod(path, 0644);
    expect_refused(get, section, key, path, "permissions 0644 are too open; use chmod 600");
    chmod(path, 0604);
    expect_refused(get, section, key, path, "permissions 0604 are too open; use chmod 600");
    chmod(path, 0620);
    expect_refused(get, section, key, path, "permissions 0620 are too open; use chmod 600");

    /* Empty, or only a newline. */
    write_file(path, "", 0600);
    snprintf(why, sizeof(why), "the %s file is empty", what);
    expect_refused(get, section, key, path, why);
    write_file(path, "\r\n", 0600);
    expect_refused(get, section, key, path, why);

    /* max bytes are fine, one more is too many. */
    big = malloc(max + 2);
    assert_non_null(big);
    memset(big, 'x', max + 1);
    big[max + 1] = '\0';
    write_file(path, big, 0600);
    snprintf(why, sizeof(why), "too large for a %s file", what);
    expect_refused(get, section, key, path, why);
    big[max] = '\0';
    write_file(path, big, 0600);
    {
        struct gc_config c;
        char *err = NULL;
        char *secret;

        config_with_key(&c, section, key, path);
        secret = get(&c, section, &err);
        assert_null(err);
        assert_int_equal(strlen(secret), max);
        free(secret);
        config_fini(&c);
    }
    free(big);

    /* A directory. */
    snprintf(dir, sizeof(dir), "%s/%s.dir", tmpdir, section);
    assert_int_equal(mkdir(dir, 0700), 0);
    expect_refused(get, section, key, dir, "not a regular file");
    /* A FIFO is refused at once, not waited on for a writer. */
    snprintf(dir, sizeof(dir), "%s/%s.fifo", tmpdir, section);
    assert_int_equal(mkfifo(dir, 0600), 0);
    expect_refused(get, section, key, dir, "not a regular file");

    /* Missing. */
    snprintf(link, sizeof(link), "%s/%s.missing", tmpdir, section);
    expect_refused(get, section, key, link, "No such file or directory");

    /* A symbolic link to a good file of ours is followed... */
    write_file(path, "s3cret-value\n", 0600);
    snprintf(link, sizeof(link), "%s/%s.link", tmpdir, section);
    assert_int_equal(symlink(path, link), 0);
    expect_read(get, section, key, link);
    /* ...and one to a 0600 file of someone else's is refused (root can arrange that). */
    if (geteuid() == 0) {
        assert_int_equal(chown(path, 65534, 65534), 0);
        expect_refused(get, section, key, link, "owned by uid 65534, not by you (uid 0)");
        expect_refused(get, section, key, path, "owned by uid 65534, not by you (uid 0)");
    } else {
        print_message("not root: cannot make a file owned by someone else\n");
    }
}

/* A token and a client secret from the environment, and what the files win over. */
static void test_secret_env(void **state)
{
    struct gc_config c;
    char path[128];

    (void)state;
    unsetenv("GOVCONSOLE_NAGIOS_TOKEN");
    unsetenv("GOVCONSOLE_SERVICENOW_CLIENT_SECRET");
    assert_int_equal(parse("", &c, NULL), 0);
    expect_secret(config_token, &c, "nagios", NULL);
    setenv("GOVCONSOLE_NAGIOS_TOKEN", "tok-from-env", 1);
    expect_secret(config_token, &c, "nagios", "tok-from-env");
    /* Each section has its own variable. */
    expect_secret(config_token, &c, "mapr", NULL);
    setenv("GOVCONSOLE_KRAKEND_TOKEN", "gw-tok", 1);
    expect_secret(config_token, &c, "krakend", "gw-tok");
    /* Only sources have tokens. */
    setenv("GOVCONSOLE_DIRECTORY_TOKEN", "nope", 1);
    expect_secret(config_token, &c, "directory", NULL);
    /* An empty variable is no token. */
    setenv("GOVCONSOLE_MAPR_TOKEN", "", 1);
    expect_secret(config_token, &c, "mapr", NULL);
    config_fini(&c);

    /* With a user or a password_file, the section uses basic authentication: the environment's
     * token does not count. */
    assert_int_equal(parse("[nagios]\nuser = svc\n[krakend]\npassword_file = /pw\n", &c, NULL), 0);
    expect_secret(config_token, &c, "nagios", NULL);
    expect_secret(config_token, &c, "krakend", NULL);
    config_fini(&c);

    /* A token_file wins over the environment. */
    snprintf(path, sizeof(path), "%s/env.token", tmpdir);
    write_file(path, "tok-from-file\n", 0600);
    config_with_key(&c, "nagios", "token_file", path);
    expect_secret(config_token, &c, "nagios", "tok-from-file");
    config_fini(&c);
    unsetenv("GOVCONSOLE_NAGIOS_TOKEN");
    unsetenv("GOVCONSOLE_KRAKEND_TOKEN");
    unsetenv("GOVCONSOLE_DIRECTORY_TOKEN");
    unsetenv("GOVCONSOLE_MAPR_TOKEN");

    /* The client secret: file, else $GOVCONSOLE_SERVICENOW_CLIENT_SECRET. */
    assert_int_equal(parse("[servicenow]\nclient_id = govconsole\n", &c, NULL), 0);
    expect_secret(config_client_secret, &c, "servicenow", NULL);
    setenv("GOVCONSOLE_SERVICENOW_CLIENT_SECRET", "cs-env", 1);
    expect_secret(config_client_secret, &c, "servicenow", "cs-env");
    expect_secret(config_client_secret, &c, "directory", NULL);
    config_fini(&c);
    snprintf(path, sizeof(path), "%s/env.secret", tmpdir);
    write_file(path, "cs-file\n", 0600);
    config_with_key(&c, "servicenow", "client_secret_file", path);
    expect_secret(config_client_secret, &c, "servicenow", "cs-file");
    /* The client secret is not the password. */
    expect_secret(config_password, &c, "servicenow", NULL);
    config_fini(&c);
    unsetenv("GOVCONSOLE_SERVICENOW_CLIENT_SECRET");
}

static void test_password_refusals(void **state)
{
    (void)state;
    unsetenv("GOVCONSOLE_NAGIOS_PASSWORD");
    check_secret_file(config_password, "nagios", "password_file", "password", 4096);
    check_secret_file(config_password, "directory", "password_file", "password", 4096);
}

static void test_token_refusals(void **state)
{
    (void)state;
    unsetenv("GOVCONSOLE_KRAKEND_TOKEN");
    check_secret_file(config_token, "krakend", "token_file", "token", 65536);
}

static void test_client_secret_refusals(void **state)
{
    (void)state;
    unsetenv("GOVCONSOLE_SERVICENOW_CLIENT_SECRET");
    check_secret_file(config_client_secret, "servicenow", "client_secret_file", "client secret",
                      4096);
}

/* Each source section and [directory] reads its own password_file. */
static void test_password_sections(void **state)
{
    static const char *const sections[] = {"nagios", "servicenow", "mapr", "krakend", "directory"};
    char path[128];

    (void)state;
    for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
        struct gc_config c;
        char *err = NULL;

        snprintf(path, sizeof(path), "%s/%s.pw", tmpdir, sections[i]);
        write_file(path, "s3cret-value\n", 0600);
        expect_read(config_password, sections[i], "password_file", path);
        /* The file is that section's alone. */
        config_with_key(&c, sections[i], "password_file", path);
        for (size_t j = 0; j < sizeof(sections) / sizeof(sections[0]); j++) {
            if (j != i) {
                assert_null(config_password(&c, sections[j], &err));
                assert_null(err);
            }
        }
        config_fini(&c);
    }
}

static void test_password_env(void **state)
{
    struct gc_config c;
    char *err = (char *)"untouched";
    char *pw;

    (void)state;
    config_with_password_file(&c, NULL);
    unsetenv("GOVCONSOLE_NAGIOS_PASSWORD");
    unsetenv("GOVCONSOLE_SERVICENOW_PASSWORD");
    /* Neither: NULL and no error. */
    assert_null(config_password(&c, "nagios", &err));
    assert_null(err);

    setenv("GOVCONSOLE_NAGIOS_PASSWORD", "hunter2", 1);
    pw = config_password(&c, "nagios", &err);
    assert_null(err);
    assert_string_equal(pw, "hunter2");
    free(pw);
    /* Each section has its own variable. */
    assert_null(config_password(&c, "servicenow", &err));
    setenv("GOVCONSOLE_SERVICENOW_PASSWORD", "sn-pw", 1);
    pw = config_password(&c, "servicenow", &err);
    assert_string_equal(pw, "sn-pw");
    free(pw);
    setenv("GOVCONSOLE_DIRECTORY_PASSWORD", "ldap-pw", 1);
    pw = config_password(&c, "directory", &err);
    assert_string_equal(pw, "ldap-pw");
    free(pw);
    /* An empty variable is no password. */
    setenv("GOVCONSOLE_MAPR_PASSWORD", "", 1);
    assert_null(config_password(&c, "mapr", &err));
    assert_null(err);
    unsetenv("GOVCONSOLE_NAGIOS_PASSWORD");
    unsetenv("GOVCONSOLE_SERVICENOW_PASSWORD");
    unsetenv("GOVCONSOLE_DIRECTORY_PASSWORD");
    unsetenv("GOVCONSOLE_MAPR_PASSWORD");
    config_fini(&c);
}

/* The system configuration first, then the user's, which may override any key but those
 * that decide scope and identity: a customer's own file cannot widen its tenant. */
static void test_layers(void **state)
{
    char sys[512], user[512];
    struct gc_config c;
    struct config_diag d = {0};
    bool widened = false;

    (void)state;
    assert_int_equal(geteuid(), 0); /* the system file must be root's: the tests run as root */
    snprintf(sys, sizeof sys, "%s/system.ini", tmpdir);
    snprintf(user, sizeof user, "%s/user.ini", tmpdir);
    write_file(sys,
               "[ui]\ntheme = mono\nrefresh = 20s\n"
               "[tenant dmi]\nnamespaces = dmi, dmi-sandbox\n"
               "[access]\noperators = ops\n"
               "[kubernetes]\ntenant_pattern = ^(x)-\n",
               0644);
    write_file(user,
               "[ui]\ntheme = light\n"
               "[tenant dmi]\nnamespaces = dst, kube-system\n"
               "[tenant evil]\nnamespaces = skat\n"
               "[access]\noperators = everyone\n"
               "[directory]\nuri = ldap://127.0.0.1:1\n"
               "[kubernetes]\ntenant_pattern = ^(.*)$\nkubeconfig = /tmp/mine.yaml\n",
               0600);
    assert_int_equal(config_load_layered(sys, user, &c, &d), 0);
    dump(&d);
    assert_string_equal(c.system_path, sys);
    assert_string_equal(c.path, user);
    /* the user's own keys override */
    assert_string_equal(c.ui.theme, "light");
    assert_string_equal(c.kubernetes.kubeconfig, "/tmp/mine.yaml");
    assert_int_equal(c.ui.refresh_ms, 20000); /* the system's, not overridden */
    /* scope and identity stay the system's */
    assert_int_equal(c.ntenants, 1);
    assert_string_equal(c.tenants[0].name, "dmi");
    for (size_t i = 0; i < c.tenants[0].nnamespaces; i++) {
        widened = widened || strcmp(c.tenants[0].namespaces[i], "dst") == 0;
    }
    assert_false(widened);
    assert_int_equal(c.tenants[0].nnamespaces, 2);
    assert_string_equal(c.access.operators, "ops");
    assert_null(c.directory.uri);
    assert_string_equal(c.kubernetes.tenant_pattern, "^(x)-");
    /* each ignored line is named */
    assert_int_equal(d.nerrors, 0);
    assert_int_equal(d.nwarnings, 5);
    assert_non_null(strstr(d.warnings[0], "user.ini:3: [tenant dmi] decides scope and identity"));
    assert_non_null(strstr(d.warnings[0], sys));
    assert_non_null(strstr(d.warnings[1], "user.ini:5: [tenant evil]"));
    assert_non_null(strstr(d.warnings[2], "user.ini:7: [access]"));
    assert_non_null(strstr(d.warnings[3], "user.ini:9: [directory]"));
    assert_non_null(strstr(d.warnings[4], "user.ini:12: tenant_pattern in [kubernetes]"));
    config_fini(&c);
    config_diag_fini(&d);

    /* without a system file, the user's file still cannot set them */
    assert_int_equal(config_load_layered("/nonexistent/system.ini", user, &c, &d), 0);
    assert_null(c.system_path);
    assert_int_equal(c.ntenants, 0);
    assert_int_equal(d.nwarnings, 5);
    config_fini(&c);
    config_diag_fini(&d);

    /* a system file others may write is refused, and one that is not root's */
    assert_int_equal(chmod(sys, 0664), 0);
    assert_int_equal(config_load_layered(sys, user, &c, &d), -1);
    assert_non_null(strstr(d.errors[0], "permissions 0664 let others change it"));
    config_fini(&c);
    config_diag_fini(&d);
    assert_int_equal(chmod(sys, 0644), 0);
    assert_int_equal(chown(sys, 65534, 0), 0);
    assert_int_equal(config_load_layered(sys, user, &c, &d), -1);
    assert_non_null(strstr(d.errors[0], "owned by uid 65534, not root"));
    config_fini(&c);
    config_diag_fini(&d);
    unlink(sys);
    unlink(user);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_default_path),
        cmocka_unit_test(test_missing_explicit),
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_contract),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_warnings),
        cmocka_unit_test(test_quirks),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_bools),
        cmocka_unit_test(test_percent),
        cmocka_unit_test(test_source_keys),
        cmocka_unit_test(test_source_get),
        cmocka_unit_test(test_tls_override),
        cmocka_unit_test(test_directory_keys),
        cmocka_unit_test(test_token_file_key),
        cmocka_unit_test(test_sla_keys),
        cmocka_unit_test(test_datasets),
        cmocka_unit_test(test_docs_example),
        cmocka_unit_test(test_password_file),
        cmocka_unit_test(test_password_env),
        cmocka_unit_test(test_secret_env),
        cmocka_unit_test(test_password_refusals),
        cmocka_unit_test(test_token_refusals),
        cmocka_unit_test(test_client_secret_refusals),
        cmocka_unit_test(test_password_sections),
        cmocka_unit_test(test_layers),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
