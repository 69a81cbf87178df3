/*
 * sol.h — statutes of limitations on debt (Reg F 1006.26(b): no suit, and no threat of
 * one, on a time-barred debt): the limitation period in whole years by state and debt
 * category, and a pure function that says when a debt's period expires and whether it
 * has. No I/O, no clock, no allocation; the caller passes the dates and "today".
 *
 * The table is data, not legal advice: data/statute_of_limitations.csv, compiled from
 * the state codes cited in each row, for the agency's counsel to review (rows whose
 * notes say "verify" are unconfirmed), generated into sol_data.c by scripts/gen-sol.
 * See docs/SOL.md. Where a period depends on facts the table cannot see (a negotiable
 * note, a written card agreement, a sealed instrument), the table holds the shorter
 * period, so the nightly batch errs toward marking a debt time-barred.
 *
 * What this does not model: tolling (absence from the state, bankruptcy stays),
 * revival by a payment or a written acknowledgment (which varies by state, and which
 * several states forbid), borrowing statutes and choice-of-law clauses, and accrual
 * rules other than the start date chosen below. Those are counsel's calls per account.
 */
#ifndef ARR_SOL_H
#define ARR_SOL_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"

/* The columns of the table, in CSV order. */
typedef enum {
  ARR_SOL_WRITTEN,
  ARR_SOL_ORAL,
  ARR_SOL_PROMISSORY,
  ARR_SOL_OPEN_ACCOUNT,
  ARR_SOL_SALE_OF_GOODS,
  ARR_SOL_CATEGORIES
} arr_sol_category;

/* "written_contract", "oral_contract", "promissory_note", "open_account",
 * "sale_of_goods" (the CSV column names); "unknown" for anything else. */
const char *arr_sol_category_name(arr_sol_category c);

typedef struct {
  bool known;       /* a start date exists so a period could be computed */
  bool no_limit;    /* federal student loans (20 U.S.C. 1091a(a)): no limitation period */
  bool state_known; /* false: state missing or not in the table; the shortest period
                       across all states for that category was used */
  int years;        /* 0 when no_limit */
  arr_sol_category category;
  const char *state;    /* the table row's state, or NULL */
  const char *citation; /* the row's citation; for an unknown state or no_limit, a
                           fixed text saying what was used instead (never NULL) */
  arr_date starts_on;   /* later of last_payment and first_delinquency (ARR_DATE_NONE
                           = absent); if both absent, charge_off; if all absent
                           ARR_DATE_NONE and known = false */
  arr_date expires_on;  /* starts_on + years calendar years (Feb 29 -> Feb 28);
                           ARR_DATE_NONE when !known or no_limit */
  bool time_barred;     /* known && !no_limit && as_of >= expires_on */
} arr_sol_status;

/* The category a debt type (SPEC account_type) falls under, and why:
 *   credit_card, medical, utility, telecom -> open_account: running accounts billed
 *       per period, which the state codes treat as accounts. A written card agreement
 *       can make a card a written contract in some states, but the account period is
 *       never the longer of the two in the table, so this errs short.
 *   auto -> sale_of_goods: a retail installment sale of a vehicle (and the deficiency
 *       after repossession) is a contract for the sale of goods, UCC 2-725. In AK, DC,
 *       DE, MD, MS, NC, NH and SC that period (4) is longer than the written-contract
 *       one (3); which of the two governs such a contract is for counsel (docs/SOL.md).
 *   student_loan (private) -> written_contract: a signed credit agreement. A federal
 *       student loan has no limitation period at all (federal_student_loan below).
 *   personal_loan -> promissory_note: an installment loan evidenced by a note.
 *   other, unknown, empty or NULL -> the SHORTEST of the state's categories: when the
 *       category cannot be told, the debt is treated as barred after the shortest
 *       period that could apply, never after a longer one (ties: the first in enum
 *       order is reported).
 * Type names match case-insensitively (ASCII).
 *
 * Evaluates one debt. state: two-letter code, any case (NULL or unknown -> the
 * shortest period across all states, state_known = false). debt_type: as above.
 * federal_student_loan: a federal (HEA Title IV) loan; no period applies whatever the
 * debt type says. Dates: ARR_DATE_NONE when absent. as_of: the day the question is
 * asked (an absent as_of is never barred). Always fills *out completely. */
void arr_sol_evaluate(const char *state, const char *debt_type, bool federal_student_loan,
                      arr_date last_payment, arr_date first_delinquency,
                      arr_date charge_off, arr_date as_of, arr_sol_status *out);

/* The table, for listing in the CLI/API. Sorted by state code, one row per code. */
typedef struct {
  const char *state; /* two-letter upper-case code */
  int8_t years[ARR_SOL_CATEGORIES];
  const char *citation;
  const char *notes;
} arr_sol_row;

const arr_sol_row *arr_sol_table(int *n);
/* Case-insensitive two-letter code; NULL if unknown (or NULL, or not two letters). */
const arr_sol_row *arr_sol_row_of(const char *state);

/* Generated by scripts/gen-sol into sol_data.c; use arr_sol_table() instead. */
extern const arr_sol_row arr_sol_rows[];
extern const int arr_sol_row_count;

#endif
