/*
 * commands_letters.c — `letters run|list|pdf|returned|preview`, `agency show|set` and
 * `template list|show|check|save`: the letters run a scheduler starts after the nightly
 * batch, the record of what was mailed, and the admins' tools for what letters say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"

/* Writes bytes to path through a temporary file and a rename. */
static int write_out(const char *path, const unsigned char *data, size_t len) {
  char tmp[4200];
  if (strlen(path) > 4000) {
    return cli_usage("--out: %s", "the path is too long");
  }
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *fp = fopen(tmp, "wb");
  bool ok = fp != NULL && fwrite(data, 1, len, fp) == len;
  ok = fp != NULL && fclose(fp) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    fprintf(stderr, "arrears: %s: %s\n", path, strerror(errno));
    unlink(tmp);
    return 1;
  }
  return 0;
}

int cmd_letters_run(cli_args *a) {
  EXPECT_ARGS(0, "letters run --as-of DATE --out DIR [--json]");
  const char *as_of = cli_opt_get(a, "as-of"), *dir = cli_opt_get(a, "out");
  bool as_json = cli_flag(a, "json");
  if (as_of == NULL || dir == NULL) {
    return cli_usage("letters run needs --as-of DATE and --out DIR%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_letters_run(svc, as_of, dir, &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
#define N(k) (long long)json_integer_value(json_object_get(out, k))
    printf("letters %s: %lld due; %lld letters and %lld emails made (%lld emails "
           "failed), %lld made before, %lld not due again yet, %lld skipped\n"
           "manifest: %s (%lld letters)\nskipped: %s\n",
           as_of, N("due"), N("letters"), N("emails_sent"), N("emails_failed"),
           N("already_made"), N("not_due"), N("skipped"),
           json_string_value(json_object_get(out, "manifest")), N("manifest_rows"),
           json_string_value(json_object_get(out, "skipped_file")));
#undef N
  }
  json_decref(out);
  return 0;
}

int cmd_letters_list(cli_args *a) {
  if (a->nargs > 1) {
    return cli_usage(
        "usage: arrears %s",
        "letters list ACCOUNT | --as-of DATE [--after ID] [--limit N] [--json]");
  }
  const char *as_of = cli_opt_get(a, "as-of");
  bool as_json = cli_flag(a, "json");
  int limit = 0, after = 0;
  if (!cli_int_opt(a, "limit", 1, 1000, &limit) ||
      !cli_int_opt(a, "after", 0, 2147483647, &after)) {
    return 2;
  }
  if ((a->nargs == 1) == (as_of != NULL)) {
    return cli_usage("letters list needs an ACCOUNT or --as-of DATE (not both)%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = a->nargs == 1 ? arr_svc_letters_of_account(svc, a->args[0], &out, &err)
                           : arr_svc_letters_of_date(svc, as_of, after > 0 ? after : 0,
                                                     limit > 0 ? limit : 100, &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *l;
    json_array_foreach(out, i, l) {
      printf("%-8lld %-8lld %-6s %-24s %-2s %-10s %-9s %s\n",
             (long long)json_integer_value(json_object_get(l, "id")),
             (long long)json_integer_value(json_object_get(l, "account_id")),
             json_string_value(json_object_get(l, "channel")),
             json_string_value(json_object_get(l, "template")),
             json_string_value(json_object_get(l, "language")),
             json_string_value(json_object_get(l, "sent_on")),
             json_string_value(json_object_get(l, "status")),
             json_string_value(json_object_get(l, "recipient")));
    }
  }
  json_decref(out);
  return 0;
}

static bool parse_id(const char *s, int64_t *id) {
  char *end = NULL;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (errno != 0 || end == s || *end != '\0' || v <= 0) {
    return false;
  }
  *id = v;
  return true;
}

int cmd_letters_pdf(cli_args *a) {
  EXPECT_ARGS(1, "letters pdf ID --out FILE");
  const char *path = cli_opt_get(a, "out");
  int64_t id = 0;
  if (!parse_id(a->args[0], &id) || path == NULL) {
    return cli_usage("letters pdf needs a letter ID and --out FILE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  unsigned char *pdf = NULL;
  size_t len = 0;
  arr_rc x = arr_svc_letter_pdf(svc, id, &pdf, &len, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  rc = write_out(path, pdf, len);
  free(pdf);
  return rc;
}

int cmd_letters_preview(cli_args *a) {
  EXPECT_ARGS(1, "letters preview ACCOUNT --template NAME [--language en|es] --out FILE");
  const char *name = cli_opt_get(a, "template"), *path = cli_opt_get(a, "out");
  const char *lang = cli_opt_get(a, "language");
  if (name == NULL || path == NULL) {
    return cli_usage("letters preview needs --template NAME and --out FILE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  unsigned char *pdf = NULL;
  size_t len = 0;
  arr_rc x = arr_svc_letter_preview(svc, a->args[0], name, lang, &pdf, &len, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  rc = write_out(path, pdf, len);
  free(pdf);
  return rc;
}

int cmd_letters_returned(cli_args *a) {
  EXPECT_ARGS(1, "letters returned ID [--date DATE] [--reason R] [--json]");
  const char *date = cli_opt_get(a, "date"), *reason = cli_opt_get(a, "reason");
  bool as_json = cli_flag(a, "json");
  int64_t id = 0;
  if (!parse_id(a->args[0], &id)) {
    return cli_usage("letters returned needs a letter ID, not \"%s\"", a->args[0]);
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_letter_returned(svc, id, date, reason, &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    json_t *trace = json_object_get(out, "skip_trace_id");
    printf("letter %lld: %s on %s; the %s is marked %s%s\n", (long long)id,
           json_string_value(json_object_get(out, "status")),
           json_string_value(json_object_get(out, "returned_on")),
           strcmp(json_string_value(json_object_get(out, "channel")), "email") == 0
               ? "email address"
               : "address",
           json_string_value(json_object_get(out, "status")),
           json_is_integer(trace) ? "; the account goes to skip tracing" : "");
  }
  json_decref(out);
  return 0;
}

int cmd_agency_show(cli_args *a) {
  EXPECT_ARGS(0, "agency show [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_agency_show(svc, &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    const char *k;
    json_t *v;
    json_object_foreach(out, k, v) {
      printf("%-12s %s\n", k, json_string_value(v));
    }
  }
  json_decref(out);
  return 0;
}

int cmd_agency_set(cli_args *a) {
  EXPECT_ARGS(2, "agency set FIELD VALUE");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc x = arr_svc_agency_set(svc, a->args[0], a->args[1], &err);
  arr_svc_close(svc);
  return x != ARR_OK ? cli_fail(&err) : 0;
}

int cmd_template_list(cli_args *a) {
  EXPECT_ARGS(0, "template list [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_templates_list(svc, &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *t;
    json_array_foreach(out, i, t) {
      long long v = (long long)json_integer_value(json_object_get(t, "version"));
      long long every = (long long)json_integer_value(json_object_get(t, "repeat_days"));
      printf("%-24s %s  version %-3lld %-13s %s\n",
             json_string_value(json_object_get(t, "name")),
             json_string_value(json_object_get(t, "language")), v,
             json_string_value(json_object_get(t, "kind")),
             every ? "repeats" : "once per trigger");
    }
  }
  json_decref(out);
  return 0;
}

int cmd_template_show(cli_args *a) {
  EXPECT_ARGS(1, "template show NAME --language en|es [--version V] [--json]");
  const char *lang = cli_opt_get(a, "language");
  bool as_json = cli_flag(a, "json");
  int version = 0;
  if (!cli_int_opt(a, "version", 0, 1000000, &version)) {
    return 2;
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_template_show(svc, a->args[0], lang != NULL ? lang : "en", version,
                                   &out, &err);
  arr_svc_close(svc);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    fputs(json_string_value(json_object_get(out, "text")), stdout);
  }
  json_decref(out);
  return 0;
}

/* template check / save: reads --file into *buf (the caller frees it); *path names it. */
static int with_template_file(cli_args *a, const char **path, char **buf) {
  *path = cli_opt_get(a, "file");
  if (*path == NULL) {
    return cli_usage("--file F is required%s", "");
  }
  const char *why = NULL;
  *buf = cli_read_text_file(*path, 65536, &why);
  if (*buf == NULL) {
    fprintf(stderr, "arrears: %s %s\n", *path, why);
    return 1;
  }
  return 0;
}

int cmd_template_check(cli_args *a) {
  EXPECT_ARGS(0, "template check --file F");
  const char *path = NULL;
  char *buf = NULL;
  int rc = with_template_file(a, &path, &buf);
  arr_svc *svc = NULL;
  rc = rc == 0 ? cli_open_checked(a, &svc) : rc;
  if (rc != 0) {
    free(buf);
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_template_check(svc, buf, &out, &err);
  arr_svc_close(svc);
  free(buf);
  if (x != ARR_OK) {
    fprintf(stderr, "arrears: %s: %s\n", path, err.msg);
    return 1;
  }
  printf("%s: a %s letter, %s; nothing saved\n", path,
         json_string_value(json_object_get(out, "kind")),
         json_integer_value(json_object_get(out, "repeat_days")) ? "repeating" : "once");
  json_decref(out);
  return 0;
}

int cmd_template_save(cli_args *a) {
  EXPECT_ARGS(1, "template save NAME --language en|es --file F [--note N] [--json]");
  const char *lang = cli_opt_get(a, "language"), *note = cli_opt_get(a, "note");
  bool as_json = cli_flag(a, "json");
  const char *path = NULL;
  char *buf = NULL;
  int rc = with_template_file(a, &path, &buf);
  arr_svc *svc = NULL;
  rc = rc == 0 ? cli_open_checked(a, &svc) : rc;
  if (rc != 0) {
    free(buf);
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc x = arr_svc_template_save(svc, a->args[0], lang != NULL ? lang : "", buf, note,
                                   &out, &err);
  arr_svc_close(svc);
  free(buf);
  if (x != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    printf("template %s (%s): version %lld saved\n", a->args[0], lang,
           (long long)json_integer_value(json_object_get(out, "version")));
  }
  json_decref(out);
  return 0;
}
