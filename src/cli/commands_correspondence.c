/*
 * commands_correspondence.c — `arrears correspondence add|list|show|get|classify`:
 * inbound letters, faxes and emails filed to an account (service/correspondence.c).
 *
 * Files named on the command line are read whole into memory after checking their
 * size against the limit (a document 10 MiB, a text 64 KiB), so an oversized file is
 * refused before any of it is read. A document's content type comes from its name's
 * extension (.pdf .png .jpg .jpeg .tif .tiff .txt .eml) or --content-type.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"

/* Reads the regular file at path (at most max bytes, checked before reading) into a
 * malloc'd buffer with a NUL after it. NULL after printing why (the caller exits 1). */
static unsigned char *read_bounded(const char *path, const char *opt, size_t max,
                                   size_t *len) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  struct stat sb;
  if (fd < 0 || fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
    fprintf(stderr, "arrears: %s %s: %s\n", opt, path,
            fd < 0 ? strerror(errno) : "not a regular file");
    if (fd >= 0) {
      close(fd);
    }
    return NULL;
  }
  if ((uint64_t)sb.st_size > max) {
    fprintf(stderr, "arrears: %s %s is %lld bytes; at most %zu bytes are accepted\n", opt,
            path, (long long)sb.st_size, max);
    close(fd);
    return NULL;
  }
  unsigned char *buf = malloc(max + 2);
  size_t n = 0;
  while (buf != NULL && n <= max) {
    ssize_t r = read(fd, buf + n, max + 1 - n);
    if (r < 0 && errno == EINTR) {
      continue;
    }
    if (r <= 0) {
      break;
    }
    n += (size_t)r;
  }
  close(fd);
  if (buf == NULL || n > max) {
    fprintf(stderr, "arrears: %s %s %s\n", opt, path,
            buf == NULL ? "does not fit in memory" : "grew past the limit while read");
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* The content type of a file name's extension, or NULL. */
static const char *type_of_name(const char *name) {
  static const char *const MAP[][2] = {
      {".pdf", "application/pdf"}, {".png", "image/png"},     {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},     {".tif", "image/tiff"},    {".tiff", "image/tiff"},
      {".txt", "text/plain"},      {".eml", "message/rfc822"}};
  const char *dot = strrchr(name, '.');
  for (size_t i = 0; dot != NULL && i < sizeof MAP / sizeof MAP[0]; i++) {
    if (strcasecmp(dot, MAP[i][0]) == 0) {
      return MAP[i][1];
    }
  }
  return NULL;
}

static bool parse_id(const char *s, int64_t *out) {
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (s[0] < '0' || s[0] > '9' || *end != '\0' || v <= 0) {
    return false;
  }
  *out = v;
  return true;
}

static const char *str_or(const json_t *o, const char *key, const char *dflt) {
  const char *s = json_string_value(json_object_get(o, key));
  return s != NULL ? s : dflt;
}

/* One item as a line (and a second one for its document and event). */
static void print_item(const json_t *it) {
  printf("%lld  %s  %-6s  %-10s",
         (long long)json_integer_value(json_object_get(it, "id")),
         str_or(it, "received_on", "?"), str_or(it, "channel", "?"),
         str_or(it, "kind", "?"));
  const char *sugg = str_or(it, "suggested_kind", NULL);
  const char *phrase = str_or(it, "suggested_phrase", NULL);
  if (sugg != NULL) {
    printf("  (suggested %s%s%s%s)", sugg, phrase != NULL ? ": found '" : "",
           phrase != NULL ? phrase : "", phrase != NULL ? "'" : "");
  }
  printf("  %s\n", str_or(it, "subject", ""));
  const json_t *doc = json_object_get(it, "document");
  const json_t *ev = json_object_get(it, "event");
  if (json_is_object(doc)) {
    printf("    document: %s (%s, %lld bytes)\n", str_or(doc, "file_name", "?"),
           str_or(doc, "content_type", "?"),
           (long long)json_integer_value(json_object_get(doc, "size_bytes")));
  }
  if (json_is_object(ev)) {
    const char *released = str_or(ev, "released_at", NULL);
    printf("    event %lld: %s at %s%s%s\n",
           (long long)json_integer_value(json_object_get(ev, "id")),
           str_or(ev, "type", "?"), str_or(ev, "at", "?"),
           released != NULL ? ", released " : "", released != NULL ? released : "");
  }
}

/* Prints out as JSON or as text, then frees it. */
static int finish(json_t *out, bool as_json) {
  if (as_json) {
    cli_print_json(out);
  } else {
    print_item(out);
  }
  json_decref(out);
  return 0;
}

int cmd_correspondence_add(cli_args *a) {
  EXPECT_ARGS(1, "correspondence add ACCOUNT --channel mail|email|fax|upload "
                 "--received DATE [--kind K] [--subject S] [--file PATH "
                 "[--content-type T]] [--text-file PATH] [--json]");
  arr_corr_request q;
  memset(&q, 0, sizeof q);
  q.account = a->args[0];
  q.channel = cli_opt_get(a, "channel");
  q.received_on = cli_opt_get(a, "received");
  q.kind = cli_opt_get(a, "kind");
  q.subject = cli_opt_get(a, "subject");
  const char *file = cli_opt_get(a, "file");
  const char *text_file = cli_opt_get(a, "text-file");
  q.content_type = cli_opt_get(a, "content-type");
  bool as_json = cli_flag(a, "json");
  if (q.channel == NULL || q.received_on == NULL) {
    return cli_usage("correspondence add needs --channel and --received DATE%s", "");
  }
  if (file == NULL && q.content_type != NULL) {
    return cli_usage("--content-type goes with --file%s", "");
  }
  if (file != NULL) {
    const char *slash = strrchr(file, '/');
    q.file_name = slash != NULL ? slash + 1 : file;
    if (q.content_type == NULL) {
      q.content_type = type_of_name(q.file_name);
    }
    if (q.content_type == NULL) {
      return cli_usage("cannot tell the content type of --file %s from its name; give "
                       "--content-type (application/pdf, image/png, image/jpeg, "
                       "image/tiff, text/plain, message/rfc822)",
                       file);
    }
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  unsigned char *data = NULL, *text = NULL;
  size_t len = 0, text_len = 0;
  if (file != NULL) {
    data = read_bounded(file, "--file", ARR_CORR_DOCUMENT_MAX, &len);
    q.data = data;
    q.data_len = len;
  }
  if (text_file != NULL && (file == NULL || data != NULL)) {
    text = read_bounded(text_file, "--text-file", ARR_CORR_TEXT_MAX, &text_len);
    if (text != NULL && memchr(text, 0, text_len) != NULL) {
      fprintf(stderr, "arrears: --text-file %s holds a NUL byte; it must be text\n",
              text_file);
      free(text);
      text = NULL;
    }
    q.body_text = (const char *)text;
  }
  if ((file != NULL && data == NULL) || (text_file != NULL && text == NULL)) {
    free(data);
    free(text);
    arr_svc_close(svc);
    return 1;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_correspondence_add(svc, &q, &out, &err);
  arr_svc_close(svc);
  free(data);
  free(text);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (!as_json) {
    printf("filed on account %lld: ",
           (long long)json_integer_value(json_object_get(out, "account_id")));
  }
  return finish(out, as_json);
}

int cmd_correspondence_list(cli_args *a) {
  EXPECT_ARGS(1, "correspondence list ACCOUNT [--limit N] [--after ID] [--json]");
  int limit = 0, after = 0;
  if (!cli_int_opt(a, "limit", 1, 200, &limit) ||
      !cli_int_opt(a, "after", 1, 2147483647, &after)) {
    return 2;
  }
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_correspondence_list(svc, a->args[0], after > 0 ? after : 0,
                                         limit > 0 ? limit : 50, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *it;
    json_t *items = json_object_get(out, "items");
    json_array_foreach(items, i, it) {
      print_item(it);
    }
    if (json_array_size(items) == 0) {
      printf("no correspondence on account %s\n", a->args[0]);
    }
    const json_t *next = json_object_get(out, "next_after");
    if (json_is_integer(next)) {
      printf("(more: --after %lld)\n", (long long)json_integer_value(next));
    }
  }
  json_decref(out);
  return 0;
}

int cmd_correspondence_show(cli_args *a) {
  EXPECT_ARGS(1, "correspondence show ID [--json]");
  int64_t id = 0;
  if (!parse_id(a->args[0], &id)) {
    return cli_usage("correspondence show: ID must be a number, not \"%s\"", a->args[0]);
  }
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_correspondence_show(svc, id, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (!as_json) {
    const char *body = str_or(out, "body_text", NULL);
    print_item(out);
    if (body != NULL) {
      printf("\n%s\n", body);
    }
    json_decref(out);
    return 0;
  }
  return finish(out, true);
}

int cmd_correspondence_get(cli_args *a) {
  EXPECT_ARGS(1, "correspondence get ID --out PATH [--json]");
  int64_t id = 0;
  if (!parse_id(a->args[0], &id)) {
    return cli_usage("correspondence get: ID must be a number, not \"%s\"", a->args[0]);
  }
  const char *path = cli_opt_get(a, "out");
  bool as_json = cli_flag(a, "json");
  if (path == NULL || path[0] == '\0') {
    return cli_usage("correspondence get needs --out PATH%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_correspondence_save(svc, id, path, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    printf("wrote %s: %s (%s, %lld bytes, sha256 %s)\n", path,
           str_or(out, "file_name", "?"), str_or(out, "content_type", "?"),
           (long long)json_integer_value(json_object_get(out, "size_bytes")),
           str_or(out, "sha256", "?"));
  }
  json_decref(out);
  return 0;
}

int cmd_correspondence_classify(cli_args *a) {
  EXPECT_ARGS(1, "correspondence classify ID --kind "
                 "dispute|cease|payment|bankruptcy|attorney|other [--json]");
  int64_t id = 0;
  if (!parse_id(a->args[0], &id)) {
    return cli_usage("correspondence classify: ID must be a number, not \"%s\"",
                     a->args[0]);
  }
  const char *kind = cli_opt_get(a, "kind");
  bool as_json = cli_flag(a, "json");
  if (kind == NULL) {
    return cli_usage("correspondence classify needs --kind K%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_correspondence_classify(svc, id, kind, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  return finish(out, as_json);
}
