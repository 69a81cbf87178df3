/*
 * commands_compliance.c — `contact check`, `account event` and `compliance rules|rule`:
 * the command-line side of the compliance engine (service/compliance.c).
 */
#include <stdio.h>
#include <strings.h>
#include <string.h>

#include "cli/cli.h"

int cmd_contact_check(cli_args *a) {
  EXPECT_ARGS(1, "contact check ACCOUNT --channel call|sms|email|letter|visit [--to T] "
                 "--at TIME [--autodial] [--threatens-suit] [--json]");
  arr_check_request q = {
      a->args[0],           cli_opt_get(a, "channel"), cli_opt_get(a, "to"),
      cli_opt_get(a, "at"), cli_flag(a, "autodial"),   cli_flag(a, "threatens-suit")};
  bool as_json = cli_flag(a, "json");
  if (q.channel == NULL) {
    return cli_usage("contact check needs --channel%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_contact_check(svc, &q, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    bool ok = json_is_true(json_object_get(out, "allowed"));
    printf("%s\n", ok ? "allowed" : "not allowed");
    size_t i;
    json_t *reason;
    json_array_foreach(json_object_get(out, "reasons"), i, reason) {
      printf("  %s: %s (%s)\n", json_string_value(json_object_get(reason, "code")),
             json_string_value(json_object_get(reason, "message")),
             json_string_value(json_object_get(reason, "citation")));
    }
    json_t *next = json_object_get(out, "next_allowed_at");
    if (!ok) {
      printf("next allowed: %s\n",
             json_is_string(next) ? json_string_value(next) : "not by waiting");
    }
  }
  json_decref(out);
  return 0;
}

int cmd_account_event(cli_args *a) {
  EXPECT_ARGS(1, "account event ACCOUNT --type TYPE --at TIME [--note TEXT] "
                 "[--hours HH:MM-HH:MM] [--release]");
  arr_event_request q = {a->args[0],
                         cli_opt_get(a, "type"),
                         cli_opt_get(a, "at"),
                         cli_opt_get(a, "note"),
                         cli_opt_get(a, "hours"),
                         cli_flag(a, "release")};
  if (q.type == NULL) {
    return cli_usage("account event needs --type TYPE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  int64_t id = 0;
  arr_rc r = arr_svc_account_event(svc, &q, &id, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (q.release) {
    printf("%s released on account %s\n", q.type, q.account);
  } else {
    printf("event %lld recorded: %s on account %s\n", (long long)id, q.type, q.account);
  }
  return 0;
}

int cmd_account_itemization(cli_args *a) {
  EXPECT_ARGS(1, "account itemization ACCOUNT --basis last_statement|charge_off|"
                 "last_payment|transaction|judgment [--date DATE]");
  const char *basis = cli_opt_get(a, "basis"), *date = cli_opt_get(a, "date");
  if (basis == NULL) {
    return cli_usage("account itemization needs --basis BASIS%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_itemization_set(svc, a->args[0], basis, date, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("account %s: itemization date basis %s\n", a->args[0], basis);
  return 0;
}

int cmd_compliance_statutes(cli_args *a) {
  EXPECT_ARGS(0, "compliance statutes [--state XX] [--json]");
  bool as_json = cli_flag(a, "json");
  const char *state = cli_opt_get(a, "state");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_statutes(svc, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  json_t *items = json_object_get(out, "items");
  if (state != NULL) {
    json_t *kept = json_array();
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) {
      if (strcasecmp(json_string_value(json_object_get(row, "state")), state) == 0) {
        json_array_append(kept, row);
      }
    }
    if (json_array_size(kept) == 0) {
      json_decref(kept);
      json_decref(out);
      fprintf(stderr, "arrears: no statute-of-limitations row for state \"%s\"\n", state);
      return 1;
    }
    json_object_set_new(out, "items", kept);
    items = kept;
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    printf("state  written  oral  note  account  goods  citation\n");
    size_t i;
    json_t *row;
    json_array_foreach(items, i, row) {
      json_t *y = json_object_get(row, "years");
      printf("%-5s  %7lld  %4lld  %4lld  %7lld  %5lld  %s\n",
             json_string_value(json_object_get(row, "state")),
             (long long)json_integer_value(json_object_get(y, "written_contract")),
             (long long)json_integer_value(json_object_get(y, "oral_contract")),
             (long long)json_integer_value(json_object_get(y, "promissory_note")),
             (long long)json_integer_value(json_object_get(y, "open_account")),
             (long long)json_integer_value(json_object_get(y, "sale_of_goods")),
             json_string_value(json_object_get(row, "citation")));
    }
  }
  json_decref(out);
  return 0;
}

int cmd_compliance_rules(cli_args *a) {
  EXPECT_ARGS(0, "compliance rules [--json]");
  bool as_json = cli_flag(a, "json");
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_compliance_rules(svc, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    size_t i;
    json_t *rule;
    json_array_foreach(json_object_get(out, "items"), i, rule) {
      printf("%-22s %-4s %-3s %s\n    %s\n",
             json_string_value(json_object_get(rule, "id")),
             json_string_value(json_object_get(rule, "jurisdiction")),
             json_is_true(json_object_get(rule, "enabled")) ? "on" : "off",
             json_string_value(json_object_get(rule, "citation")),
             json_string_value(json_object_get(rule, "title")));
    }
  }
  json_decref(out);
  return 0;
}

int cmd_compliance_rule(cli_args *a) {
  EXPECT_ARGS(1, "compliance rule RULE-ID --on|--off");
  bool on = cli_flag(a, "on"), off = cli_flag(a, "off");
  if (on == off) {
    return cli_usage("compliance rule needs exactly one of --on and --off%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  arr_rc r = arr_svc_compliance_rule_set(svc, a->args[0], on, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  printf("rule %s %s\n", a->args[0], on ? "on" : "off");
  return 0;
}

/* CSV text of a field: quoted when it holds a comma, quote or line break. */
static void csv_field(const char *v, bool last) {
  if (strpbrk(v, ",\"\r\n") != NULL) {
    putchar('"');
    for (const char *p = v; *p != '\0'; p++) {
      if (*p == '"') {
        putchar('"');
      }
      putchar(*p);
    }
    putchar('"');
  } else {
    fputs(v, stdout);
  }
  putchar(last ? '\n' : ',');
}

int cmd_compliance_report(cli_args *a) {
  EXPECT_ARGS(0, "compliance report --from DATE --to DATE [--json|--csv]");
  const char *from = cli_opt_get(a, "from"), *to = cli_opt_get(a, "to");
  bool as_json = cli_flag(a, "json"), as_csv = cli_flag(a, "csv");
  if (from == NULL || to == NULL) {
    return cli_usage("compliance report needs --from DATE and --to DATE%s", "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_compliance_report(svc, from, to, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else if (as_csv) {
    printf(
        "contact_id,account_id,client,client_account,at,channel,outcome,actor,reasons\n");
    size_t i;
    json_t *v;
    json_array_foreach(json_object_get(out, "listed"), i, v) {
      char num[2][24];
      snprintf(num[0], sizeof num[0], "%lld",
               (long long)json_integer_value(json_object_get(v, "contact_id")));
      snprintf(num[1], sizeof num[1], "%lld",
               (long long)json_integer_value(json_object_get(v, "account_id")));
      csv_field(num[0], false);
      csv_field(num[1], false);
      static const char *const F[] = {"client",  "client_account", "at",
                                      "channel", "outcome",        "actor"};
      for (int k = 0; k < 6; k++) {
        csv_field(json_string_value(json_object_get(v, F[k])), false);
      }
      char reasons[256] = "";
      size_t j;
      json_t *code;
      json_array_foreach(json_object_get(v, "reasons"), j, code) {
        size_t used = strlen(reasons);
        snprintf(reasons + used, sizeof reasons - used, "%s%s", j ? ";" : "",
                 json_string_value(code));
      }
      csv_field(reasons, true);
    }
  } else {
    printf("%s to %s: %lld contacts checked, %lld broke a rule\n", from, to,
           (long long)json_integer_value(json_object_get(out, "contacts_checked")),
           (long long)json_integer_value(json_object_get(out, "violations")));
    const char *code;
    json_t *count;
    json_object_foreach(json_object_get(out, "violations_by_reason"), code, count) {
      printf("  %-22s %lld\n", code, (long long)json_integer_value(count));
    }
  }
  json_decref(out);
  return 0;
}
