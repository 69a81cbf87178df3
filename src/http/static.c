/*
 * static.c — serves the built web UI (web/dist) for every path outside /api.
 *
 * Paths are checked segment by segment before touching the file system: no "..",
 * no "." segments, no backslashes, NUL bytes or percent-encoded separators, only
 * GET and HEAD; the file is opened with O_NOFOLLOW under the configured directory and
 * must be a regular file. A path with no file extension that is not found falls back
 * to index.html (the UI's client-side routes). Hashed assets under /assets/ are cached
 * for a year; index.html is revalidated every time so a new build is picked up.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/internal.h"

typedef struct {
  const char *ext, *type;
} mime;

static const mime MIMES[] = {
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".mjs", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".json", "application/json"},
    {".svg", "image/svg+xml"},
    {".png", "image/png"},
    {".ico", "image/x-icon"},
    {".woff2", "font/woff2"},
    {".txt", "text/plain; charset=utf-8"},
    {".map", "application/json"},
};

static const char *mime_of(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (dot == NULL || (slash != NULL && dot < slash)) {
    return NULL;
  }
  for (size_t i = 0; i < sizeof MIMES / sizeof MIMES[0]; i++) {
    if (strcmp(dot, MIMES[i].ext) == 0) {
      return MIMES[i].type;
    }
  }
  return "application/octet-stream";
}

/* True when every segment of path is a plain file or directory name. */
static bool safe_path(const char *path) {
  if (path[0] != '/' || strlen(path) > 512) {
    return false;
  }
  const char *seg = path + 1;
  for (;;) {
    const char *end = strchr(seg, '/');
    size_t n = end != NULL ? (size_t)(end - seg) : strlen(seg);
    if ((n == 1 && seg[0] == '.') || (n == 2 && seg[0] == '.' && seg[1] == '.')) {
      return false;
    }
    for (size_t i = 0; i < n; i++) {
      unsigned char c = (unsigned char)seg[i];
      if (c < 0x20 || c == '\\' || c == '%' || c == ':' || c == 0x7f) {
        return false;
      }
    }
    if (end == NULL) {
      return true;
    }
    seg = end + 1;
  }
}

/* Opens dir + path as a regular file; -1 when absent or not a regular file. */
static int open_file(const char *dir, const char *path, uint64_t *size) {
  char full[2048];
  int n = snprintf(full, sizeof full, "%s%s", dir, path);
  if (n < 0 || (size_t)n >= sizeof full) {
    return -1;
  }
  int fd = open(full, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) {
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return -1;
  }
  *size = (uint64_t)st.st_size;
  return fd;
}

void http_static(http_req *r) {
  if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0) {
    http_error(r, 405, "method_not_allowed", "only GET and HEAD serve files", NULL);
    http_header_add(r, "Allow", "GET, HEAD");
    return;
  }
  if (!safe_path(r->path)) {
    http_error(r, 404, "not_found", "no such file", NULL);
    return;
  }
  const char *path = strcmp(r->path, "/") == 0 ? "/index.html" : r->path;
  const char *type = mime_of(path);
  uint64_t size = 0;
  int fd = open_file(r->cfg->static_dir, path, &size);
  if (fd < 0 && type == NULL) {
    path = "/index.html"; /* a client-side route of the UI */
    type = mime_of(path);
    fd = open_file(r->cfg->static_dir, path, &size);
  }
  if (fd < 0) {
    if (strcmp(path, "/index.html") == 0) {
      http_error(r, 404, "not_found",
                 "the web UI is not built here (run `make build`, or pass --static DIR)",
                 NULL);
    } else {
      http_error(r, 404, "not_found", "no such file", NULL);
    }
    return;
  }
  r->status = 200;
  r->resp_fd = fd;
  r->resp_fd_size = size;
  r->content_type = type;
  http_header_add(r, "Cache-Control",
                  strncmp(path, "/assets/", 8) == 0
                      ? "public, max-age=31536000, immutable"
                      : "no-cache");
}
