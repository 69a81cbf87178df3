/*
 * money.h — exact money: int64 minor units (cents), strict parsing and formatting.
 *
 * No floating point anywhere on a money path. Parsing is strict because amounts come
 * from clients' files and a silently misread amount is money lost: "1234.56", "1234.5",
 * "1234", "-12.00", "0.07" are accepted; "1,234.56", "12.345", "1.2.3", " 12", "12 ",
 * "+5", ".5", "5.", "", "1e3", "$5" and anything beyond ±ARR_MONEY_MAX_CENTS are rejected
 * with a reason. Pure: no I/O, no allocation.
 */
#ifndef ARR_MONEY_H
#define ARR_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Largest magnitude accepted from input: 10^15 cents (ten trillion dollars). Keeping
 * headroom below INT64_MAX means sums of millions of amounts cannot overflow silently
 * before the checked adders see them. */
#define ARR_MONEY_MAX_CENTS INT64_C(1000000000000000)

typedef enum {
  ARR_MONEY_OK = 0,
  ARR_MONEY_EMPTY,     /* nothing to parse */
  ARR_MONEY_SYNTAX,    /* not digits[.d[d]] with optional leading '-' */
  ARR_MONEY_PRECISION, /* more than two decimal places */
  ARR_MONEY_OVERFLOW,  /* magnitude above ARR_MONEY_MAX_CENTS */
  ARR_MONEY_NEGATIVE,  /* a '-' where the caller allowed only >= 0 */
} arr_money_status;

/* Parses s[0..len) into *out_cents. allow_negative=false makes a leading '-' an
 * ARR_MONEY_NEGATIVE error ("-0.00" included). *out_cents is written only on OK. */
arr_money_status arr_money_parse(const char *s, size_t len, bool allow_negative,
                                 int64_t *out_cents);

/* Reason text for a status, e.g. "has more than two decimal places". */
const char *arr_money_status_str(arr_money_status st);

/* Formats cents as "-1234.56" (no grouping, always two decimals). buf must hold at
 * least ARR_MONEY_FMT_MAX bytes; returns the length written (excluding NUL). Works for
 * every int64 value including INT64_MIN. */
#define ARR_MONEY_FMT_MAX 32
size_t arr_money_format(int64_t cents, char *buf);

/* Checked arithmetic: return false (and leave *out untouched) on int64 overflow. */
bool arr_money_add(int64_t a, int64_t b, int64_t *out);
bool arr_money_sub(int64_t a, int64_t b, int64_t *out);

/* Parses a non-negative percentage with up to 4 decimal places ("5", "5.25",
 * "18.9999") into units of 1/10000 percent ("5.25" -> 52500), range 0..1000 percent.
 * Same strictness as money (no spaces, signs, commas, exponents). Returns false with
 * *why set to a reason on error. Writes *out_pct_e4 only on success. */
bool arr_pct_parse(const char *s, size_t len, int64_t *out_pct_e4, const char **why);
/* Formats units of 1/10000 percent as "5.25" (trailing zeros trimmed, at least no
 * decimals for whole numbers: "5"); buf needs 32 bytes; returns length. */
size_t arr_pct_format(int64_t pct_e4, char *buf);

#endif
