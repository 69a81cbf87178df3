/*
 * commands_email.c — `arrears email test ACCOUNT --to ADDR`: one test message through
 * the configured SMTP server (ARREARS_SMTP_*, see README), with an opt-out link, to an
 * address on file for the account's debtor, when the compliance engine allows an
 * email now. For checking an SMTP setup end to end (service/email.c).
 */
#include <stdio.h>

#include "cli/cli.h"

int cmd_email_test(cli_args *a) {
  EXPECT_ARGS(1, "email test ACCOUNT --to ADDRESS [--json]");
  const char *to = cli_opt_get(a, "to");
  bool as_json = cli_flag(a, "json");
  if (to == NULL || to[0] == '\0') {
    return cli_usage("email test needs --to ADDRESS (an email on file for the "
                     "account)%s",
                     "");
  }
  arr_svc *svc = NULL;
  int rc = cli_open_checked(a, &svc);
  if (rc != 0) {
    return rc;
  }
  arr_err err;
  json_t *out = NULL;
  arr_rc r = arr_svc_email_test(svc, a->args[0], to, &out, &err);
  arr_svc_close(svc);
  if (r != ARR_OK) {
    return cli_fail(&err);
  }
  if (as_json) {
    cli_print_json(out);
  } else {
    printf("test email sent to %s (account %lld), Message-ID <%s>\n",
           json_string_value(json_object_get(out, "to")),
           (long long)json_integer_value(json_object_get(out, "account_id")),
           json_string_value(json_object_get(out, "message_id")));
  }
  json_decref(out);
  return 0;
}
