/*
 * payfile.h — the payment file CSV (client_account, amount, date, method, reference).
 *
 * Header required, names case-insensitive; the first four columns are required,
 * reference optional; other columns are an error (a payment file is a money file:
 * unexpected columns mean the sender's layout changed and a human must look). Pure.
 *
 * amount: arr_money_parse, must be > 0. date: YYYY-MM-DD, not after today. method:
 * cash, check, card, ach (case-insensitive). reference: 0..64 bytes, printable.
 */
#ifndef ARR_PAYFILE_H
#define ARR_PAYFILE_H

#include <stdint.h>

#include "core/date.h"
#include "core/err.h"
#include "formats/csv.h"
#include "formats/placement.h"

typedef enum {
  ARR_PAY_CASH,
  ARR_PAY_CHECK,
  ARR_PAY_CARD,
  ARR_PAY_ACH,
  ARR_PAY_METHOD_COUNT
} arr_pay_method;
const char *arr_pay_method_name(arr_pay_method m);
bool arr_pay_method_parse(const char *s, size_t len, arr_pay_method *out);

typedef struct {
  int col_client_account, col_amount, col_date, col_method, col_reference; /* -1 absent */
  size_t ncols;
} arr_payfile_header;

arr_rc arr_payfile_header_parse(const arr_csv_record *rec, arr_payfile_header *h,
                                arr_err *err);

typedef struct {
  arr_str client_account;
  int64_t amount_cents;
  arr_date date;
  arr_pay_method method;
  arr_str reference; /* may be empty */
} arr_payfile_row;

/* Same error shape as arr_placement_parse: "line L: field NAME: reason". */
arr_rc arr_payfile_parse(const arr_payfile_header *h, const arr_csv_record *rec,
                         arr_date today, arr_payfile_row *row, arr_err *err);

#endif
