/* Small helpers shared by the simulator: allocation that never fails, a PRNG,
 * clock and time formatting. The simulator does not link core/, so it has its own. */
#ifndef GC_SIM_SIM_UTIL_H
#define GC_SIM_SIM_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Caller frees. Abort with a message on allocation failure; never return NULL. */
void *sim_xmalloc(size_t size);
void *sim_xcalloc(size_t nmemb, size_t size);
void *sim_xrealloc(void *ptr, size_t size);
char *sim_xstrdup(const char *s);

/* Print "govsim: msg" to stderr and exit(status). */
void sim_die(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

/* splitmix64 generator: deterministic for a given seed, never rand(). */
struct sim_rng {
    uint64_t state;
};

void sim_rng_seed(struct sim_rng *r, uint64_t seed);
uint64_t sim_rng_next(struct sim_rng *r);
/* Uniform in [0, n); n == 0 gives 0. */
uint32_t sim_rng_below(struct sim_rng *r, uint32_t n);
/* Uniform in [lo, hi] (inclusive). */
int64_t sim_rng_range(struct sim_rng *r, int64_t lo, int64_t hi);
/* 1 with probability per_mille / 1000. */
int sim_rng_chance(struct sim_rng *r, unsigned per_mille);

/* A 64-bit hash (FNV-1a then a splitmix finaliser) of len bytes, for derived ids. */
uint64_t sim_hash64(const void *data, size_t len, uint64_t salt);

/* Wall clock in seconds since the epoch. */
int64_t sim_now(void);
/* Monotonic clock in milliseconds. */
int64_t sim_mono_ms(void);

/* Writes "YYYY-MM-DDTHH:MM:SSZ" (20 chars + NUL) into out[21]. */
void sim_format_time(int64_t t, char out[21]);

/* strftime() of t (seconds since the epoch) in UTC, with the C locale's names: the other
 * APIs' own date formats ("Thu, 26 Nov 2026 13:56:02 GMT", "2026-11-26 01:56:02 PM"). */
void sim_format_utc(int64_t t, const char *fmt, char *out, size_t size);

/* Wall clock in nanoseconds since the epoch. */
int64_t sim_now_ns(void);
/* Writes "YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ" (the kubelet's log timestamp, 30 chars + NUL). */
void sim_format_time_ns(int64_t ns, char out[31]);
/* Parses an RFC 3339 time ("2024-01-02T03:04:05Z", fractions and offsets allowed) into
 * seconds since the epoch. Returns 0, or -1 when it is not one. */
int sim_parse_time(const char *s, int64_t *out);

/* Canonical Kubernetes quantities: CPU from millicores ("250m", "2"), CPU from nanocores
 * ("1234567n", "12m"), memory from bytes ("256Mi", "1Gi", "12345Ki"). */
void sim_format_cpu(uint64_t millicores, char *out, size_t size);
void sim_format_nanocores(uint64_t nanocores, char *out, size_t size);
void sim_format_mem(uint64_t bytes, char *out, size_t size);

/* Writes kubectl's HumanDuration of seconds ("5m", "3h12m", "4d") into out (>= 16 bytes). */
void sim_human_duration(int64_t seconds, char *out, size_t size);

/* Standard base64url without padding (RFC 4648 section 5). Caller frees. */
char *sim_base64url_encode(const void *data, size_t len);
/* Decodes base64url or standard base64, padding optional. Caller frees; NULL on bad input.
 * *out_len receives the decoded length; the result is NUL-terminated as well. */
char *sim_base64_decode(const char *s, size_t *out_len);

#endif
