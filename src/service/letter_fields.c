/*
 * letter_fields.c — what a letter is made from: the agency's profile (settings
 * "agency.*"), the templates (the builtin files, version 0, and the admins' saved
 * versions), the fields filled from an account, and rendering a filled letter to PDF.
 *
 * A letter row keeps its fields as JSON and its template version, and rendering is
 * deterministic (the PDF's dates come from the mail date), so a letter's PDF can be
 * made again at any time, byte for byte, instead of being stored.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "formats/letter_pdf.h"
#include "service/internal.h"
#include "service/letter_builtin.h"
#include "service/letters_internal.h"
static const char *const AGENCY_KEYS[] = {"name",    "street",      "city_line",
                                          "phone",   "hours",       "email",
                                          "website", "dispute_url", NULL};
enum { AGENCY_REQUIRED = 5 }; /* the first five keys: a letter cannot go without them */

int svc_field_index(const char *name) {
  for (int i = 0; ARR_LETTER_FIELDS[i] != NULL; i++) {
    if (strcmp(ARR_LETTER_FIELDS[i], name) == 0) {
      return i;
    }
  }
  return -1;
}

void svc_fields_set(svc_fields *f, const char *name, const char *value) {
  int i = svc_field_index(name);
  assert(i >= 0);
  svc_strcpy(f->v[i], sizeof f->v[i], value != NULL ? value : "");
}

const char *svc_fields_get(const svc_fields *f, const char *name) {
  int i = svc_field_index(name);
  return i >= 0 ? f->v[i] : "";
}

const char *svc_fields_lookup(void *ctx, const char *name) {
  const char *v = svc_fields_get(ctx, name);
  return v[0] != '\0' ? v : NULL;
}

json_t *svc_fields_json(const svc_fields *f) {
  json_t *o = json_object();
  for (int i = 0; ARR_LETTER_FIELDS[i] != NULL; i++) {
    /* The opt-out link carries a secret token: it is in the email alone. */
    if (f->v[i][0] != '\0' && strcmp(ARR_LETTER_FIELDS[i], "optout.url") != 0) {
      json_object_set_new(o, ARR_LETTER_FIELDS[i], json_string(f->v[i]));
    }
  }
  return o;
}

arr_rc svc_fields_from_json(svc_fields *f, const char *text, arr_err *err) {
  memset(f, 0, sizeof *f);
  json_t *o = json_loads(text, 0, NULL);
  if (!json_is_object(o)) {
    json_decref(o);
    return arr_err_set(err, ARR_ERR_INTEGRITY, "a letter's stored fields are not JSON");
  }
  const char *k;
  json_t *v;
  json_object_foreach(o, k, v) {
    if (json_is_string(v) && svc_field_index(k) >= 0) {
      svc_fields_set(f, k, json_string_value(v));
    }
  }
  json_decref(o);
  return ARR_OK;
}

/* ---- formatting in the letter's language ---- */

void svc_money_text(int64_t cents, char *buf, size_t cap) {
  char plain[ARR_MONEY_FMT_MAX];
  arr_money_format(cents < 0 ? -cents : cents, plain);
  const char *dot = strchr(plain, '.');
  size_t whole = (size_t)(dot - plain);
  char out[64];
  size_t o = 0;
  if (cents < 0) {
    out[o++] = '-';
  }
  out[o++] = '$';
  for (size_t i = 0; i < whole; i++) {
    if (i > 0 && (whole - i) % 3 == 0) {
      out[o++] = ',';
    }
    out[o++] = plain[i];
  }
  snprintf(out + o, sizeof out - o, "%s", dot);
  svc_strcpy(buf, cap, out);
}

void svc_date_text(arr_date d, const char *lang, char *buf, size_t cap) {
  static const char *const EN[] = {"January",   "February", "March",    "April",
                                   "May",       "June",     "July",     "August",
                                   "September", "October",  "November", "December"};
  static const char *const ES[] = {"enero",      "febrero", "marzo",     "abril",
                                   "mayo",       "junio",   "julio",     "agosto",
                                   "septiembre", "octubre", "noviembre", "diciembre"};
  if (d == ARR_DATE_NONE) {
    buf[0] = '\0';
    return;
  }
  int y = 0, m = 0, day = 0;
  arr_date_to_ymd(d, &y, &m, &day);
  if (strcmp(lang, "es") == 0) {
    snprintf(buf, cap, "%d de %s de %d", day, ES[m - 1], y);
  } else {
    snprintf(buf, cap, "%s %d, %d", EN[m - 1], day, y);
  }
}

static const char *frequency_text(const char *freq, const char *lang) {
  static const char *const F[][3] = {{"weekly", "every week", "cada semana"},
                                     {"biweekly", "every two weeks", "cada dos semanas"},
                                     {"semimonthly", "twice a month", "dos veces al mes"},
                                     {"monthly", "every month", "cada mes"}};
  for (size_t i = 0; i < sizeof F / sizeof F[0]; i++) {
    if (strcmp(F[i][0], freq) == 0) {
      return strcmp(lang, "es") == 0 ? F[i][2] : F[i][1];
    }
  }
  return freq;
}

arr_date svc_validation_end(arr_date mailed) {
  /* 1006.34(b)(5): assumed receipt 5 days after mailing, not counting Saturdays,
   * Sundays and federal holidays; then at least 30 days. */
  return arr_date_add_business_days(mailed, 5) + 30;
}

/* ---- the agency ---- */

static arr_rc agency_get(arr_svc *svc, const char *key, char *buf, size_t cap,
                         arr_err *err) {
  char k[64];
  snprintf(k, sizeof k, "agency.%s", key);
  bool found = false;
  arr_rc rc = arr_store_setting_get(svc->db, k, buf, cap, &found, err);
  if (rc == ARR_OK && !found) {
    buf[0] = '\0';
  }
  return rc;
}

arr_rc svc_agency_fields(arr_svc *svc, svc_fields *f, arr_err *err) {
  for (int i = 0; AGENCY_KEYS[i] != NULL; i++) {
    char v[256];
    arr_rc rc = agency_get(svc, AGENCY_KEYS[i], v, sizeof v, err);
    if (rc != ARR_OK) {
      return rc;
    }
    if (i < AGENCY_REQUIRED && v[0] == '\0') {
      return arr_err_field(err, ARR_ERR_REFUSED, AGENCY_KEYS[i],
                           "the agency's %s is not set; letters carry it (set it with "
                           "`arrears agency set %s VALUE`)",
                           AGENCY_KEYS[i], AGENCY_KEYS[i]);
    }
    char name[64];
    snprintf(name, sizeof name, "agency.%s", AGENCY_KEYS[i]);
    svc_fields_set(f, name, v);
  }
  return ARR_OK;
}

arr_rc arr_svc_agency_show(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rc rc = arr_db_begin_read(svc->db, err);
  if (rc != ARR_OK) {
    return rc;
  }
  json_t *o = json_object();
  for (int i = 0; rc == ARR_OK && AGENCY_KEYS[i] != NULL; i++) {
    char v[256];
    rc = agency_get(svc, AGENCY_KEYS[i], v, sizeof v, err);
    svc_set_str(o, AGENCY_KEYS[i], v);
  }
  arr_db_commit(svc->db, NULL);
  if (rc != ARR_OK) {
    json_decref(o);
    return rc;
  }
  *out = o;
  return ARR_OK;
}

arr_rc arr_svc_agency_set(arr_svc *svc, const char *key, const char *value,
                          arr_err *err) {
  static const char *const ADMINS[] = {"admin", NULL};
  arr_rc rc = arr_svc_require(svc, "changing the agency's profile", ADMINS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  int k = -1;
  for (int i = 0; key != NULL && AGENCY_KEYS[i] != NULL; i++) {
    k = strcmp(AGENCY_KEYS[i], key) == 0 ? i : k;
  }
  if (k < 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "key",
                         "\"%s\" is not an agency field (name, street, city_line, phone, "
                         "hours, email, website, dispute_url)",
                         key != NULL ? key : "");
  }
  size_t len = value != NULL ? strlen(value) : 0;
  if (len > 200) {
    return arr_err_field(err, ARR_ERR_INVALID, key, "%s is at most 200 bytes", key);
  }
  for (size_t i = 0; i < len; i++) {
    if ((unsigned char)value[i] < 0x20 || value[i] == 0x7f) {
      return arr_err_field(err, ARR_ERR_INVALID, key,
                           "%s may not hold control characters or line breaks", key);
    }
  }
  if (len == 0 && k < AGENCY_REQUIRED) {
    return arr_err_field(err, ARR_ERR_INVALID, key, "%s may not be empty", key);
  }
  rc = svc_begin(svc, err);
  char name[64], old[256] = "";
  snprintf(name, sizeof name, "agency.%s", key);
  if (rc == ARR_OK) {
    rc = agency_get(svc, key, old, sizeof old, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_setting_put(svc->db, name, len ? value : "", err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(
        svc, "agency.set", "agency", 0,
        json_pack("{s:s,s:s,s:s}", "key", key, "old", old, "new", len ? value : ""), err);
  }
  if (rc == ARR_OK) {
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

/* ---- templates ---- */

static const arr_builtin_template *builtin(const char *name, const char *lang) {
  for (int i = 0; i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    if (strcmp(b->name, name) == 0 && strcmp(b->language, lang) == 0) {
      return b;
    }
  }
  return NULL;
}

bool svc_template_known(const char *name) {
  return builtin(name, "en") != NULL;
}

arr_rc svc_template_text(arr_svc *svc, const char *name, const char *lang,
                         int64_t version, char **text, int64_t *version_out,
                         arr_err *err) {
  const arr_builtin_template *b = builtin(name, lang);
  if (b == NULL) {
    return arr_err_field(err, ARR_ERR_NOTFOUND, "template",
                         "no letter template \"%s\" in language \"%s\"", name, lang);
  }
  if (version != 0) {
    arr_template_row row;
    arr_err e2;
    arr_rc rc = arr_store_template_get(svc->db, name, lang, version, &row, text, &e2);
    if (rc == ARR_OK) {
      *version_out = row.version;
      return ARR_OK;
    }
    if (rc != ARR_ERR_NOTFOUND) {
      *err = e2;
      return rc;
    }
    if (version > 0) {
      return arr_err_field(err, ARR_ERR_NOTFOUND, "version",
                           "template %s (%s) has no version %lld", name, lang,
                           (long long)version);
    }
  }
  *text = strndup(b->text, b->text_len);
  *version_out = 0;
  return *text != NULL ? ARR_OK : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
}

arr_rc svc_template_load(arr_svc *svc, const char *name, const char *lang,
                         int64_t version, arr_letter_template **t, int64_t *version_out,
                         arr_err *err) {
  char *text = NULL;
  arr_rc rc = svc_template_text(svc, name, lang, version, &text, version_out, err);
  if (rc == ARR_OK) {
    rc = arr_template_parse(text, strlen(text), ARR_LETTER_FIELDS, t, err);
    if (rc != ARR_OK) {
      char msg[ARR_ERR_MSG_MAX];
      snprintf(msg, sizeof msg, "%s", err->msg);
      rc = arr_err_field(err, rc, "template", "template %s (%s) version %lld: %s", name,
                         lang, (long long)*version_out, msg);
    }
  }
  free(text);
  return rc;
}

/* ---- filling ---- */

/* "****1234": the creditor's account number may be truncated (1006.34(c)(2)(iv)). */
static void truncated_number(const char *acct, char *buf, size_t cap) {
  size_t n = strlen(acct);
  snprintf(buf, cap, "****%s", n > 4 ? acct + n - 4 : acct);
}

static void join_street(const arr_address *a, char *buf, size_t cap) {
  if (a->line2[0] != '\0') {
    snprintf(buf, cap, "%s, %s", a->line1, a->line2);
  } else {
    svc_strcpy(buf, cap, a->line1);
  }
}

arr_rc svc_letter_fields(arr_svc *svc, const svc_letter_subject *s, arr_date mailed,
                         svc_fields *f, arr_err *err) {
  const char *lang = s->language;
  char buf[256];
  arr_rc rc = svc_agency_fields(svc, f, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_date_text(mailed, lang, buf, sizeof buf);
  svc_fields_set(f, "letter.date", buf);
  const arr_debtor *d = &s->debtor;
  snprintf(buf, sizeof buf, "%s%s%s %s%s%s", d->first_name, d->middle_name[0] ? " " : "",
           d->middle_name, d->last_name, d->suffix[0] ? " " : "", d->suffix);
  svc_fields_set(f, "debtor.name", buf);
  if (s->address != NULL) {
    join_street(s->address, buf, sizeof buf);
    svc_fields_set(f, "debtor.street", buf);
    snprintf(buf, sizeof buf, "%s, %s %s", s->address->city, s->address->state,
             s->address->zip);
    svc_fields_set(f, "debtor.city_line", buf);
  }
  const arr_account *a = &s->account;
  snprintf(buf, sizeof buf, "%lld", (long long)a->id);
  svc_fields_set(f, "account.reference", buf);
  truncated_number(a->client_account, buf, sizeof buf);
  svc_fields_set(f, "account.number", buf);
  arr_client c;
  rc = arr_store_client_by_id(svc->db, a->client_id, &c, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_fields_set(f, "creditor.current", c.name);
  svc_fields_set(f, "creditor.original",
                 a->original_creditor[0] != '\0' ? a->original_creditor : c.name);
  arr_itemization it;
  rc = svc_itemization(svc, a, &it, err);
  if (rc != ARR_OK) {
    return rc;
  }
  svc_date_text(it.date, lang, buf, sizeof buf);
  svc_fields_set(f, "itemization.date", buf);
  struct {
    const char *name;
    int64_t cents;
  } money[] = {{"itemization.amount", it.amount_cents},
               {"itemization.interest", it.interest_cents},
               {"itemization.fees", it.fees_cents},
               {"itemization.payments", it.payments_cents + it.credits_cents},
               {"itemization.current", it.current_cents},
               {"balance.current", it.current_cents}};
  for (size_t i = 0; i < sizeof money / sizeof money[0]; i++) {
    svc_money_text(money[i].cents, buf, sizeof buf);
    svc_fields_set(f, money[i].name, buf);
  }
  svc_date_text(svc_validation_end(mailed), lang, buf, sizeof buf);
  svc_fields_set(f, "validation.end_date", buf);
  /* The most recent posted payment (an account has few; the first 256 are read). */
  enum { PAYS = 256 };
  arr_payment *pays = malloc(sizeof *pays * PAYS);
  if (pays == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int np = 0;
  rc = arr_store_payment_list(svc->db, a->id, pays, PAYS, &np, err);
  const arr_payment *last = NULL;
  for (int i = 0; rc == ARR_OK && i < np; i++) {
    if (strcmp(pays[i].status, "posted") == 0 &&
        (last == NULL || pays[i].effective_on >= last->effective_on)) {
      last = &pays[i];
    }
  }
  if (last != NULL) {
    svc_money_text(last->amount_cents, buf, sizeof buf);
    svc_fields_set(f, "payment.amount", buf);
    svc_date_text(last->effective_on, lang, buf, sizeof buf);
    svc_fields_set(f, "payment.date", buf);
  }
  free(pays);
  return rc;
}

arr_rc svc_letter_plan_fields(arr_svc *svc, int64_t plan_id, const char *lang,
                              svc_fields *f, arr_err *err) {
  arr_plan p;
  arr_rc rc = arr_store_plan_get(svc->db, plan_id, &p, err);
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAXI = 64 };
  arr_plan_installment *is = malloc(sizeof *is * MAXI);
  if (is == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_installments(svc->db, plan_id, is, MAXI, &n, err);
  char buf[128];
  if (rc == ARR_OK) {
    svc_money_text(p.total_cents, buf, sizeof buf);
    svc_fields_set(
        f, strcmp(p.kind, "settlement") == 0 ? "settlement.amount" : "plan.total", buf);
    svc_money_text(p.balance_cents - p.total_cents, buf, sizeof buf);
    svc_fields_set(f, "settlement.savings", buf);
    svc_date_text(p.expires_on != ARR_DATE_NONE ? p.expires_on : p.first_due_on, lang,
                  buf, sizeof buf);
    svc_fields_set(f, "settlement.due", buf);
    snprintf(buf, sizeof buf, "%d", p.installments);
    svc_fields_set(f, "plan.count", buf);
    svc_fields_set(f, "plan.frequency", frequency_text(p.frequency, lang));
    svc_date_text(p.first_due_on, lang, buf, sizeof buf);
    svc_fields_set(f, "plan.first_due", buf);
    for (int i = 0; i < n; i++) {
      if (strcmp(is[i].status, "pending") == 0 || strcmp(is[i].status, "partial") == 0) {
        svc_date_text(is[i].inst.due_on, lang, buf, sizeof buf);
        svc_fields_set(f, "plan.next_due", buf);
        break;
      }
    }
    /* The regular installment: the last one's amount (a down payment comes first). */
    if (n > 0) {
      svc_money_text(is[n - 1].inst.amount_cents, buf, sizeof buf);
      svc_fields_set(f, "plan.installment", buf);
    }
  }
  free(is);
  return rc;
}

/* ---- rendering ---- */

arr_rc svc_letter_render(const arr_letter_template *t, const svc_fields *f,
                         const char *lang, arr_date mailed, unsigned char **pdf,
                         size_t *len, int *pages, arr_err *err) {
  arr_letter_doc *doc = NULL;
  arr_rc rc = arr_template_fill(t, svc_fields_lookup, (void *)f, &doc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  bool es = strcmp(lang, "es") == 0;
  char reference[96], footer[96];
  snprintf(reference, sizeof reference, "%s %s", es ? "Referencia" : "Reference",
           svc_fields_get(f, "account.reference"));
  snprintf(footer, sizeof footer, "%s %s", es ? "Carta" : "Letter",
           svc_fields_get(f, "letter.id"));
  arr_letter_layout lay;
  memset(&lay, 0, sizeof lay);
  const char *sender[] = {"agency.name", "agency.street", "agency.city_line",
                          "agency.phone", "agency.hours"};
  for (size_t i = 0; i < sizeof sender / sizeof sender[0]; i++) {
    lay.sender[lay.nsender++] = svc_fields_get(f, sender[i]);
  }
  const char *to[] = {"debtor.name", "debtor.street", "debtor.city_line"};
  for (size_t i = 0; i < sizeof to / sizeof to[0]; i++) {
    lay.recipient[lay.nrecipient++] = svc_fields_get(f, to[i]);
  }
  lay.date_line = svc_fields_get(f, "letter.date");
  lay.reference = reference;
  lay.footer = footer;
  lay.language = lang;
  lay.created_unix = (int64_t)mailed * 86400 + 12 * 3600;
  rc = arr_letter_pdf(&lay, doc, pdf, len, pages, err);
  arr_letter_doc_free(doc);
  return rc;
}
