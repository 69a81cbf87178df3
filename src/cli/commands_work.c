/*
 * commands_work.c — the command-line side of the workstation: `serve`, user
 * passwords, roles and API tokens, account search, contact logging, the work queue
 * and the audit log list. Each handler parses, calls one service function and prints
 * (text, or the API's JSON with --json), like the API handlers in src/http/api.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include <sodium.h>
#include <unistd.h>

#include "cli/cli.h"
#include "http/http.h"

/* Prints out as JSON or through text(), then frees it and the context. */
static int finish(arr_svc *svc, arr_rc rc, const arr_err *err, json_t *out, bool as_json,
                  void (*text)(json_t *)) {
  arr_svc_close(svc);
  if (rc != ARR_OK) {
    json_decref(out);
    return cli_fail(err);
  }
  if (as_json || text == NULL) {
    cli_print_json(out);
  } else {
    text(out);
  }
  json_decref(out);
  return 0;
}

static bool parse_int(const char *s, long long lo, long long hi, long long *out) {
  char *end = NULL;
  long long v = strtoll(s, &end, 10);
  if (s[0] == '\0' || *end != '\0' || v < lo || v > hi) {
    return false;
  }
  *out = v;
  return true;
}

/* ---- serve ---- */

int cmd_serve(cli_args *a) {
  EXPECT_ARGS(0, "serve [--listen ADDR:PORT] [--config FILE] [--threads N] ...");
  arr_http_config cfg;
  arr_http_config_defaults(&cfg);
  arr_err err;
  arr_err_clear(&err);
  const char *config = cli_opt_get(a, "config");
  if (config != NULL && arr_http_config_load(config, &cfg, &err) != ARR_OK) {
    return cli_fail(&err);
  }
  /* Every [server] key has a flag of the same name (dashes for underscores). */
  static const char *const KEYS[][2] = {
      {"listen", "listen"},         {"threads", "threads"},
      {"static", "static_dir"},     {"letters-dir", "letters_dir"},
      {"access-log", "access_log"}, {"max-body-bytes", "max_body_bytes"},
      {"timeout", "timeout_s"},     {"connection-limit", "connection_limit"},
      {"drain", "drain_s"},
  };
  for (size_t i = 0; i < sizeof KEYS / sizeof KEYS[0]; i++) {
    const char *v = cli_opt_get(a, KEYS[i][0]);
    if (v != NULL && arr_http_config_set(&cfg, "server", KEYS[i][1], v, &err) != ARR_OK) {
      err.rc = ARR_ERR_USAGE;
      return cli_fail(&err);
    }
  }
  if (cli_flag(a, "secure-cookies")) {
    cfg.secure_cookies = true;
  }
  const char *db = cli_opt_get(a, "db"), *key = cli_opt_get(a, "key-file");
  if (db != NULL) {
    snprintf(cfg.db_url, sizeof cfg.db_url, "%s", db);
  }
  if (key != NULL) {
    snprintf(cfg.key_file, sizeof cfg.key_file, "%s", key);
  }
  (void)cli_opt_get(a, "as"); /* the server acts as whoever logs in */
  int rc = cli_check_unused(a);
  if (rc != 0) {
    return rc;
  }
  if (arr_http_serve(&cfg, &err) != ARR_OK) {
    return cli_fail(&err);
  }
  return 0;
}

/* ---- users ---- */

/* Reads a password: one line from stdin with --password-stdin, else a prompt on the
 * terminal without echo. */
static bool read_password(cli_args *a, char *buf, size_t cap) {
  bool from_stdin = cli_flag(a, "password-stdin");
  if (!from_stdin && !isatty(STDIN_FILENO)) {
    fprintf(stderr,
            "arrears: no terminal to ask for the password; use --password-stdin\n");
    return false;
  }
  struct termios old, quiet;
  bool tty = !from_stdin && tcgetattr(STDIN_FILENO, &old) == 0;
  if (tty) {
    fprintf(stderr, "new password: ");
    quiet = old;
    quiet.c_lflag &= ~(tcflag_t)ECHO;
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
  }
  bool ok = fgets(buf, (int)cap, stdin) != NULL;
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
    fprintf(stderr, "\n");
  }
  if (ok) {
    buf[strcspn(buf, "\r\n")] = '\0';
  }
  return ok;
}

int cmd_user_passwd(cli_args *a) {
  EXPECT_ARGS(1, "user passwd USERNAME [--password-stdin]");
  char password[256];
  if (!read_password(a, password, sizeof password)) {
    return 1;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_user_set_password(svc, a->args[0], password, &err);
  sodium_memzero(password, sizeof password);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("password set for %s (their open sessions were ended)\n", a->args[0]);
  return 0;
}

static void print_user(json_t *u) {
  printf("%s: %s (%s%s%s)\n", json_string_value(json_object_get(u, "username")),
         json_string_value(json_object_get(u, "display_name")),
         json_string_value(json_object_get(u, "role")),
         json_is_string(json_object_get(u, "client")) ? ", client " : "",
         json_is_string(json_object_get(u, "client"))
             ? json_string_value(json_object_get(u, "client"))
             : "");
}

int cmd_user_role(cli_args *a) {
  EXPECT_ARGS(2, "user role USERNAME ROLE [--client CODE] [--json]");
  const char *client = cli_opt_get(a, "client");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_user_set_role(svc, a->args[0], a->args[1], client, &out, &err);
  return finish(svc, r, &err, out, as_json, print_user);
}

int cmd_user_token(cli_args *a) {
  EXPECT_ARGS(1, "user token USERNAME --name NAME");
  const char *name = cli_opt_get(a, "name");
  if (name == NULL) {
    return cli_usage("user token needs --name NAME (what the token is for)%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  char token[ARR_TOKEN_MAX];
  int64_t id = 0;
  arr_rc r = arr_svc_token_create(svc, a->args[0], name, token, &id, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("%s\n", token);
  fprintf(stderr, "token %lld for %s created; it is shown only this once\n",
          (long long)id, a->args[0]);
  sodium_memzero(token, sizeof token);
  return 0;
}

static void print_user_list(json_t *o) {
  size_t i;
  json_t *u;
  json_array_foreach(json_object_get(o, "items"), i, u) {
    print_user(u);
  }
}

int cmd_user_list(cli_args *a) {
  EXPECT_ARGS(0, "user list [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_user_list(svc, &out, &err);
  return finish(svc, r, &err, out, as_json, print_user_list);
}

/* ---- search, contacts, work, audit ---- */

static void print_summaries(json_t *o) {
  size_t i;
  json_t *s;
  json_t *items = json_object_get(o, "items");
  if (json_array_size(items) == 0) {
    printf("no accounts\n");
  }
  json_array_foreach(items, i, s) {
    json_int_t total =
        json_integer_value(json_object_get(json_object_get(s, "balance_cents"), "total"));
    printf("%8lld  %-8s %-16s %-28s %-8s %12lld.%02lld%s\n",
           (long long)json_integer_value(json_object_get(s, "id")),
           json_string_value(json_object_get(s, "client")),
           json_string_value(json_object_get(s, "client_account")),
           json_string_value(json_object_get(s, "debtor_name")),
           json_string_value(json_object_get(s, "status")), (long long)(total / 100),
           (long long)llabs(total % 100),
           json_is_true(json_object_get(s, "worked_today")) ? "  worked today" : "");
  }
}

int cmd_account_search(cli_args *a) {
  EXPECT_ARGS(1, "account search TEXT [--limit N] [--json]");
  const char *limit_s = cli_opt_get(a, "limit");
  long long limit = 20;
  if (limit_s != NULL && !parse_int(limit_s, 1, 50, &limit)) {
    return cli_usage("--limit must be 1 to 50, not \"%s\"", limit_s);
  }
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_account_search(svc, a->args[0], (int)limit, &out, &err);
  return finish(svc, r, &err, out, as_json, print_summaries);
}

static void print_contact(json_t *c) {
  json_t *p = json_object_get(c, "promise");
  printf("contact %lld logged: %s %s",
         (long long)json_integer_value(json_object_get(c, "id")),
         json_string_value(json_object_get(c, "channel")),
         json_string_value(json_object_get(c, "outcome")));
  if (json_is_object(p)) {
    json_int_t cents = json_integer_value(json_object_get(p, "amount_cents"));
    printf(", promise %lld.%02lld on %s", (long long)(cents / 100),
           (long long)(cents % 100), json_string_value(json_object_get(p, "due_on")));
  }
  printf("\n");
}

int cmd_contact_log(cli_args *a) {
  EXPECT_ARGS(1, "contact log ACCOUNT --channel C [--to T] [--at TIME] --outcome O "
                 "[--reason R] [--note N] [--promise-amount A --promise-on DATE] "
                 "[--override REASON] [--json]");
  arr_contact_request q = {a->args[0],
                           cli_opt_get(a, "channel"),
                           cli_opt_get(a, "to"),
                           cli_opt_get(a, "at"),
                           cli_opt_get(a, "outcome"),
                           cli_opt_get(a, "reason"),
                           cli_opt_get(a, "note"),
                           cli_opt_get(a, "promise-amount"),
                           cli_opt_get(a, "promise-on"),
                           cli_opt_get(a, "override")};
  if (q.channel == NULL || q.outcome == NULL) {
    return cli_usage("contact log needs --channel and --outcome%s", "");
  }
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_contact_log(svc, &q, &out, &err);
  return finish(svc, r, &err, out, as_json, print_contact);
}

/* The work queue belongs to a user: the CLI acts as --as USER (or ARREARS_USER). */
static int open_as_user(cli_args *a, arr_svc **svc) {
  int rc = cli_open_checked(a, svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  if (arr_svc_act_as(*svc, &err) != ARR_OK) {
    arr_svc_close(*svc);
    return cli_fail(&err);
  }
  return 0;
}

int cmd_work_list(cli_args *a) {
  EXPECT_ARGS(0, "work list [--limit N] [--after OFFSET] [--json]  (with --as USER)");
  const char *limit_s = cli_opt_get(a, "limit"), *after_s = cli_opt_get(a, "after");
  long long limit = 50, after = 0;
  if (limit_s != NULL && !parse_int(limit_s, 1, 200, &limit)) {
    return cli_usage("--limit must be 1 to 200, not \"%s\"", limit_s);
  }
  if (after_s != NULL && !parse_int(after_s, 0, INT32_MAX, &after)) {
    return cli_usage("--after must be an offset, not \"%s\"", after_s);
  }
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = open_as_user(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_work_queue(svc, after, (int)limit, &out, &err);
  return finish(svc, r, &err, out, as_json, print_summaries);
}

static void print_next(json_t *s) {
  json_t *wrap = json_pack("{s:[O]}", "items", s);
  print_summaries(wrap);
  json_decref(wrap);
}

int cmd_work_next(cli_args *a) {
  EXPECT_ARGS(0, "work next [--json]  (with --as USER)");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = open_as_user(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_work_next(svc, &out, &err);
  return finish(svc, r, &err, out, as_json, print_next);
}

static void print_audit(json_t *o) {
  size_t i;
  json_t *e;
  json_array_foreach(json_object_get(o, "items"), i, e) {
    char *detail = json_dumps(json_object_get(e, "detail"), JSON_COMPACT);
    printf("%6lld %s %-16s %-24s %s %s %s\n",
           (long long)json_integer_value(json_object_get(e, "id")),
           json_string_value(json_object_get(e, "at")),
           json_string_value(json_object_get(e, "actor")),
           json_string_value(json_object_get(e, "action")),
           json_string_value(json_object_get(e, "entity")),
           json_string_value(json_object_get(e, "entity_id")), detail ? detail : "");
    free(detail);
  }
}

int cmd_audit_list(cli_args *a) {
  EXPECT_ARGS(0, "audit list [--action A] [--entity E] [--entity-id ID] [--limit N] "
                 "[--before ID] [--json]");
  const char *limit_s = cli_opt_get(a, "limit"), *before_s = cli_opt_get(a, "before");
  long long limit = 50, before = 0;
  if (limit_s != NULL && !parse_int(limit_s, 1, 200, &limit)) {
    return cli_usage("--limit must be 1 to 200, not \"%s\"", limit_s);
  }
  if (before_s != NULL && !parse_int(before_s, 0, INT64_MAX, &before)) {
    return cli_usage("--before must be an audit event id, not \"%s\"", before_s);
  }
  const char *action = cli_opt_get(a, "action"), *entity = cli_opt_get(a, "entity"),
             *entity_id = cli_opt_get(a, "entity-id");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_audit_list(svc, action, entity, entity_id, -1, before, (int)limit,
                                &out, &err);
  return finish(svc, r, &err, out, as_json, print_audit);
}
