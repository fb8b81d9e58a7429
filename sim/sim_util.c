#include "sim/sim_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void *sim_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p) {
        sim_die(70, "out of memory (%zu bytes)", size);
    }
    return p;
}

void *sim_xcalloc(size_t nmemb, size_t size)
{
    void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
    if (!p) {
        sim_die(70, "out of memory (%zu x %zu bytes)", nmemb, size);
    }
    return p;
}

void *sim_xrealloc(void *ptr, size_t size)
{
    void *p = realloc(ptr, size ? size : 1);
    if (!p) {
        sim_die(70, "out of memory (%zu bytes)", size);
    }
    return p;
}

char *sim_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = sim_xmalloc(n);
    memcpy(p, s, n);
    return p;
}

void sim_die(int status, const char *fmt, ...)
{
    va_list ap;
    fputs("govsim: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(status);
}

void sim_rng_seed(struct sim_rng *r, uint64_t seed)
{
    r->state = seed ^ 0x6a09e667f3bcc908ULL;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
    uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t sim_rng_below(struct sim_rng *r, uint32_t n)
{
    if (n == 0) {
        return 0;
    }
    return (uint32_t)(((sim_rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

int64_t sim_rng_range(struct sim_rng *r, int64_t lo, int64_t hi)
{
    if (hi <= lo) {
        return lo;
    }
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(sim_rng_next(r) % span);
}

int sim_rng_chance(struct sim_rng *r, unsigned per_mille)
{
    return sim_rng_below(r, 1000) < per_mille;
}

uint64_t sim_hash64(const void *data, size_t len, uint64_t salt)
{
    const unsigned char *p = data;
    uint64_t h = 0xcbf29ce484222325ULL ^ salt;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
}

int64_t sim_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec;
}

int64_t sim_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sim_format_utc(int64_t t, const char *fmt, char *out, size_t size)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    if (strftime(out, size, fmt, &tm) == 0 && size) {
        out[0] = '\0';
    }
}

/* Civil date from days since 1970-01-01 (Howard Hinnant's algorithm). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t yy = (int64_t)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yy + (*m <= 2));
}

static void put2(char *o, unsigned v)
{
    o[0] = (char)('0' + (v / 10) % 10);
    o[1] = (char)('0' + v % 10);
}

void sim_format_time(int64_t t, char out[21])
{
    int64_t days = t >= 0 ? t / 86400 : (t - 86399) / 86400;
    int64_t secs = t - days * 86400;
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    unsigned yy = (unsigned)(y < 0 ? 0 : y > 9999 ? 9999 : y);
    out[0] = (char)('0' + yy / 1000);
    out[1] = (char)('0' + (yy / 100) % 10);
    out[2] = (char)('0' + (yy / 10) % 10);
    out[3] = (char)('0' + yy % 10);
    out[4] = '-';
    put2(out + 5, m);
    out[7] = '-';
    put2(out + 8, d);
    out[10] = 'T';
    put2(out + 11, (unsigned)(secs / 3600));
    out[13] = ':';
    put2(out + 14, (unsigned)((secs / 60) % 60));
    out[16] = ':';
    put2(out + 17, (unsigned)(secs % 60));
    out[19] = 'Z';
    out[20] = '\0';
}

void sim_format_time_ns(int64_t ns, char out[31])
{
    int64_t t = ns >= 0 ? ns / 1000000000 : (ns - 999999999) / 1000000000;
    int64_t frac = ns - t * 1000000000;
    char base[21];
    sim_format_time(t, base);
    memcpy(out, base, 19);
    snprintf(out + 19, 12, ".%09lldZ", (long long)frac);
}

int64_t sim_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

int sim_parse_time(const char *s, int64_t *out)
{
    int y;
    unsigned mo, d, h, mi, sec;
    int n = 0;
    if (sscanf(s, "%4d-%2u-%2uT%2u:%2u:%2u%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 || n != 19 ||
        mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) {
        return -1;
    }
    const char *p = s + n;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9') {
            p++;
        }
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        unsigned oh, om;
        int k = 0;
        if (sscanf(p + 1, "%2u:%2u%n", &oh, &om, &k) != 2 || k != 5) {
            return -1;
        }
        offset = (int64_t)(oh * 3600 + om * 60) * (*p == '+' ? 1 : -1);
        p += 6;
    } else {
        return -1;
    }
    if (*p) {
        return -1;
    }
    *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
    return 0;
}

void sim_format_cpu(uint64_t millicores, char *out, size_t size)
{
    if (millicores % 1000 == 0) {
        snprintf(out, size, "%llu", (unsigned long long)(millicores / 1000));
    } else {
        snprintf(out, size, "%llum", (unsigned long long)millicores);
    }
}

void sim_format_nanocores(uint64_t n, char *out, size_t size)
{
    static const char *const suffix[] = {"n", "u", "m", ""};
    int k = 0;
    while (k < 3 && n != 0 && n % 1000 == 0) {
        n /= 1000;
        k++;
    }
    snprintf(out, size, "%llu%s", (unsigned long long)n, n == 0 ? "" : suffix[k]);
}

void sim_format_mem(uint64_t bytes, char *out, size_t size)
{
    static const char *const suffix[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi"};
    int k = 0;
    while (k < 5 && bytes != 0 && bytes % 1024 == 0) {
        bytes /= 1024;
        k++;
    }
    snprintf(out, size, "%llu%s", (unsigned long long)bytes, suffix[k]);
}

void sim_human_duration(int64_t s, char *out, size_t size)
{
    if (s < -1) {
        snprintf(out, size, "<invalid>");
        return;
    }
    if (s < 0) {
        snprintf(out, size, "0s");
        return;
    }
    if (s < 120) {
        snprintf(out, size, "%llds", (long long)s);
        return;
    }
    long long minutes = s / 60;
    if (minutes < 10) {
        long long rem = s % 60;
        if (rem == 0) {
            snprintf(out, size, "%lldm", minutes);
        } else {
            snprintf(out, size, "%lldm%llds", minutes, rem);
        }
        return;
    }
    if (minutes < 180) {
        snprintf(out, size, "%lldm", minutes);
        return;
    }
    long long hours = s / 3600;
    if (hours < 8) {
        long long rem = minutes % 60;
        if (rem == 0) {
            snprintf(out, size, "%lldh", hours);
        } else {
            snprintf(out, size, "%lldh%lldm", hours, rem);
        }
        return;
    }
    if (hours < 48) {
        snprintf(out, size, "%lldh", hours);
        return;
    }
    if (hours < 24 * 8) {
        long long rem = hours % 24;
        if (rem == 0) {
            snprintf(out, size, "%lldd", hours / 24);
        } else {
            snprintf(out, size, "%lldd%lldh", hours / 24, rem);
        }
        return;
    }
    if (hours < 24 * 365 * 2) {
        snprintf(out, size, "%lldd", hours / 24);
        return;
    }
    if (hours < 24 * 365 * 8) {
        long long dy = (hours / 24) % 365;
        if (dy == 0) {
            snprintf(out, size, "%lldy", hours / 24 / 365);
        } else {
            snprintf(out, size, "%lldy%lldd", hours / 24 / 365, dy);
        }
        return;
    }
    snprintf(out, size, "%lldy", hours / 24 / 365);
}

static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

char *sim_base64url_encode(const void *data, size_t len)
{
    const unsigned char *p = data;
    char *out = sim_xmalloc(len / 3 * 4 + 5);
    size_t o = 0;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
        out[o++] = b64url[v & 63];
    }
    if (len - i == 1) {
        uint32_t v = (uint32_t)p[i] << 16;
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
    } else if (len - i == 2) {
        uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
        out[o++] = b64url[(v >> 18) & 63];
        out[o++] = b64url[(v >> 12) & 63];
        out[o++] = b64url[(v >> 6) & 63];
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '-' || c == '+') {
        return 62;
    }
    if (c == '_' || c == '/') {
        return 63;
    }
    return -1;
}

char *sim_base64_decode(const char *s, size_t *out_len)
{
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '=') {
        n--;
    }
    char *out = sim_xmalloc(n / 4 * 3 + 4);
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        int v = b64_value(s[i]);
        if (v < 0) {
            free(out);
            return NULL;
        }
        acc = acc << 6 | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out[o++] = (char)((acc >> bits) & 0xff);
        }
    }
    out[o] = '\0';
    *out_len = o;
    return out;
}
