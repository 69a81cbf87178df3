/*
 * cli.h — shared pieces of the command line: parsed arguments, option lookup, the
 * service context, and the command handlers (one per `arrears <group> <verb>`).
 */
#ifndef ARR_CLI_H
#define ARR_CLI_H

#include <jansson.h>
#include <stdbool.h>

#include "service/service.h"

#define CLI_MAX_POS 16
#define CLI_MAX_OPTS 32

typedef struct {
  char name[48];
  const char *value; /* NULL for flags */
  bool used;
} cli_opt;

typedef struct {
  const char *pos[CLI_MAX_POS];
  int npos;
  cli_opt opt[CLI_MAX_OPTS];
  int nopt;
  const char **args; /* positional arguments after the command words */
  int nargs;
} cli_args;

const char *cli_opt_get(cli_args *a, const char *name); /* marks it used */
bool cli_flag(cli_args *a, const char *name);
/* --name as a whole number in lo..hi into *out (-1 when absent); false after printing
 * "--name must be a whole number from lo to hi" (the caller exits 2). */
bool cli_int_opt(cli_args *a, const char *name, long lo, long hi, int *out);
int cli_check_unused(cli_args *a); /* 2 with a message if an option was not consumed */
int cli_usage(const char *fmt, const char *arg);
int cli_fail(const arr_err *err);
void cli_svc_options(cli_args *a, arr_svc_options *o);
int cli_open(cli_args *a, arr_svc **svc);
/* Reads the global options (--db, --key-file, --as), refuses any option the command
 * did not read (exit 2), then opens the service context. */
int cli_open_checked(cli_args *a, arr_svc **svc);

/* In a command handler: a usage error unless exactly n positional arguments. */
#define EXPECT_ARGS(n, usage)                                                            \
  do {                                                                                   \
    if (a->nargs != (n)) {                                                               \
      return cli_usage("usage: arrears %s", usage);                                      \
    }                                                                                    \
  } while (0)
void cli_print_json(json_t *j);
/* The whole of a text file of at most max bytes (malloc'd, NUL-terminated), or NULL
 * with *why "cannot be opened" / "is too large". */
char *cli_read_text_file(const char *path, size_t max, const char **why);

int cmd_init(cli_args *a);
int cmd_demo(cli_args *a);
int cmd_client_add(cli_args *a);
int cmd_client_list(cli_args *a);
int cmd_import_placements(cli_args *a);
int cmd_import_payments(cli_args *a);
int cmd_account_show(cli_args *a);
int cmd_account_list(cli_args *a);
int cmd_account_adjust(cli_args *a);
int cmd_pay(cli_args *a);
int cmd_payment_reverse(cli_args *a);
int cmd_note_add(cli_args *a);
int cmd_audit_verify(cli_args *a);
int cmd_address_add(cli_args *a);
int cmd_phone_add(cli_args *a);
int cmd_email_add(cli_args *a);
int cmd_address_update(cli_args *a);
int cmd_phone_update(cli_args *a);
int cmd_email_update(cli_args *a);
int cmd_email_test(cli_args *a);
int cmd_letters_run(cli_args *a);
int cmd_letters_list(cli_args *a);
int cmd_letters_pdf(cli_args *a);
int cmd_letters_returned(cli_args *a);
int cmd_letters_preview(cli_args *a);
int cmd_agency_show(cli_args *a);
int cmd_agency_set(cli_args *a);
int cmd_template_list(cli_args *a);
int cmd_template_show(cli_args *a);
int cmd_template_check(cli_args *a);
int cmd_template_save(cli_args *a);
int cmd_user_add(cli_args *a);
int cmd_user_passwd(cli_args *a);
int cmd_user_role(cli_args *a);
int cmd_user_token(cli_args *a);
int cmd_user_list(cli_args *a);
int cmd_serve(cli_args *a);
int cmd_account_search(cli_args *a);
int cmd_contact_log(cli_args *a);
int cmd_work_list(cli_args *a);
int cmd_work_next(cli_args *a);
int cmd_audit_list(cli_args *a);
int cmd_contact_check(cli_args *a);
int cmd_account_event(cli_args *a);
int cmd_account_itemization(cli_args *a);
int cmd_compliance_statutes(cli_args *a);
int cmd_plan_create(cli_args *a);
int cmd_plan_list(cli_args *a);
int cmd_promise_add(cli_args *a);
int cmd_settlement_offer(cli_args *a);
int cmd_settlement_accept(cli_args *a);
int cmd_approval_list(cli_args *a);
int cmd_approval_approve(cli_args *a);
int cmd_approval_reject(cli_args *a);
int cmd_arrangements_monitor(cli_args *a);
int cmd_client_limits(cli_args *a);
int cmd_statement_add(cli_args *a);
int cmd_statement_show(cli_args *a);
int cmd_extension_request(cli_args *a);
int cmd_batch_run(cli_args *a);
int cmd_batch_status(cli_args *a);
int cmd_batch_actions(cli_args *a);
int cmd_strategy_save(cli_args *a);
int cmd_strategy_check(cli_args *a);
int cmd_strategy_assign(cli_args *a);
int cmd_strategy_list(cli_args *a);
int cmd_strategy_show(cli_args *a);
int cmd_strategy_report(cli_args *a);
int cmd_score_train(cli_args *a);
int cmd_compliance_rules(cli_args *a);
int cmd_compliance_rule(cli_args *a);
int cmd_compliance_report(cli_args *a);
int cmd_correspondence_add(cli_args *a);
int cmd_correspondence_list(cli_args *a);
int cmd_correspondence_show(cli_args *a);
int cmd_correspondence_get(cli_args *a);
int cmd_correspondence_classify(cli_args *a);

#endif
