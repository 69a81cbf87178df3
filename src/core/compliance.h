/*
 * compliance.h — the contact rules engine: a pure function from the debtor's and
 * account's facts, the contact history, the rules table and a proposed contact (with
 * its time) to a decision {allowed, reasons[], next_allowed_at}. No I/O, no clock, no
 * allocation: the caller loads the facts (service layer) and this decides, so a dialer
 * list of a million numbers is filtered in memory.
 *
 * The rules are data (arr_rule): each has a stable id, a citation, a jurisdiction, an
 * on/off switch and its numbers (limits, windows, hours). ../shared/COMPLIANCE.md is
 * the source; lines marked "(verify)" there are rules an admin can switch off without
 * a code change. Reason codes are the public ones of SPEC.md.
 *
 * Days: "7 consecutive days" are the consumer's local calendar days in the facts'
 * day zone (the address's zone); time of day must hold in every candidate zone.
 */
#ifndef ARR_COMPLIANCE_H
#define ARR_COMPLIANCE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/date.h"
#include "core/tz.h"

typedef enum {
  ARR_CH_CALL,
  ARR_CH_SMS,
  ARR_CH_EMAIL,
  ARR_CH_LETTER,
  ARR_CH_VISIT,
} arr_channel;

typedef enum {
  ARR_OUT_CONVERSATION, /* right-party contact by phone */
  ARR_OUT_LEFT_MESSAGE,
  ARR_OUT_VOICEMAIL_NO_MESSAGE,
  ARR_OUT_NO_ANSWER,
  ARR_OUT_BUSY,           /* never connected: not counted */
  ARR_OUT_NOT_IN_SERVICE, /* never connected: not counted */
  ARR_OUT_WRONG_NUMBER,
  ARR_OUT_DROPPED,
  ARR_OUT_SENT, /* letters, emails, texts */
} arr_outcome;

typedef enum {
  ARR_LINE_UNKNOWN,
  ARR_LINE_MOBILE,
  ARR_LINE_HOME,
  ARR_LINE_WORK,
  ARR_LINE_OTHER,
} arr_line;

/* Letters a hold still allows: after a written cease, only ones saying collection has
 * ended or a remedy may be invoked; while a dispute is pending, the verification. */
typedef enum {
  ARR_LETTER_COLLECTION, /* any letter asking for payment */
  ARR_LETTER_CEASE_ACK,
  ARR_LETTER_REMEDY,
  ARR_LETTER_VERIFICATION,
} arr_letter_kind;

/* Reason codes (SPEC.md). */
typedef enum {
  ARR_R_CALL_FREQUENCY,
  ARR_R_RECENT_CONVERSATION,
  ARR_R_INCONVENIENT_TIME,
  ARR_R_CEASE_COMMUNICATION,
  ARR_R_ATTORNEY_REPRESENTED,
  ARR_R_DISPUTE_PENDING,
  ARR_R_BANKRUPTCY,
  ARR_R_DECEASED,
  ARR_R_NO_AUTODIAL_CONSENT,
  ARR_R_EMAIL_OPT_OUT,
  ARR_R_SMS_OPT_OUT,
  ARR_R_EMPLOYER_PROHIBITED,
  ARR_R_STATE_CALL_LIMIT,
  ARR_R_BAD_NUMBER,
  ARR_R_BAD_ADDRESS,
  ARR_R_ACCOUNT_CLOSED,
  ARR_R_TIME_BARRED, /* added to SPEC.md's list: suit or its threat on a time-barred debt
                      */
  ARR_R_COUNT
} arr_reason;

const char *arr_reason_code(arr_reason r); /* "CALL_FREQUENCY", ... */

/* What a rule checks; the numbers in arr_rule parameterize it. */
typedef enum {
  ARR_K_TIME_OF_DAY,    /* from_min..to_min local in every zone (stated hours win) */
  ARR_K_CALL_FREQUENCY, /* at most limit calls in window_days (the limit+1th refused) */
  ARR_K_AFTER_CONVERSATION, /* no call for window_days from a conversation's day */
  ARR_K_HOLD_CEASE,
  ARR_K_HOLD_ATTORNEY,
  ARR_K_HOLD_DISPUTE,
  ARR_K_HOLD_BANKRUPTCY,
  ARR_K_HOLD_DECEASED,
  ARR_K_HOLD_CLOSED,
  ARR_K_EMAIL_OPT_OUT,
  ARR_K_SMS_OPT_OUT,
  ARR_K_EMPLOYER,
  ARR_K_AUTODIAL_CONSENT,
  ARR_K_BAD_TARGET,
  ARR_K_STATE_CALLS_PERSONAL, /* state: calls to home/mobile lines, limit per window */
  ARR_K_STATE_CALLS_OTHER,    /* state: calls to other lines, limit per window */
  ARR_K_STATE_COMMUNICATIONS, /* state: calls, texts, emails, letters, limit per window */
  ARR_K_STATE_ATTEMPTS,       /* state: every contact or attempt on any channel */
  ARR_K_STATE_WORK_CALLS,     /* state: calls to work lines, limit per window */
  ARR_K_TIME_BARRED,          /* no suit, and no threat of one, past the limitation */
} arr_rule_kind;

typedef enum {
  ARR_J_US,
  ARR_J_MA,
  ARR_J_WA,
  ARR_J_NYC,
} arr_jurisdiction;

typedef struct {
  const char *id;       /* stable, e.g. "US-REGF-7IN7" */
  const char *citation; /* e.g. "12 CFR 1006.14(b)(2)(i)(A)" */
  const char *title;
  arr_jurisdiction jurisdiction;
  arr_rule_kind kind;
  arr_reason reason;
  bool enabled;
  int32_t limit, window_days; /* counting rules */
  int32_t from_min, to_min;   /* time of day, minutes after local midnight */
} arr_rule;

/* The built-in rules table (federal plus MA, WA, NYC overlays), all switched on; the
 * service copies it and applies the switches stored in the database. */
const arr_rule *arr_compliance_rules(int *n);

enum { ARR_COMPLIANCE_MAX_ZONES = 8, ARR_COMPLIANCE_MAX_REASONS = 8 };

/* One past contact with this person. */
typedef struct {
  arr_time at;
  arr_channel channel;
  arr_outcome outcome;
  arr_line line;    /* calls and texts: the kind of number */
  int64_t debt_key; /* the debt it was about (bundled student loans share a key) */
} arr_past_contact;

/* What is known about the person and the debt at the time of the proposed contact. */
typedef struct {
  const arr_tz *zones[ARR_COMPLIANCE_MAX_ZONES]; /* candidate zones, at least one */
  int nzones;
  int32_t stated_from_min, stated_to_min; /* stated convenient hours; -1 = none */
  bool cease, attorney, dispute_pending, bankruptcy, deceased, closed;
  bool email_opt_out, sms_opt_out, employer_prohibits_calls;
  arr_time consent_at; /* consent to call given (7 days, used up by a conversation); 0 */
  bool in_ma, in_wa, in_nyc;
  bool time_barred; /* past the statute of limitations (core/sol) */
  int64_t debt_key;
} arr_compliance_facts;

typedef struct {
  arr_channel channel;
  arr_time at;
  arr_line line;         /* calls and texts */
  bool target_bad;       /* the number or address is marked bad */
  bool autodial;         /* placed by a dialer (TCPA) */
  bool autodial_consent; /* prior express consent on file for that number */
  bool to_work_address;  /* an email to an employer-provided address */
  arr_letter_kind letter_kind;
  /* The contact threatens suit (a letter or call script saying the debt may be sued
   * on), or is the referral for suit itself. */
  bool threatens_suit;
} arr_proposed_contact;

typedef struct {
  arr_reason code;
  const arr_rule *rule;
} arr_decision_reason;

typedef struct {
  bool allowed;
  arr_decision_reason reasons[ARR_COMPLIANCE_MAX_REASONS];
  int nreasons;
  /* The earliest instant >= the proposed time at which the contact would be allowed;
   * has_next false when no time makes it allowed (a hold, an opt-out). */
  bool has_next;
  arr_time next_allowed_at;
} arr_decision;

/* Decides p against the enabled rules in rules[0..nrules). history may be in any
 * order. Pure: same inputs, same decision. */
void arr_compliance_check(const arr_rule *rules, int nrules,
                          const arr_compliance_facts *f, const arr_past_contact *history,
                          int nhistory, const arr_proposed_contact *p, arr_decision *out);

/* ---- Passive credit reporting, 1006.30(a) ---------------------------------------- */

/* What the passive-reporting rule looks at: a conversation about the debt, and letters
 * or emails sent and returned undeliverable (on their dates). */
typedef enum {
  ARR_PASSIVE_CONVERSATION,
  ARR_PASSIVE_SENT,     /* a letter mailed or an email sent */
  ARR_PASSIVE_RETURNED, /* notice that one was undeliverable */
} arr_passive_kind;

typedef struct {
  arr_passive_kind kind;
  arr_date on;
} arr_passive_event;

/* The first day the debt may be furnished to a credit bureau: the day of a
 * conversation about it; or, after a letter or email sent on day S (day 1 of 14
 * consecutive days) with no notice of undeliverability since, S + 14. A return
 * resets the requirement: only what was sent after the latest return counts.
 * ARR_DATE_NONE when nothing has met the rule yet. *conversation tells which basis
 * (may be NULL). events in any order. */
arr_date arr_passive_reporting_from(const arr_passive_event *events, int n,
                                    bool *conversation);

#endif
