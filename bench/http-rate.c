/*
 * http-rate.c — a fixed-rate HTTP/1.1 load generator for bench/http: sends GET requests
 * on a fixed schedule over keep-alive connections and reports the latency of each one
 * measured from its *scheduled* send time, so a slow response that delays the next
 * requests on its connection is charged to them too (no coordinated omission; wrk has
 * no fixed-rate mode, and h2load's --rps starts the clock only when a delayed request is
 * finally sent).
 *
 * Request i (i = 0, 1, ...) is due at start + i / rate and goes on connection
 * i mod connections; a connection carries one request at a time (no pipelining), so a
 * request due while its connection is still busy waits, and that wait is in its latency.
 * Requests due in the first --warmup seconds are sent but not counted; then --duration
 * seconds of requests are counted. Build: gcc -O2 -o http-rate http-rate.c -lm
 *
 * Usage: http-rate --port P --path /x [--host 127.0.0.1] [--header "K: V"]...
 *                  [--rate 1000] [--duration 20] [--warmup 2] [--connections 16]
 *                  [--timeout 5]
 * Prints one line of key=value pairs: counted, completed, errors, non2xx, timeouts,
 * achieved (counted responses per second of the measured window), body_bytes,
 * p50_ms, p90_ms, p99_ms, p999_ms, max_ms, send_lag_p99_ms (how late the generator
 * itself sent requests whose connection was free when they were due: if it is large,
 * the client, not the server, was the bottleneck) and statuses (the non-2xx status
 * codes seen, CODE:COUNT,..., or "none").
 * Exit 0 when every counted request got a 2xx response in time, 1 otherwise, 2 on
 * usage errors.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
  int fd;
  int busy;           /* a request is in flight */
  uint64_t next;      /* this connection's next request number (its own sequence) */
  uint64_t sched_ns;  /* scheduled send time of the request in flight */
  int counted;        /* the request in flight is in the measured window */
  uint64_t idle_since; /* when the connection last became free */
  char *buf;
  size_t len, cap;
} conn;

static const char *g_host = "127.0.0.1";
static int g_port;
static struct sockaddr_in g_addr;
static char g_req[8192];
static size_t g_req_len;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void die(const char *what) {
  fprintf(stderr, "http-rate: %s: %s\n", what, strerror(errno));
  exit(1);
}

static int open_conn(int ep, int idx) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    die("socket");
  }
  if (connect(fd, (struct sockaddr *)&g_addr, sizeof g_addr) != 0) {
    die("connect");
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct epoll_event ev = {.events = EPOLLIN, .data.u64 = (uint64_t)idx};
  if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
    die("epoll_ctl");
  }
  return fd;
}

static int cmp_u64(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static double pct_ms(const uint64_t *v, size_t n, double p) {
  if (n == 0) {
    return 0;
  }
  size_t i = (size_t)(p * (double)n + 0.999999);
  if (i == 0) {
    i = 1;
  }
  if (i > n) {
    i = n;
  }
  return (double)v[i - 1] / 1e6;
}

/* Header value of NAME in the header block [h, h+n), or NULL. */
static const char *header(const char *h, size_t n, const char *name, size_t *vlen) {
  size_t nl = strlen(name);
  const char *end = h + n;
  const char *p = memchr(h, '\n', n);
  while (p != NULL && p + 1 < end) {
    p++;
    if ((size_t)(end - p) > nl + 1 && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
      const char *v = p + nl + 1;
      while (v < end && (*v == ' ' || *v == '\t')) {
        v++;
      }
      const char *e = memchr(v, '\r', (size_t)(end - v));
      *vlen = e != NULL ? (size_t)(e - v) : (size_t)(end - v);
      return v;
    }
    p = memchr(p, '\n', (size_t)(end - p));
  }
  return NULL;
}

int main(int argc, char **argv) {
  const char *path = NULL;
  double rate = 1000, duration = 20, warmup = 2, timeout = 5;
  int nconn = 16;
  char headers[4096] = "";
  size_t hlen = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v == NULL) {
      fprintf(stderr, "http-rate: %s needs a value\n", a);
      return 2;
    }
    i++;
    if (strcmp(a, "--host") == 0) {
      g_host = v;
    } else if (strcmp(a, "--port") == 0) {
      g_port = atoi(v);
    } else if (strcmp(a, "--path") == 0) {
      path = v;
    } else if (strcmp(a, "--rate") == 0) {
      rate = atof(v);
    } else if (strcmp(a, "--duration") == 0) {
      duration = atof(v);
    } else if (strcmp(a, "--warmup") == 0) {
      warmup = atof(v);
    } else if (strcmp(a, "--timeout") == 0) {
      timeout = atof(v);
    } else if (strcmp(a, "--connections") == 0) {
      nconn = atoi(v);
    } else if (strcmp(a, "--header") == 0) {
      int n = snprintf(headers + hlen, sizeof headers - hlen, "%s\r\n", v);
      if (n < 0 || (size_t)n >= sizeof headers - hlen) {
        fprintf(stderr, "http-rate: headers too long\n");
        return 2;
      }
      hlen += (size_t)n;
    } else {
      fprintf(stderr, "http-rate: unknown option %s\n", a);
      return 2;
    }
  }
  if (path == NULL || g_port <= 0 || rate <= 0 || duration <= 0 || warmup < 0 ||
      nconn < 1 || nconn > 4096) {
    fprintf(stderr, "usage: http-rate --port P --path /x [--host H] [--header 'K: V']... "
                    "[--rate R] [--duration S] [--warmup S] [--connections C] "
                    "[--timeout S]\n");
    return 2;
  }
  memset(&g_addr, 0, sizeof g_addr);
  g_addr.sin_family = AF_INET;
  g_addr.sin_port = htons((uint16_t)g_port);
  if (inet_pton(AF_INET, g_host, &g_addr.sin_addr) != 1) {
    fprintf(stderr, "http-rate: --host must be an IPv4 address\n");
    return 2;
  }
  int n = snprintf(g_req, sizeof g_req, "GET %s HTTP/1.1\r\nHost: %s:%d\r\n%s\r\n", path,
                   g_host, g_port, headers);
  if (n < 0 || (size_t)n >= sizeof g_req) {
    fprintf(stderr, "http-rate: request too long\n");
    return 2;
  }
  g_req_len = (size_t)n;

  int ep = epoll_create1(EPOLL_CLOEXEC);
  int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (ep < 0 || tfd < 0) {
    die("epoll/timerfd");
  }
  struct epoll_event tev = {.events = EPOLLIN, .data.u64 = UINT64_MAX};
  epoll_ctl(ep, EPOLL_CTL_ADD, tfd, &tev);

  conn *c = calloc((size_t)nconn, sizeof *c);
  for (int i = 0; i < nconn; i++) {
    c[i].fd = open_conn(ep, i);
    c[i].cap = 65536;
    c[i].buf = malloc(c[i].cap);
  }
  uint64_t total_req = (uint64_t)((warmup + duration) * rate + 0.5);
  uint64_t first_counted = (uint64_t)(warmup * rate + 0.5);
  size_t cap = (size_t)(total_req - first_counted) + 16;
  uint64_t *lat = malloc(cap * sizeof *lat);
  uint64_t *lag = malloc(cap * sizeof *lag);
  size_t nlat = 0, nlag = 0;
  uint64_t errors = 0, non2xx = 0, body_bytes = 0;
  enum { NSTATUS = 8 };
  int st_code[NSTATUS] = {0};
  uint64_t st_count[NSTATUS] = {0};
  double interval_ns = 1e9 / rate;
  uint64_t start = now_ns() + 10000000; /* 10 ms from now */
  uint64_t window_end = start + (uint64_t)((warmup + duration) * 1e9);
  uint64_t give_up = window_end + (uint64_t)(timeout * 1e9);

  for (;;) {
    uint64_t now = now_ns();
    /* Send whatever is due on idle connections; find the next due time. */
    uint64_t next_due = UINT64_MAX;
    int inflight = 0;
    for (int i = 0; i < nconn; i++) {
      uint64_t req = (uint64_t)i + c[i].next * (uint64_t)nconn;
      if (c[i].busy) {
        inflight++;
        continue;
      }
      if (req >= total_req) {
        continue;
      }
      uint64_t due = start + (uint64_t)((double)req * interval_ns);
      if (due > now) {
        if (due < next_due) {
          next_due = due;
        }
        continue;
      }
      size_t off = 0;
      while (off < g_req_len) {
        ssize_t w = write(c[i].fd, g_req + off, g_req_len - off);
        if (w <= 0) {
          die("write");
        }
        off += (size_t)w;
      }
      c[i].busy = 1;
      c[i].sched_ns = due;
      c[i].counted = req >= first_counted;
      c[i].len = 0;
      if (c[i].counted && nlag < cap && c[i].idle_since <= due) {
        lag[nlag++] = now - due;
      }
      inflight++;
    }
    if (inflight == 0 && next_due == UINT64_MAX) {
      break; /* all sent and answered */
    }
    if (now > give_up) {
      break;
    }
    uint64_t wake = next_due != UINT64_MAX ? next_due : give_up;
    struct itimerspec its = {0};
    its.it_value.tv_sec = (time_t)(wake / 1000000000u);
    its.it_value.tv_nsec = (long)(wake % 1000000000u);
    timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);

    struct epoll_event evs[64];
    int ne = epoll_wait(ep, evs, 64, 1000);
    if (ne < 0) {
      if (errno == EINTR) {
        continue;
      }
      die("epoll_wait");
    }
    for (int e = 0; e < ne; e++) {
      if (evs[e].data.u64 == UINT64_MAX) {
        uint64_t x;
        (void)!read(tfd, &x, sizeof x);
        continue;
      }
      conn *k = &c[evs[e].data.u64];
      if (k->len == k->cap) {
        k->cap *= 2;
        k->buf = realloc(k->buf, k->cap);
      }
      ssize_t r = read(k->fd, k->buf + k->len, k->cap - k->len);
      if (r < 0 && (errno == EAGAIN || errno == EINTR)) {
        continue;
      }
      int closed = r <= 0;
      if (!closed) {
        k->len += (size_t)r;
      }
      int done = 0, status = 0, close_after = closed;
      size_t total = 0;
      const char *hend = k->len > 0 ? memmem(k->buf, k->len, "\r\n\r\n", 4) : NULL;
      if (hend != NULL) {
        size_t hl = (size_t)(hend - k->buf) + 4;
        if (k->len > 9) {
          status = atoi(k->buf + 9);
        }
        size_t vl = 0;
        const char *cl = header(k->buf, hl, "Content-Length", &vl);
        const char *cn = header(k->buf, hl, "Connection", &vl);
        if (cn != NULL && vl >= 5 && strncasecmp(cn, "close", 5) == 0) {
          close_after = 1;
        }
        if (cl == NULL) {
          fprintf(stderr, "http-rate: a response without Content-Length (status %d)\n",
                  status);
          return 1;
        }
        total = hl + (size_t)strtoull(cl, NULL, 10);
        done = k->len >= total;
      }
      if (done && k->busy) {
        uint64_t t = now_ns();
        if (k->counted) {
          if (status >= 200 && status < 300) {
            if (nlat < cap) {
              lat[nlat++] = t - k->sched_ns;
            }
            body_bytes = total - (size_t)(hend - k->buf) - 4;
          } else {
            non2xx++;
            for (int q = 0; q < NSTATUS; q++) {
              if (st_code[q] == status || st_code[q] == 0) {
                st_code[q] = status;
                st_count[q]++;
                break;
              }
            }
          }
        }
        k->idle_since = t;
        k->busy = 0;
        k->next++;
        k->len = 0;
      } else if (closed && k->busy) {
        if (k->counted) {
          errors++;
        }
        k->idle_since = now_ns();
        k->busy = 0;
        k->next++;
        k->len = 0;
      }
      if (close_after) {
        epoll_ctl(ep, EPOLL_CTL_DEL, k->fd, NULL);
        close(k->fd);
        k->fd = open_conn(ep, (int)(k - c));
      }
    }
  }
  uint64_t timeouts = 0;
  for (int i = 0; i < nconn; i++) {
    if (c[i].busy && c[i].counted) {
      timeouts++;
    }
    uint64_t sent_or_due = (uint64_t)i + c[i].next * (uint64_t)nconn;
    /* requests never sent because their connection was stuck count as timeouts too */
    for (uint64_t q = sent_or_due + (c[i].busy ? (uint64_t)nconn : 0); q < total_req;
         q += (uint64_t)nconn) {
      if (q >= first_counted) {
        timeouts++;
      }
    }
    close(c[i].fd);
  }
  qsort(lat, nlat, sizeof *lat, cmp_u64);
  qsort(lag, nlag, sizeof *lag, cmp_u64);
  uint64_t counted = total_req - first_counted;
  char statuses[256] = "none";
  size_t sl = 0;
  for (int q = 0; q < NSTATUS && st_code[q] != 0; q++) {
    int m = snprintf(statuses + sl, sizeof statuses - sl, "%s%d:%llu", q ? "," : "",
                     st_code[q], (unsigned long long)st_count[q]);
    if (m < 0 || (size_t)m >= sizeof statuses - sl) {
      break;
    }
    sl += (size_t)m;
  }
  printf("counted=%llu completed=%zu errors=%llu non2xx=%llu timeouts=%llu achieved=%.1f "
         "body_bytes=%llu p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f "
         "send_lag_p99_ms=%.3f statuses=%s\n",
         (unsigned long long)counted, nlat, (unsigned long long)errors,
         (unsigned long long)non2xx, (unsigned long long)timeouts,
         (double)nlat / duration, (unsigned long long)body_bytes, pct_ms(lat, nlat, 0.50),
         pct_ms(lat, nlat, 0.90), pct_ms(lat, nlat, 0.99), pct_ms(lat, nlat, 0.999),
         nlat ? (double)lat[nlat - 1] / 1e6 : 0.0, pct_ms(lag, nlag, 0.99), statuses);
  return (nlat == counted && errors == 0 && non2xx == 0 && timeouts == 0) ? 0 : 1;
}
