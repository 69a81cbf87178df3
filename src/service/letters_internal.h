/*
 * letters_internal.h — shared between letter_fields.c (what a letter is made from)
 * and letters.c (the letters run, returned mail, listings). Private to src/service.
 */
#ifndef ARR_LETTERS_INTERNAL_H
#define ARR_LETTERS_INTERNAL_H

#include "formats/letter_template.h"
#include "service/letter_builtin.h"
#include "service/internal.h"

/* Field values are kept by position in ARR_LETTER_FIELDS (formats/letter_template.h). */
enum { SVC_FIELDS_MAX = ARR_LETTER_FIELD_COUNT, SVC_FIELD_BYTES = 256 };

/* A letter's field values, by position in ARR_LETTER_FIELDS; "" = empty. */
typedef struct {
  char v[SVC_FIELDS_MAX][SVC_FIELD_BYTES];
} svc_fields;

int svc_field_index(const char *name); /* -1 when unknown */
/* name must be a known field (asserted); value NULL = empty; truncated to fit. */
void svc_fields_set(svc_fields *f, const char *name, const char *value);
const char *svc_fields_get(const svc_fields *f, const char *name);
/* An arr_field_lookup over a svc_fields (ctx): NULL for an empty field. */
const char *svc_fields_lookup(void *ctx, const char *name);
/* The non-empty fields as a JSON object (without the opt-out link). */
json_t *svc_fields_json(const svc_fields *f);
arr_rc svc_fields_from_json(svc_fields *f, const char *text, arr_err *err);

/* "$1,234.56"; "November 23, 2026" or "23 de noviembre de 2026" ("" for none). */
void svc_money_text(int64_t cents, char *buf, size_t cap);
void svc_date_text(arr_date d, const char *lang, char *buf, size_t cap);
/* The validation period's end for a notice mailed on `mailed` (1006.34(b)(5)). */
arr_date svc_validation_end(arr_date mailed);

/* The agency.* fields; ARR_ERR_REFUSED naming the first required one not set. */
arr_rc svc_agency_fields(arr_svc *svc, svc_fields *f, arr_err *err);

/* Whether name is a builtin template (every template exists as a builtin). */
bool svc_template_known(const char *name);
/* The text of a template: version < 0 the newest saved (or the builtin when none is
 * saved), 0 the builtin, > 0 that saved version. *text is malloc'd. */
arr_rc svc_template_text(arr_svc *svc, const char *name, const char *lang,
                         int64_t version, char **text, int64_t *version_out,
                         arr_err *err);
/* The same, parsed. */
arr_rc svc_template_load(arr_svc *svc, const char *name, const char *lang,
                         int64_t version, arr_letter_template **t, int64_t *version_out,
                         arr_err *err);

/* Whom and what a letter is about. address NULL: none on file. */
typedef struct {
  arr_account account;
  arr_debtor debtor;
  const arr_address *address;
  const char *language; /* "en" or "es" */
} svc_letter_subject;
/* Fills the agency, letter date, debtor, account, creditor, itemization (from the
 * ledger), validation end date, balance and last-payment fields. */
arr_rc svc_letter_fields(arr_svc *svc, const svc_letter_subject *s, arr_date mailed,
                         svc_fields *f, arr_err *err);
/* The plan.* and settlement.* fields of a plan or settlement. */
arr_rc svc_letter_plan_fields(arr_svc *svc, int64_t plan_id, const char *lang,
                              svc_fields *f, arr_err *err);
/* Fills t with f and renders the PDF (deterministic for the same input). */
arr_rc svc_letter_render(const arr_letter_template *t, const svc_fields *f,
                         const char *lang, arr_date mailed, unsigned char **pdf,
                         size_t *len, int *pages, arr_err *err);

#endif
