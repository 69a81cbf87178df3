/*
 * main.c — the `arrears` command line: parse, call one service function, render.
 *
 * Options may appear anywhere after the program name (`arrears --db X pay 5 10.00` and
 * `arrears pay 5 10.00 --db X` are the same). Flags without a value are listed in
 * FLAGS; every other `--name` takes the next argument as its value (or `--name=value`).
 * Exit codes: 0 success, 1 refused or failed (message on stderr), 2 usage error.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

static const char *const FLAGS[] = {
    "json",           "reveal",   "help", "release", "quiet", "secure-cookies",
    "password-stdin", "autodial", "on",   "off",     "csv",   "threatens-suit"};

static const char USAGE[] =
    "usage: arrears <command> [options]\n"
    "\n"
    "  init                                  create or migrate the database and key\n"
    "  demo [--accounts N] [--seed S]        fill an empty database with a demo "
    "portfolio\n"
    "  client add CODE --name NAME [--commission-pct P] [--allocation-order ORDER]\n"
    "  client list [--json]\n"
    "  import placements FILE --client CODE [--rejects FILE] [--json]\n"
    "  import payments FILE --client CODE [--rejects FILE] [--json]\n"
    "  account show ACCOUNT [--as-of DATE] [--reveal] [--json]  (--reveal: supervisor,\n"
    "                                        compliance or admin, via --as USER)\n"
    "  account list [--client CODE] [--status S] [--limit N] [--after ID] [--json]\n"
    "  account adjust ACCOUNT --bucket B --amount AMOUNT --reason TEXT\n"
    "  pay ACCOUNT AMOUNT [--method cash|check|card|ach] [--date DATE] [--ref R] [--key "
    "K]\n"
    "  payment reverse PAYMENT_ID --reason nsf|chargeback|stop_payment|error\n"
    "  note add ACCOUNT TEXT\n"
    "  address add ACCOUNT --line1 L [--line2 L] --city C --state S --zip Z [--source "
    "S]\n"
    "  phone add ACCOUNT NUMBER [--type T] [--consent granted|revoked|unknown] [--source "
    "S]\n"
    "  email add ACCOUNT ADDRESS [--consent C] [--source S]\n"
    "  address|phone|email update ID [--status S] [--consent C] [--source S]\n"
    "  email test ACCOUNT --to ADDRESS [--json]   a test message through "
    "ARREARS_SMTP_URL\n"
    "  audit verify [--json]\n"
    "  user add USERNAME --name NAME --role "
    "collector|supervisor|compliance|admin|client\n"
    "           [--client CODE]                   (role client only)\n"
    "  user passwd USERNAME [--password-stdin]\n"
    "  user role USERNAME ROLE [--client CODE]\n"
    "  user token USERNAME --name NAME       an API token for integrations (shown once)\n"
    "  user list [--json]\n"
    "  account search TEXT [--limit N] [--json]   name, account number, phone, SSN last "
    "4\n"
    "  contact log ACCOUNT --channel call|sms|email|letter|visit [--to T] [--at TIME]\n"
    "           --outcome O [--reason R] [--note N] [--promise-amount A --promise-on "
    "DATE]\n"
    "  work list|next [--json]               the work queue of --as USER\n"
    "  contact check ACCOUNT --channel C [--to T] --at TIME [--autodial] "
    "[--threatens-suit]\n"
    "           [--json]\n"
    "  account event ACCOUNT --type TYPE --at TIME [--note N] [--hours HH:MM-HH:MM]\n"
    "           [--release]                  facts that change what may be done\n"
    "  account itemization ACCOUNT --basis last_statement|charge_off|last_payment|\n"
    "           transaction|judgment [--date DATE]   the itemization date, chosen once\n"
    "  compliance rules [--json] | compliance rule RULE-ID --on|--off\n"
    "  compliance statutes [--state XX] [--json]   statutes of limitations by state\n"
    "  compliance report --from DATE --to DATE [--json|--csv]   contacts that broke a "
    "rule\n"
    "  client limits CODE [--min-installment A] [--max-months N] [--settlement-floor-pct "
    "P]\n"
    "           [--grace-days N]             what collectors may agree without approval\n"
    "  plan create ACCOUNT --total A --frequency weekly|biweekly|semimonthly|monthly\n"
    "           --count N --first DATE [--down A] [--authorization ach|card] [--json]\n"
    "  plan list ACCOUNT [--json]            plans and settlements, with history\n"
    "  promise add ACCOUNT --amount A --on DATE\n"
    "  statement add ACCOUNT --file F.json   the debtor's financial statement (a "
    "version)\n"
    "  statement show ACCOUNT [--json]       affordability and the suggested options\n"
    "  settlement offer ACCOUNT --amount A --due DATE [--expires DATE] [--json]\n"
    "  settlement accept PLAN_ID [--json]\n"
    "  extension request PLAN_ID --kind due_date|re_age --to DATE --reason R\n"
    "           a credit extension; always waits for a supervisor\n"
    "  approval list [--status S] [--json] | approval approve|reject ID [--note N]\n"
    "  arrangements monitor [--as-of DATE] [--json]   kept, partial, broken; settle\n"
    "  batch run --as-of DATE [--chunk N] [--workers N] [--json] [--quiet]\n"
    "                                       the nightly batch (workers: PostgreSQL)\n"
    "  batch status [--as-of DATE] [--json]   a run's state and checkpoint\n"
    "  batch actions --as-of DATE [--kind K] [--after ID] [--limit N] [--json]\n"
    "                                       letters due, skip traces, holds (paged)\n"
    "  letters run --as-of DATE --out DIR [--json]   letters and emails due: PDFs,\n"
    "                                       manifest-DATE.csv, skipped-DATE.csv\n"
    "  letters list ACCOUNT | --as-of DATE [--after ID] [--limit N] [--json]\n"
    "  letters pdf ID --out FILE            a letter's PDF, rendered again\n"
    "  letters returned ID [--date DATE] [--reason R]   returned mail or a bounce\n"
    "  letters preview ACCOUNT --template NAME [--language en|es] --out FILE\n"
    "  agency show [--json] | agency set FIELD VALUE   the profile letters carry\n"
    "  template list [--json] | show NAME --language L [--version V] [--json]\n"
    "  template check --file F | save NAME --language L --file F [--note N]\n"
    "  strategy save --file F [--note N] | check --file F | list | show ID\n"
    "  strategy report --from D --to D   liquidation by version and arm in the period\n"
    "  strategy assign --champion ID [--challenger ID --pct N]   (0: the built-in one)\n"
    "  score train [--as-of DATE] [--holdout-pct N] [--json]   propensity model, AUC\n"
    "  correspondence add ACCOUNT --channel mail|email|fax|upload --received DATE\n"
    "           [--kind K] [--subject S] [--file PATH [--content-type T]]\n"
    "           [--text-file PATH] [--json]   inbound mail filed (a dispute or cease "
    "holds)\n"
    "  correspondence list ACCOUNT [--limit N] [--after ID] [--json] | show ID [--json]\n"
    "  correspondence get ID --out PATH | classify ID --kind K   its document; its kind\n"
    "  audit list [--action A] [--entity E] [--entity-id ID] [--limit N] [--before ID]\n"
    "  serve [--listen ADDR:PORT] [--config FILE] [--threads N] [--static DIR]\n"
    "        [--letters-dir DIR]\n"
    "        [--access-log FILE|-|off] [--secure-cookies] [--max-body-bytes N]\n"
    "        [--max-upload-bytes N]\n"
    "        [--timeout S] [--connection-limit N] [--drain S]\n"
    "\n"
    "ACCOUNT is an id or CLIENT:CLIENT_ACCOUNT. Global options: --db URL (or "
    "ARREARS_DB;\n"
    "default sqlite:arrears.db), --key-file PATH (or ARREARS_KEY_FILE), --as USER (or\n"
    "ARREARS_USER). Exit codes: 0 ok, 1 refused or failed, 2 usage error.\n";

static bool is_flag(const char *name) {
  for (size_t i = 0; i < sizeof FLAGS / sizeof FLAGS[0]; i++) {
    if (strcmp(name, FLAGS[i]) == 0) {
      return true;
    }
  }
  return false;
}

int cli_usage(const char *fmt, const char *arg) {
  fprintf(stderr, "arrears: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(run `arrears --help` for usage)\n");
  return 2;
}

static int parse_args(int argc, char **argv, cli_args *a) {
  memset(a, 0, sizeof *a);
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    if (strcmp(s, "--") == 0) {
      for (i++; i < argc && a->npos < CLI_MAX_POS; i++) {
        a->pos[a->npos++] = argv[i];
      }
      break;
    }
    if (strncmp(s, "--", 2) == 0 && s[2] != '\0') {
      if (a->nopt >= CLI_MAX_OPTS) {
        return cli_usage("too many options%s", "");
      }
      cli_opt *o = &a->opt[a->nopt++];
      const char *eq = strchr(s + 2, '=');
      if (eq != NULL) {
        snprintf(o->name, sizeof o->name, "%.*s", (int)(eq - s - 2), s + 2);
        o->value = eq + 1;
      } else {
        snprintf(o->name, sizeof o->name, "%s", s + 2);
        /* --on is a flag for `compliance rule ID --on` and takes a date in `promise add
         * ACCOUNT --on DATE` (both SPEC.md names): a value follows when the next word
         * is not an option. */
        bool optional_value = strcmp(o->name, "on") == 0 && i + 1 < argc &&
                              strncmp(argv[i + 1], "--", 2) != 0;
        if (optional_value) {
          o->value = argv[++i];
        } else if (!is_flag(o->name)) {
          if (i + 1 >= argc) {
            return cli_usage("option --%s needs a value", o->name);
          }
          o->value = argv[++i];
        }
      }
      continue;
    }
    if (a->npos >= CLI_MAX_POS) {
      return cli_usage("too many arguments%s", "");
    }
    a->pos[a->npos++] = s;
  }
  return 0;
}

const char *cli_opt_get(cli_args *a, const char *name) {
  for (int i = 0; i < a->nopt; i++) {
    if (strcmp(a->opt[i].name, name) == 0) {
      a->opt[i].used = true;
      return a->opt[i].value != NULL ? a->opt[i].value : "";
    }
  }
  return NULL;
}

bool cli_int_opt(cli_args *a, const char *name, long lo, long hi, int *out) {
  const char *s = cli_opt_get(a, name);
  *out = -1;
  if (s == NULL) {
    return true;
  }
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (s[0] == '\0' || *end != '\0' || v < lo || v > hi) {
    char msg[96];
    snprintf(msg, sizeof msg, "--%s must be a whole number from %ld to %ld", name, lo,
             hi);
    cli_usage("%s", msg);
    return false;
  }
  *out = (int)v;
  return true;
}

bool cli_flag(cli_args *a, const char *name) {
  return cli_opt_get(a, name) != NULL;
}

int cli_check_unused(cli_args *a) {
  for (int i = 0; i < a->nopt; i++) {
    if (!a->opt[i].used) {
      return cli_usage("unknown option --%s for this command", a->opt[i].name);
    }
  }
  return 0;
}

int cli_fail(const arr_err *err) {
  fprintf(stderr, "arrears: %s\n", err->msg);
  return err->rc == ARR_ERR_USAGE ? 2 : 1;
}

void cli_svc_options(cli_args *a, arr_svc_options *o) {
  memset(o, 0, sizeof *o);
  o->db_url = cli_opt_get(a, "db");
  o->key_file = cli_opt_get(a, "key-file");
  o->actor = cli_opt_get(a, "as");
}

int cli_open(cli_args *a, arr_svc **svc) {
  arr_svc_options o;
  cli_svc_options(a, &o);
  arr_err err;
  arr_err_clear(&err);
  if (arr_svc_open(&o, svc, &err) != ARR_OK) {
    return cli_fail(&err);
  }
  return 0;
}

int cli_open_checked(cli_args *a, arr_svc **svc) {
  arr_svc_options o;
  cli_svc_options(a, &o); /* marks the global options used */
  int rc = cli_check_unused(a);
  return rc != 0 ? rc : cli_open(a, svc);
}

void cli_print_json(json_t *j) {
  char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s != NULL) {
    puts(s);
    free(s);
  }
}

typedef struct {
  const char *group, *verb;
  int (*fn)(cli_args *a);
} command;

static const command COMMANDS[] = {
    {"init", NULL, cmd_init},
    {"demo", NULL, cmd_demo},
    {"client", "add", cmd_client_add},
    {"client", "list", cmd_client_list},
    {"import", "placements", cmd_import_placements},
    {"import", "payments", cmd_import_payments},
    {"account", "show", cmd_account_show},
    {"account", "list", cmd_account_list},
    {"account", "adjust", cmd_account_adjust},
    {"pay", NULL, cmd_pay},
    {"payment", "reverse", cmd_payment_reverse},
    {"note", "add", cmd_note_add},
    {"audit", "verify", cmd_audit_verify},
    {"address", "add", cmd_address_add},
    {"address", "update", cmd_address_update},
    {"phone", "add", cmd_phone_add},
    {"phone", "update", cmd_phone_update},
    {"email", "add", cmd_email_add},
    {"email", "update", cmd_email_update},
    {"email", "test", cmd_email_test},
    {"user", "add", cmd_user_add},
    {"user", "passwd", cmd_user_passwd},
    {"user", "role", cmd_user_role},
    {"user", "token", cmd_user_token},
    {"user", "list", cmd_user_list},
    {"serve", NULL, cmd_serve},
    {"account", "search", cmd_account_search},
    {"contact", "log", cmd_contact_log},
    {"work", "list", cmd_work_list},
    {"work", "next", cmd_work_next},
    {"audit", "list", cmd_audit_list},
    {"contact", "check", cmd_contact_check},
    {"account", "event", cmd_account_event},
    {"account", "itemization", cmd_account_itemization},
    {"compliance", "rules", cmd_compliance_rules},
    {"compliance", "statutes", cmd_compliance_statutes},
    {"plan", "create", cmd_plan_create},
    {"plan", "list", cmd_plan_list},
    {"promise", "add", cmd_promise_add},
    {"settlement", "offer", cmd_settlement_offer},
    {"settlement", "accept", cmd_settlement_accept},
    {"approval", "list", cmd_approval_list},
    {"approval", "approve", cmd_approval_approve},
    {"approval", "reject", cmd_approval_reject},
    {"arrangements", "monitor", cmd_arrangements_monitor},
    {"client", "limits", cmd_client_limits},
    {"statement", "add", cmd_statement_add},
    {"statement", "show", cmd_statement_show},
    {"extension", "request", cmd_extension_request},
    {"letters", "run", cmd_letters_run},
    {"letters", "list", cmd_letters_list},
    {"letters", "pdf", cmd_letters_pdf},
    {"letters", "returned", cmd_letters_returned},
    {"letters", "preview", cmd_letters_preview},
    {"agency", "show", cmd_agency_show},
    {"agency", "set", cmd_agency_set},
    {"template", "list", cmd_template_list},
    {"template", "show", cmd_template_show},
    {"template", "check", cmd_template_check},
    {"template", "save", cmd_template_save},
    {"batch", "run", cmd_batch_run},
    {"batch", "status", cmd_batch_status},
    {"batch", "actions", cmd_batch_actions},
    {"strategy", "save", cmd_strategy_save},
    {"strategy", "check", cmd_strategy_check},
    {"strategy", "assign", cmd_strategy_assign},
    {"strategy", "list", cmd_strategy_list},
    {"strategy", "show", cmd_strategy_show},
    {"strategy", "report", cmd_strategy_report},
    {"score", "train", cmd_score_train},
    {"compliance", "rule", cmd_compliance_rule},
    {"compliance", "report", cmd_compliance_report},
    {"correspondence", "add", cmd_correspondence_add},
    {"correspondence", "list", cmd_correspondence_list},
    {"correspondence", "show", cmd_correspondence_show},
    {"correspondence", "get", cmd_correspondence_get},
    {"correspondence", "classify", cmd_correspondence_classify},
};

int main(int argc, char **argv) {
  cli_args a;
  int rc = parse_args(argc, argv, &a);
  if (rc != 0) {
    return rc;
  }
  if (a.npos == 0 || cli_flag(&a, "help") || strcmp(a.pos[0], "help") == 0) {
    fputs(USAGE, a.npos == 0 && !cli_flag(&a, "help") ? stderr : stdout);
    return a.npos == 0 && !cli_flag(&a, "help") ? 2 : 0;
  }
  for (size_t i = 0; i < sizeof COMMANDS / sizeof COMMANDS[0]; i++) {
    const command *c = &COMMANDS[i];
    if (strcmp(a.pos[0], c->group) != 0) {
      continue;
    }
    if (c->verb == NULL) {
      a.args = &a.pos[1];
      a.nargs = a.npos - 1;
      return c->fn(&a);
    }
    if (a.npos >= 2 && strcmp(a.pos[1], c->verb) == 0) {
      a.args = &a.pos[2];
      a.nargs = a.npos - 2;
      return c->fn(&a);
    }
  }
  if (a.npos >= 2) {
    fprintf(stderr, "arrears: unknown command \"%s %s\"\n", a.pos[0], a.pos[1]);
  } else {
    fprintf(stderr, "arrears: unknown command \"%s\"\n", a.pos[0]);
  }
  fputs(USAGE, stderr);
  return 2;
}
