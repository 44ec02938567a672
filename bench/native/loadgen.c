/*
 * loadgen: a single-threaded epoll load generator for the chat benchmark. One engine speaks our
 * length-prefixed JSON protocol and IRC, so the same schedule measures our server, ngircd and
 * InspIRCd. It must never be the bottleneck: one static read buffer, small per-client carry-over
 * and output buffers, no allocation per message, fields found with memchr/memmem.
 *
 *   loadgen --proto ours|irc --host H --port P --clients N --prefix PFX --mode room|whisper
 *           [--room-size 15] [--concurrency 256] [--setup-timeout 60]
 *
 * Stdout: one JSON object per line (ready / error, then per step start, end and tag lines).
 * Stdin: "step TAG RATE SECONDS" and "quit" (EOF = quit once the queued steps are done).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define READ_BUF (256 * 1024)
#define OUT_BOUND (256 * 1024)  /* per-client output bound: beyond it a message is "unsent" */
#define MAX_FRAME (1u << 20)
#define MAX_LINE 8192
#define TEXT_LEN 100
#define STAMP_LEN 21            /* "0000123456789.123 007 " minus the last space */

enum { PROTO_OURS, PROTO_IRC };
enum { MODE_ROOM, MODE_WHISPER };
enum { ST_NEW, ST_CONNECTING, ST_LOGIN, ST_JOINING, ST_READY, ST_DEAD };
static const char *const STAGE[] = {"start", "connect", "login", "join", "run", "run"};

typedef struct {
  int fd, state;
  bool dirty, want_out;        /* in the flush list; EPOLLOUT registered */
  uint8_t namelen, roomlen;
  uint32_t next_id, room_members;
  int64_t t_connect;
  char name[40], room[48];
  char *in;                    /* carry-over: a partial frame or line between reads */
  uint32_t inlen, incap, skip; /* skip: bytes of a binary chunk frame still to ignore */
  char *out;
  uint32_t outoff, outlen, outcap;
} Client;

static struct {
  int proto, mode, port, clients, room_size, concurrency;
  double setup_timeout;
  const char *host, *prefix;
} O = {.proto = -1, .mode = -1, .port = -1, .clients = -1, .room_size = 15, .concurrency = 256,
       .setup_timeout = 60, .host = "127.0.0.1"};

static Client *C;
static int N, epfd;
static int *dirty, ndirty;
static struct sockaddr_storage addr;
static socklen_t addrlen;
static char rbuf[READ_BUF];
static char wbuf[MAX_LINE + 256]; /* scratch for one outgoing frame or line */
static uint64_t rng;

/* Setup progress. */
static bool in_setup = true;
/* closed_count: clients lost after setup, cumulative (a client lost between steps is unsent in the next). */
static int next_start, setup_active, ready_count, closed_count;
static int64_t t_setup;
static double *login_ms;

/* Latency histogram: 1 µs buckets below 1024 µs, then 128 sub-buckets per power of two (< 0.8 %
 * wide) up to 2^27 µs (134 s). Index math is shifts only, so it is cheap per delivery. */
#define LIN 1024
#define SUB 128
#define TOP_EXP 26
#define NBUCKET (LIN + (TOP_EXP - 10 + 1) * SUB)

static struct {
  int phase; /* 0 idle, 1 sending, 2 draining */
  int tag, rr;
  double interval; /* µs between two messages of the whole population */
  uint64_t k, total, sent, unsent, expected, arrived, delivered, errors, max_us;
  int64_t t0, t_win_end, t_end, t_last;
  uint64_t hist[NBUCKET];
} S;

static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t rnd(void) { /* xorshift64* */
  rng ^= rng >> 12, rng ^= rng << 25, rng ^= rng >> 27;
  return rng * 2685821657736338717ULL;
}

static void emit(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

/* Prints {"error":"..."} (the text JSON-escaped) and exits 1. */
static void die(const char *fmt, ...) {
  char msg[600], esc[1300];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  size_t j = 0;
  for (const unsigned char *p = (const unsigned char *)msg; *p && j < sizeof esc - 8; p++) {
    if (*p == '"' || *p == '\\') esc[j++] = '\\', esc[j++] = (char)*p;
    else if (*p < 0x20 || *p >= 0x7f) j += (size_t)sprintf(esc + j, "\\u%04x", *p);
    else esc[j++] = (char)*p;
  }
  esc[j] = 0;
  emit("{\"error\":\"%s\"}", esc);
  exit(1);
}

/* strerror() in lower case, to read like the other reasons ("connection refused during connect"). */
static const char *err(int e) {
  static char b[128];
  snprintf(b, sizeof b, "%s", strerror(e));
  if (b[0] >= 'A' && b[0] <= 'Z' && (b[1] < 'A' || b[1] > 'Z')) b[0] = (char)(b[0] - 'A' + 'a');
  return b;
}

static void quit(void) {
  for (int i = 0; i < N; i++)
    if (C[i].fd >= 0) close(C[i].fd);
  exit(0);
}

/* ---- output ---- */

static void set_out_interest(Client *c, bool out) {
  struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.u32 = (uint32_t)(c - C)};
  epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
  c->want_out = out;
}

static void mark_dirty(Client *c) {
  if (!c->dirty) c->dirty = true, dirty[ndirty++] = (int)(c - C);
}

/* Queues bytes; false when the client's output would exceed OUT_BOUND. */
static bool out_append(Client *c, const void *p, size_t n) {
  size_t used = c->outlen - c->outoff;
  if (c->state == ST_DEAD || used + n > OUT_BOUND) return false;
  if (c->outlen + n > c->outcap) {
    if (c->outoff) { /* compact before growing */
      memmove(c->out, c->out + c->outoff, used);
      c->outoff = 0, c->outlen = (uint32_t)used;
    }
    if (c->outlen + n > c->outcap) {
      size_t cap = c->outcap ? c->outcap : 1024;
      while (cap < c->outlen + n) cap *= 2;
      if (cap > OUT_BOUND) cap = OUT_BOUND;
      char *q = realloc(c->out, cap);
      if (!q) return false;
      c->out = q, c->outcap = (uint32_t)cap;
    }
  }
  memcpy(c->out + c->outlen, p, n);
  c->outlen += (uint32_t)n;
  mark_dirty(c);
  return true;
}

/* A frame of our protocol: kind 1, u32 big-endian length, JSON. */
static bool send_json(Client *c, const char *json, size_t n) {
  wbuf[0] = 1;
  wbuf[1] = (char)(n >> 24), wbuf[2] = (char)(n >> 16), wbuf[3] = (char)(n >> 8), wbuf[4] = (char)n;
  memcpy(wbuf + 5, json, n);
  return out_append(c, wbuf, n + 5);
}

static void send_fmt(Client *c, const char *fmt, ...) {
  char line[300];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(line, sizeof line, fmt, ap);
  va_end(ap);
  if (n < 0 || n >= (int)sizeof line) return;
  if (O.proto == PROTO_OURS) send_json(c, line, (size_t)n);
  else out_append(c, line, (size_t)n);
}

static void client_fail(Client *c, const char *fmt, ...) {
  char why[500];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, sizeof why, fmt, ap);
  va_end(ap);
  if (in_setup) die("%s: %s", c->name, why);
  if (closed_count < 10) fprintf(stderr, "loadgen: %s: %s\n", c->name, why);
  close(c->fd); /* also leaves the epoll set */
  free(c->in), free(c->out);
  c->in = c->out = NULL;
  c->fd = -1, c->inlen = c->incap = c->outlen = c->outoff = c->outcap = 0;
  c->state = ST_DEAD;
  closed_count++;
}

/* One write() per client per loop turn; leftovers wait for EPOLLOUT. */
static void flush(Client *c) {
  c->dirty = false;
  if (c->state == ST_NEW || c->state == ST_CONNECTING || c->state == ST_DEAD) return;
  size_t left = c->outlen - c->outoff;
  if (left) {
    ssize_t w = write(c->fd, c->out + c->outoff, left);
    if (w < 0) {
      if (errno != EAGAIN && errno != EINTR) return client_fail(c, "write: %s during %s", err(errno), STAGE[c->state]);
      w = 0;
    }
    c->outoff += (uint32_t)w;
  }
  if (c->outoff == c->outlen) {
    c->outoff = c->outlen = 0;
    if (c->want_out) set_out_interest(c, false);
  } else if (!c->want_out) set_out_interest(c, true);
}

static void flush_dirty(void) {
  for (int i = 0; i < ndirty; i++) {
    Client *c = &C[dirty[i]];
    /* A client waiting for EPOLLOUT had a full kernel buffer (or is connecting): its event flushes it. */
    if (c->want_out) c->dirty = false;
    else flush(c);
  }
  ndirty = 0;
}

/* ---- setup ---- */

static void start_client(int i, int64_t now) {
  Client *c = &C[i];
  c->fd = socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c->fd < 0) die("%s: socket: %s", c->name, err(errno));
  int one = 1;
  setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  c->t_connect = now;
  if (connect(c->fd, (struct sockaddr *)&addr, addrlen) < 0 && errno != EINPROGRESS)
    die("%s: connect: %s", c->name, err(errno));
  c->state = ST_CONNECTING;
  struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.u32 = (uint32_t)i};
  if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) die("epoll_ctl: %s", err(errno));
  c->want_out = true;
  setup_active++;
  /* Queued now, written once the connection completes. */
  if (O.proto == PROTO_OURS) send_fmt(c, "{\"t\":\"hello\",\"v\":1,\"client\":\"bench\"}");
  else send_fmt(c, "NICK %s\r\nUSER %s 0 * :%s\r\n", c->name, c->name, c->name);
}

static void logged_in(Client *c, int64_t now) {
  login_ms[c - C] = (double)(now - c->t_connect) / 1000.0;
  c->state = ST_JOINING;
  if (O.proto == PROTO_OURS) send_fmt(c, "{\"t\":\"cmd\",\"id\":%u,\"line\":\"/join %s\"}", c->next_id++, c->room);
  else send_fmt(c, "JOIN #%s\r\n", c->room);
}

static void joined(Client *c) {
  c->state = ST_READY;
  ready_count++;
  setup_active--;
}

/* ---- deliveries ---- */

static int bucket_of(uint64_t v) {
  if (v < LIN) return (int)v;
  int e = 63 - __builtin_clzll(v);
  if (e > TOP_EXP) return NBUCKET - 1;
  return LIN + (e - 10) * SUB + (int)((v >> (e - 7)) & (SUB - 1));
}

static double bucket_mid(int b) {
  if (b < LIN) return b;
  int e = (b - LIN) / SUB + 10, s = (b - LIN) % SUB;
  return (double)((uint64_t)(SUB + s) << (e - 7)) + (double)(1ULL << (e - 7)) / 2;
}

/* Percentile p of this step's latencies, in ms. */
static double percentile(double p) {
  if (!S.delivered) return 0;
  uint64_t rank = (uint64_t)ceil(p * (double)S.delivered), seen = 0;
  if (rank < 1) rank = 1;
  for (int b = 0; b < NBUCKET; b++)
    if ((seen += S.hist[b]) >= rank) return fmin(bucket_mid(b), (double)S.max_us) / 1000.0;
  return (double)S.max_us / 1000.0;
}

static bool digits(const char *p, int n, uint64_t *v) {
  *v = 0;
  for (int i = 0; i < n; i++) {
    if (p[i] < '0' || p[i] > '9') return false;
    *v = *v * 10 + (uint64_t)(p[i] - '0');
  }
  return true;
}

/* A message text arrived: "<13 digits>.<3 digits> <tag> xxx...". Anything else is ignored. */
static void on_text(const char *t, size_t n, int64_t now) {
  if (!S.phase || n < STAMP_LEN) return;
  uint64_t ms, frac, tag;
  if (!digits(t, 13, &ms) || t[13] != '.' || !digits(t + 14, 3, &frac) || t[17] != ' ' || !digits(t + 18, 3, &tag)) return;
  if (S.phase == 1) S.arrived++;
  if (tag != (uint64_t)S.tag) return;
  int64_t lat = now - (int64_t)(ms * 1000 + frac);
  uint64_t us = lat < 0 ? 0 : (uint64_t)lat;
  S.delivered++;
  S.hist[bucket_of(us)]++;
  if (us > S.max_us) S.max_us = us;
  S.t_last = now;
}

/* Is the JSON string value starting at p exactly s? */
static bool value_is(const char *p, const char *end, const char *s, size_t n) {
  return (size_t)(end - p) > n && !memcmp(p, s, n) && p[n] == '"';
}

static const char *after(const char *p, const char *end, const char *key) {
  size_t k = strlen(key);
  const char *q = memmem(p, (size_t)(end - p), key, k);
  return q ? q + k : NULL;
}

static void on_json(Client *c, const char *p, size_t n, int64_t now) {
  const char *end = p + n, *t = p + 6, *q, *v;
  if (n < 8 || memcmp(p, "{\"t\":\"", 6) || !(q = memchr(t, '"', (size_t)(end - t)))) return;
  size_t tl = (size_t)(q - t);
#define IS(s) (tl == sizeof(s) - 1 && !memcmp(t, s, tl))
  if (IS("message")) { /* the server echoes our own lines: not a delivery */
    if ((v = after(q, end, "\"from\":\"")) && !value_is(v, end, c->name, c->namelen) && (v = after(v, end, "\"text\":\"")))
      on_text(v, (size_t)(end - v), now);
  } else if (IS("whisper")) { /* the sender gets a copy: count only the recipient's */
    if ((v = after(q, end, "\"to\":\"")) && value_is(v, end, c->name, c->namelen) && (v = after(v, end, "\"text\":\"")))
      on_text(v, (size_t)(end - v), now);
  } else if (IS("ping")) {
    send_json(c, "{\"t\":\"pong\"}", 12);
  } else if (IS("welcome")) {
    if (c->state == ST_LOGIN) send_fmt(c, "{\"t\":\"login\",\"name\":\"%s\"}", c->name);
  } else if (IS("login-ok")) {
    if (c->state == ST_LOGIN) logged_in(c, now);
  } else if (IS("login-refused")) {
    client_fail(c, "login refused: %.*s", (int)(n > 300 ? 300 : n), p);
  } else if (IS("joined")) {
    if (c->state == ST_JOINING && (v = after(q, end, "\"user\":\"")) && value_is(v, end, c->name, c->namelen)) joined(c);
  } else if (IS("error")) {
    if (S.phase) S.errors++;
    if (c->state != ST_READY) client_fail(c, "error during %s: %.*s", STAGE[c->state], (int)(n > 300 ? 300 : n), p);
  }
#undef IS
}

static void on_line(Client *c, const char *l, size_t n, int64_t now) {
  const char *end = l + n, *p = l;
  if (!n) return;
  if (l[0] == ':') { /* hot path: ":nick!user@host PRIVMSG target :text" (IRC does not echo) */
    const char *pm = memmem(l, n, " PRIVMSG ", 9);
    if (pm) {
      const char *x = memmem(pm + 9, (size_t)(end - pm - 9), " :", 2);
      if (x) on_text(x + 2, (size_t)(end - x - 2), now);
      return;
    }
  }
  if (n >= 5 && !memcmp(l, "ERROR", 5)) return client_fail(c, "%.*s during %s", (int)(n > 300 ? 300 : n), l, STAGE[c->state]);
  if (*p == ':') { /* skip the prefix to the command */
    if (!(p = memchr(p, ' ', n))) return;
    while (p < end && *p == ' ') p++;
  }
  const char *cmd = p;
  while (p < end && *p != ' ') p++;
  size_t cl = (size_t)(p - cmd);
  uint64_t num;
  if (cl == 4 && !memcmp(cmd, "PING", 4)) { /* "PING :x" (or ":srv PING :x") -> "PONG :x" */
    size_t k = (size_t)(end - p);
    memcpy(wbuf, "PONG", 4);
    memcpy(wbuf + 4, p, k);
    memcpy(wbuf + 4 + k, "\r\n", 2);
    out_append(c, wbuf, k + 6);
  } else if (cl == 3 && digits(cmd, 3, &num)) {
    if (num == 1 && c->state == ST_LOGIN) logged_in(c, now);
    else if (num >= 400 && num <= 599) {
      if (S.phase) S.errors++;
      if (c->state != ST_READY) client_fail(c, "error during %s: %.*s", STAGE[c->state], (int)(n > 300 ? 300 : n), l);
    }
  } else if (cl == 4 && !memcmp(cmd, "JOIN", 4) && c->state == ST_JOINING && n > c->namelen + 2u &&
             !strncasecmp(l + 1, c->name, c->namelen) && l[1 + c->namelen] == '!') {
    while (p < end && *p == ' ') p++;
    if (p < end && *p == ':') p++;
    const char *ch = p;
    while (p < end && *p != ' ' && *p != ',') p++;
    if (p - ch == c->roomlen + 1 && ch[0] == '#' && !strncasecmp(ch + 1, c->room, c->roomlen)) joined(c);
  }
}

/* ---- input framing ---- */

static bool carry(Client *c, const char *p, size_t n, size_t bound) {
  if (c->inlen + n > bound) return false;
  if (c->inlen + n > c->incap) {
    size_t cap = c->incap ? c->incap : 512;
    while (cap < c->inlen + n) cap *= 2;
    char *q = realloc(c->in, cap);
    if (!q) return false;
    c->in = q, c->incap = (uint32_t)cap;
  }
  memcpy(c->in + c->inlen, p, n);
  c->inlen += (uint32_t)n;
  return true;
}

/* Called once a carried frame or line was handled: a big buffer (the welcome) is not kept. */
static void carry_done(Client *c) {
  c->inlen = 0;
  if (c->incap > 4096) free(c->in), c->in = NULL, c->incap = 0;
}

static uint32_t be32(const char *p) {
  const unsigned char *u = (const unsigned char *)p;
  return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 | u[3];
}

static void feed_ours(Client *c, const char *p, size_t n, int64_t now) {
  while (n > 0 && c->state != ST_DEAD) {
    if (c->skip) { /* a binary chunk frame: its bytes are not ours to read */
      size_t k = n < c->skip ? n : c->skip;
      c->skip -= (uint32_t)k, p += k, n -= k;
      continue;
    }
    /* Complete a carried partial frame from the front of this read, then go on in place. */
    const char *h = p;
    if (c->inlen > 0 || n < 5) {
      if (c->inlen < 5) {
        size_t k = 5 - c->inlen < n ? 5 - c->inlen : n;
        carry(c, p, k, 5);
        p += k, n -= k;
        if (c->inlen < 5) return;
      }
      h = c->in;
    }
    int kind = (unsigned char)h[0];
    uint32_t len = be32(h + 1);
    if (kind != 1 && kind != 2) return client_fail(c, "protocol error: frame kind %d during %s", kind, STAGE[c->state]);
    if (len > MAX_FRAME) return client_fail(c, "protocol error: frame of %u bytes during %s", len, STAGE[c->state]);
    if (h == c->in) {
      if (kind == 2) {
        c->skip = len, c->inlen = 0;
        continue;
      }
      size_t need = 5 + (size_t)len - c->inlen, k = need < n ? need : n;
      if (!carry(c, p, k, 5 + (size_t)MAX_FRAME)) return client_fail(c, "out of memory");
      p += k, n -= k;
      if (c->inlen < 5 + len) return;
      on_json(c, c->in + 5, len, now);
      carry_done(c);
    } else if (kind == 2) {
      c->skip = len, p += 5, n -= 5;
    } else if (n >= 5 + (size_t)len) {
      on_json(c, p + 5, len, now);
      p += 5 + len, n -= 5 + len;
    } else {
      if (!carry(c, p, n, 5 + (size_t)MAX_FRAME)) client_fail(c, "out of memory");
      return;
    }
  }
}

static void feed_irc(Client *c, const char *p, size_t n, int64_t now) {
  while (n > 0 && c->state != ST_DEAD) {
    const char *nl = memchr(p, '\n', n);
    size_t l = nl ? (size_t)(nl - p) : n;
    if (!nl || c->inlen) { /* a line split across reads goes through the carry-over buffer */
      if (!carry(c, p, l, MAX_LINE)) return client_fail(c, "line longer than %d bytes during %s", MAX_LINE, STAGE[c->state]);
      if (!nl) return;
    }
    const char *line = c->inlen ? c->in : p;
    size_t len = c->inlen ? c->inlen : l;
    if (len > MAX_LINE) return client_fail(c, "line longer than %d bytes during %s", MAX_LINE, STAGE[c->state]);
    if (len && line[len - 1] == '\r') len--;
    on_line(c, line, len, now);
    if (c->state == ST_DEAD) return;
    if (c->inlen) carry_done(c);
    p += l + 1, n -= l + 1;
  }
}

static void on_event(Client *c, uint32_t ev) {
  if (c->state == ST_DEAD || c->state == ST_NEW) return; /* a stale event of a closed client */
  if (c->state == ST_CONNECTING) {
    int e = 0;
    socklen_t el = sizeof e;
    getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &el);
    if (e) return client_fail(c, "%s during connect", err(e));
    if (!(ev & EPOLLOUT)) return;
    c->state = ST_LOGIN;
    return flush(c); /* the hello queued at connect() */
  }
  if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    ssize_t n = read(c->fd, rbuf, sizeof rbuf);
    if (n == 0) return client_fail(c, "connection closed during %s", STAGE[c->state]);
    if (n < 0 && errno != EAGAIN && errno != EINTR) return client_fail(c, "%s during %s", err(errno), STAGE[c->state]);
    if (n > 0) { /* one timestamp per read: everything in it arrived together */
      if (O.proto == PROTO_OURS) feed_ours(c, rbuf, (size_t)n, now_us());
      else feed_irc(c, rbuf, (size_t)n, now_us());
    }
  }
  if ((ev & EPOLLOUT) && c->state != ST_DEAD) flush(c);
}

/* ---- steps ---- */

/* "%013llu.%03llu" without printf: this runs once per batch of messages. */
static void format_stamp(char *s, int64_t us) {
  uint64_t v = (uint64_t)us;
  for (int i = 16; i >= 14; i--) s[i] = (char)('0' + v % 10), v /= 10;
  s[13] = '.';
  for (int i = 12; i >= 0; i--) s[i] = (char)('0' + v % 10), v /= 10;
}

static char *put_u32(char *p, uint32_t v) {
  char tmp[10];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10), v /= 10; while (v);
  while (n) *p++ = tmp[--n];
  return p;
}

static char *put(char *p, const char *s, size_t n) { return (char *)memcpy(p, s, n) + n; }
#define PUT(p, lit) put(p, lit, sizeof(lit) - 1)

/* Generates every message due by now, stamped with now (latency is from the actual send). */
static void generate(int64_t now) {
  static char text[TEXT_LEN];
  bool stamped = false;
  while (S.k < S.total && S.t0 + (double)S.k * S.interval <= (double)now) {
    S.k++;
    int from = S.rr;
    Client *c = &C[from];
    S.rr = S.rr + 1 == N ? 0 : S.rr + 1;
    /* What the schedule asked for is expected even when it cannot be sent: a server that holds
       its clients back (or drops them) must show as lines not delivered, never as fewer lines. */
    uint64_t expect = O.mode == MODE_WHISPER ? 1 : (uint64_t)(c->room_members - 1);
    S.expected += expect;
    if (c->state != ST_READY) {
      S.unsent++;
      continue;
    }
    if (!stamped) {
      memset(text, 'x', TEXT_LEN);
      format_stamp(text, now);
      text[17] = ' ';
      text[18] = (char)('0' + S.tag / 100), text[19] = (char)('0' + S.tag / 10 % 10), text[20] = (char)('0' + S.tag % 10);
      text[21] = ' ';
      stamped = true;
    }
    Client *to = NULL;
    if (O.mode == MODE_WHISPER) { /* a uniformly random other client */
      int j = (int)(rnd() % (uint64_t)(N - 1));
      to = &C[j >= from ? j + 1 : j];
    }
    char *p, *start;
    if (O.proto == PROTO_OURS) {
      start = wbuf + 5, p = PUT(start, "{\"t\":\"cmd\",\"id\":");
      p = put_u32(p, c->next_id);
      p = PUT(p, ",\"line\":\"");
      if (to) p = put(PUT(p, "/whisper "), to->name, to->namelen), *p++ = ' ';
      p = PUT(put(p, text, TEXT_LEN), "\"}");
      size_t len = (size_t)(p - start);
      wbuf[0] = 1, wbuf[1] = 0, wbuf[2] = 0, wbuf[3] = (char)(len >> 8), wbuf[4] = (char)len;
      start = wbuf;
    } else {
      start = wbuf, p = PUT(start, "PRIVMSG ");
      p = to ? put(p, to->name, to->namelen) : put(PUT(p, "#"), c->room, c->roomlen);
      p = PUT(put(PUT(p, " :"), text, TEXT_LEN), "\r\n");
    }
    if (!out_append(c, start, (size_t)(p - start))) {
      S.unsent++;
      continue;
    }
    c->next_id++;
    S.sent++;
  }
}

static void start_step(int tag, double rate, double seconds, int64_t now) {
  memset(&S, 0, sizeof S);
  S.phase = 1, S.tag = tag;
  S.t0 = now;
  S.total = (uint64_t)llround((double)N * rate * seconds);
  S.interval = 1e6 / ((double)N * rate);
  S.t_win_end = now + (int64_t)llround(seconds * 1e6);
  S.rr = (int)(rnd() % (uint64_t)N);
  emit("{\"event\":\"start\"}");
}

static void step_progress(int64_t now) {
  if (S.phase == 1 && S.k >= S.total && now >= S.t_win_end) {
    emit("{\"event\":\"end\",\"window\":%.3f,\"sent\":%llu,\"expected\":%llu,\"arrived\":%llu,\"unsent\":%llu,\"closed\":%d}",
         (double)(now - S.t0) / 1e6, (unsigned long long)S.sent, (unsigned long long)S.expected,
         (unsigned long long)S.arrived, (unsigned long long)S.unsent, closed_count);
    S.phase = 2, S.t_end = now;
  }
  if (S.phase == 2) {
    int64_t last = S.t_last > S.t_end ? S.t_last : S.t_end;
    if (S.delivered >= S.expected || now - last >= 1000000 || now - S.t_end >= 15000000) {
      emit("{\"tag\":%d,\"delivered\":%llu,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f,\"errors\":%llu,\"drain_ms\":%lld}", S.tag,
           (unsigned long long)S.delivered, percentile(0.5), percentile(0.99), (double)S.max_us / 1000.0,
           (unsigned long long)S.errors, (long long)((now - S.t_end) / 1000));
      S.phase = 0;
    }
  }
}

/* ---- stdin commands ---- */

static char ibuf[65536];
static size_t ilen;
static bool ieof, ipoll, iwatched;

static void stdin_watch(bool on) {
  if (!ipoll || ieof || on == iwatched) return;
  struct epoll_event ev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  epoll_ctl(epfd, on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, 0, &ev);
  iwatched = on;
}

static void stdin_read(void) {
  ssize_t n = read(0, ibuf + ilen, sizeof ibuf - 1 - ilen);
  if (n > 0) ilen += (size_t)n;
  else if (n == 0 || (errno != EAGAIN && errno != EINTR)) stdin_watch(false), ieof = true;
}

/* Runs queued commands while no step is running; returns when a step starts or input is needed. */
static void run_commands(int64_t now) {
  for (;;) {
    char *nl = memchr(ibuf, '\n', ilen);
    if (!nl && ieof && ilen) nl = ibuf + ilen; /* a last line without its newline */
    if (!nl) {
      if (ieof) quit();
      if (ilen == sizeof ibuf - 1) die("command line too long");
      if (ipoll) return stdin_watch(true);
      stdin_read(); /* a regular file or /dev/null: read() does not block */
      continue;
    }
    char line[256];
    size_t l = (size_t)(nl - ibuf), used = l < ilen ? l + 1 : l;
    snprintf(line, sizeof line, "%.*s", (int)l, ibuf);
    memmove(ibuf, ibuf + used, ilen - used);
    ilen -= used;
    char *save, *w = strtok_r(line, " \t\r", &save);
    if (!w) continue;
    if (!strcmp(w, "quit")) quit();
    char *a = strtok_r(NULL, " \t\r", &save), *b = strtok_r(NULL, " \t\r", &save), *d = strtok_r(NULL, " \t\r", &save), *e;
    if (strcmp(w, "step") || !a || !b || !d || strtok_r(NULL, " \t\r", &save)) die("unknown command: %s", w);
    long tag = strtol(a, &e, 10);
    if (*e || tag < 1 || tag > 999) die("step: bad tag %s", a);
    double rate = strtod(b, &e);
    if (*e || !(rate > 0) || !isfinite(rate)) die("step: bad rate %s", b);
    double secs = strtod(d, &e);
    if (*e || !(secs > 0) || !isfinite(secs)) die("step: bad seconds %s", d);
    stdin_watch(false); /* level-triggered stdin would spin during a step; commands are sequential */
    start_step((int)tag, rate, secs, now);
    return;
  }
}

/* ---- main ---- */

static void usage(const char *why) {
  fprintf(stderr, "loadgen: %s\nusage: loadgen --proto ours|irc [--host 127.0.0.1] --port P --clients N --prefix PFX "
                  "--mode room|whisper [--room-size 15] [--concurrency 256] [--setup-timeout 60]\n", why);
  exit(2);
}

static long int_arg(const char *flag, const char *v, long lo, long hi) {
  char *e;
  long x = strtol(v, &e, 10);
  if (!*v || *e || x < lo || x > hi) {
    fprintf(stderr, "loadgen: bad value for %s: %s\n", flag, v);
    exit(2);
  }
  return x;
}

static void parse_args(int argc, char **argv) {
  for (int i = 1; i < argc; i += 2) {
    const char *f = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!v) usage("missing value");
    if (!strcmp(f, "--proto")) O.proto = !strcmp(v, "ours") ? PROTO_OURS : !strcmp(v, "irc") ? PROTO_IRC : -2;
    else if (!strcmp(f, "--mode")) O.mode = !strcmp(v, "room") ? MODE_ROOM : !strcmp(v, "whisper") ? MODE_WHISPER : -2;
    else if (!strcmp(f, "--host")) O.host = v;
    else if (!strcmp(f, "--prefix")) O.prefix = v;
    else if (!strcmp(f, "--port")) O.port = (int)int_arg(f, v, 1, 65535);
    else if (!strcmp(f, "--clients")) O.clients = (int)int_arg(f, v, 1, 1000000);
    else if (!strcmp(f, "--room-size")) O.room_size = (int)int_arg(f, v, 1, 1000000);
    else if (!strcmp(f, "--concurrency")) O.concurrency = (int)int_arg(f, v, 0, 1000000);
    else if (!strcmp(f, "--setup-timeout")) {
      char *e;
      O.setup_timeout = strtod(v, &e);
      if (*e || !(O.setup_timeout > 0 && O.setup_timeout <= 86400)) usage("bad value for --setup-timeout");
    }
    else {
      fprintf(stderr, "loadgen: unknown flag %s\n", f);
      exit(2);
    }
  }
  if (O.proto == -2) usage("--proto must be ours or irc");
  if (O.mode == -2) usage("--mode must be room or whisper");
  if (O.proto < 0 || O.mode < 0 || O.port < 0 || O.clients < 0 || !O.prefix) usage("--proto, --port, --clients, --prefix and --mode are required");
  if (!*O.prefix || strlen(O.prefix) > 24 || strpbrk(O.prefix, " \t\r\n\"\\#,:!@"))
    usage("--prefix must be 1-24 characters, none of them blank, quote, backslash or one of #,:!@");
  if (O.mode == MODE_WHISPER && O.clients < 2) usage("--mode whisper needs at least 2 clients");
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Index of percentile p in a sorted array of N values (nearest rank). */
static size_t rank_index(double p) {
  size_t r = (size_t)ceil(p * N);
  return r ? r - 1 : 0;
}

int main(int argc, char **argv) {
  parse_args(argc, argv);
  signal(SIGPIPE, SIG_IGN);
  struct rlimit rl;
  if (!getrlimit(RLIMIT_NOFILE, &rl)) rl.rlim_cur = rl.rlim_max, setrlimit(RLIMIT_NOFILE, &rl);

  char port[12];
  snprintf(port, sizeof port, "%d", O.port);
  struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV}, *ai;
  int gai = getaddrinfo(O.host, port, &hints, &ai);
  if (gai) usage(gai_strerror(gai));
  memcpy(&addr, ai->ai_addr, ai->ai_addrlen);
  addrlen = ai->ai_addrlen;
  freeaddrinfo(ai);

  N = O.clients;
  C = calloc((size_t)N, sizeof *C);
  dirty = malloc((size_t)N * sizeof *dirty);
  login_ms = calloc((size_t)N, sizeof *login_ms);
  if (!C || !dirty || !login_ms) die("out of memory");
  for (int i = 0; i < N; i++) {
    Client *c = &C[i];
    int room = i / O.room_size, members = N - room * O.room_size;
    c->fd = -1, c->next_id = 1;
    c->room_members = (uint32_t)(members < O.room_size ? members : O.room_size);
    c->namelen = (uint8_t)snprintf(c->name, sizeof c->name, "%s%d", O.prefix, i);
    c->roomlen = (uint8_t)snprintf(c->room, sizeof c->room, "%sr%d", O.prefix, room);
  }
  rng = (uint64_t)now_us() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid();
  if (!rng) rng = 1;

  epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) die("epoll_create1: %s", err(errno));
  /* Pipes and ttys go in the epoll set; a regular file (EPERM) is read directly when idle. */
  struct epoll_event sev = {.events = EPOLLIN, .data.u32 = UINT32_MAX};
  ipoll = epoll_ctl(epfd, EPOLL_CTL_ADD, 0, &sev) == 0;
  if (ipoll) epoll_ctl(epfd, EPOLL_CTL_DEL, 0, &sev);

  static struct epoll_event evs[4096];
  t_setup = now_us();
  for (;;) {
    int64_t now = now_us();
    if (in_setup) { /* start clients up to the concurrency; report once all are in their rooms */
      while (next_start < N && (O.concurrency == 0 || setup_active < O.concurrency)) start_client(next_start++, now);
      flush_dirty();
      if (ready_count == N) {
        qsort(login_ms, (size_t)N, sizeof *login_ms, cmp_double);
        emit("{\"ready\":%d,\"ms\":%lld,\"p50\":%.3f,\"p99\":%.3f,\"max\":%.3f}", N, (long long)((now - t_setup) / 1000),
             login_ms[rank_index(0.5)], login_ms[rank_index(0.99)], login_ms[N - 1]);
        in_setup = false;
      } else if (now - t_setup > (int64_t)(O.setup_timeout * 1e6)) {
        Client *c = C;
        while (c->state == ST_READY) c++;
        die("%s: setup timeout (%g s) during %s; %d of %d ready", c->name, O.setup_timeout, STAGE[c->state], ready_count, N);
      }
    }
    if (!in_setup && !S.phase) run_commands(now);

    int timeout = -1; /* idle: only pings and stdin to answer */
    if (in_setup) timeout = 20;
    else if (S.phase == 2) timeout = 5;
    else if (S.phase == 1) { /* 0 when a message is due already, else at most 1 ms */
      double due = S.k < S.total ? S.t0 + (double)S.k * S.interval : (double)S.t_win_end;
      timeout = due <= (double)now_us() ? 0 : 1;
    } else if (!ipoll) timeout = 0;

    int n = epoll_wait(epfd, evs, (int)(sizeof evs / sizeof *evs), timeout);
    if (n < 0 && errno != EINTR) die("epoll_wait: %s", err(errno));
    for (int i = 0; i < n; i++) {
      if (evs[i].data.u32 == UINT32_MAX) stdin_read();
      else on_event(&C[evs[i].data.u32], evs[i].events);
    }
    now = now_us();
    if (S.phase == 1) generate(now);
    flush_dirty();
    if (S.phase) step_progress(now);
  }
  return 0;
}
