/*
 * letters.c — the letters run, returned mail and bounces, and the letters of an
 * account.
 *
 * `letters run --as-of D --out DIR` makes the letters and emails due on D:
 *  - from the nightly batch's strategy (its `letter NAME` and `email NAME` actions for
 *    D; the batch for D must have finished), each template's `repeat` deciding whether
 *    it is due again;
 *  - from what happened in the seven days up to D: a plan set up (plan confirmation),
 *    a settlement offered or accepted, a plan broken, a written cease (its
 *    acknowledgement), a verification mailed (the verification response), a referral
 *    for suit (the attorney-referral notice), an account paid off (paid in full).
 * Each is checked by the compliance engine (a cease still allows its acknowledgement,
 * a dispute the verification) and keyed (account, template, trigger), so a rerun of
 * the date, or the next day's run seeing the same event, makes nothing twice. Letters
 * are recorded in chunks of CHUNK per transaction together with their contact (the
 * mail date starts the passive-reporting clock) and, for a validation notice, the
 * validation_notice_sent event (which starts the validation period); the PDFs are
 * written after each commit. The manifest is written last from the database, and
 * any PDF of the date that is missing (a run killed between a commit and its files)
 * is rendered again from the letter's stored fields — so twice run equals once run.
 *
 * Emails are recorded as "sending" with the letters, then sent one by one after the
 * letters (no database lock is held over the network), each then marked sent or
 * failed. A failed email is tried again by the next run of the date; one left
 * "sending" by a crash is not (an email must not go twice), and is reported.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "formats/letter_pdf.h"
#include "service/letters_internal.h"

enum {
  CHUNK = 200,              /* letters per transaction */
  RENDER_THREADS_MAX = 8,   /* PDFs are rendered in parallel after each commit */
  PAGE = 500,               /* rows per store read */
  WINDOW_DAYS = 7,          /* events this many days up to the run date are answered */
  CANDIDATES_MAX = 4000000, /* bound on one run's candidates */
  POINTS_MAX = 32           /* addresses and emails read per debtor */
};

typedef struct {
  int64_t account_id;
  int64_t ref_id;  /* plan or event id; 0 */
  char channel[8]; /* letter, email */
  char template_name[33];
  char trigger[65];          /* "" for a strategy letter: its template's repeat decides */
  char at[ARR_TIME_FMT_MAX]; /* the event's time (dispute, referral) */
} candidate;

typedef struct {
  candidate *c;
  size_t n, cap;
} candidate_list;

static arr_rc push(candidate_list *l, int64_t account_id, int64_t ref_id,
                   const char *channel, const char *name, const char *trigger,
                   const char *at, arr_err *err) {
  if (l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 1024;
    if (cap > CANDIDATES_MAX) {
      return arr_err_set(err, ARR_ERR_INVALID,
                         "more than %d letters due on one date; run the letters for "
                         "a narrower set",
                         CANDIDATES_MAX);
    }
    candidate *c = realloc(l->c, cap * sizeof *c);
    if (c == NULL) {
      return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    }
    l->c = c;
    l->cap = cap;
  }
  candidate *c = &l->c[l->n++];
  memset(c, 0, sizeof *c);
  c->account_id = account_id;
  c->ref_id = ref_id;
  svc_strcpy(c->channel, sizeof c->channel, channel);
  svc_strcpy(c->template_name, sizeof c->template_name, name);
  svc_strcpy(c->trigger, sizeof c->trigger, trigger);
  svc_strcpy(c->at, sizeof c->at, at != NULL ? at : "");
  return ARR_OK;
}

static int by_account(const void *a, const void *b) {
  const candidate *x = a, *y = b;
  if (x->account_id != y->account_id) {
    return x->account_id < y->account_id ? -1 : 1;
  }
  int c = strcmp(x->template_name, y->template_name);
  return c != 0 ? c : strcmp(x->trigger, y->trigger);
}

/* ---- what is due ---- */

static arr_rc collect_strategy(arr_svc *svc, arr_date as_of, candidate_list *l,
                               arr_err *err) {
  static const char *const KINDS[] = {"letter", "email"};
  arr_batch_action *acts = malloc(sizeof *acts * PAGE);
  if (acts == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_rc rc = ARR_OK;
  for (int k = 0; rc == ARR_OK && k < 2; k++) {
    int64_t after = 0;
    int n = 0;
    do {
      rc = arr_store_batch_actions(svc->db, as_of, KINDS[k], after, acts, PAGE, &n, err);
      for (int i = 0; rc == ARR_OK && i < n; i++) {
        after = acts[i].account_id;
        if (!svc_template_known(acts[i].name)) {
          continue; /* reported by the strategy check; nothing to fill */
        }
        rc = push(l, acts[i].account_id, 0, KINDS[k], acts[i].name, "", NULL, err);
      }
    } while (rc == ARR_OK && n == PAGE);
  }
  free(acts);
  return rc;
}

static const char *plan_template(const arr_letter_trigger *t) {
  bool settlement = strcmp(t->kind, "settlement") == 0;
  if (strcmp(t->status, "active") == 0) {
    return settlement ? "settlement_confirmation" : "plan_confirmation";
  }
  if (settlement && strcmp(t->status, "offered") == 0) {
    return "settlement_offer";
  }
  if (!settlement && strcmp(t->status, "broken") == 0) {
    return "broken_plan";
  }
  return NULL;
}

static arr_rc collect_events(arr_svc *svc, arr_date as_of, candidate_list *l,
                             arr_err *err) {
  arr_letter_trigger *ts = malloc(sizeof *ts * PAGE);
  if (ts == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  char from[ARR_TIME_FMT_MAX], to[ARR_TIME_FMT_MAX], key[65];
  arr_time_format_utc((arr_time)(as_of - WINDOW_DAYS + 1) * 86400, from);
  arr_time_format_utc((arr_time)(as_of + 1) * 86400, to);
  int64_t after = 0;
  int n = 0;
  arr_rc rc;
  do {
    rc = arr_store_plan_changes(svc->db, from, to, after, ts, PAGE, &n, err);
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      after = ts[i].ref_id;
      const char *name = plan_template(&ts[i]);
      if (name != NULL) {
        snprintf(key, sizeof key, "plan:%lld", (long long)ts[i].ref_id);
        rc = push(l, ts[i].account_id, ts[i].ref_id, "letter", name, key, ts[i].at, err);
      }
    }
  } while (rc == ARR_OK && n == PAGE);
  static const char *const EVENTS[][2] = {{"cease_written", "cease_acknowledgement"},
                                          {"verification_sent", "verification_response"},
                                          {"suit_referred", "attorney_referral"}};
  for (size_t e = 0; rc == ARR_OK && e < sizeof EVENTS / sizeof EVENTS[0]; e++) {
    after = 0;
    do {
      rc = arr_store_events_between(svc->db, EVENTS[e][0], from, to, after, ts, PAGE, &n,
                                    err);
      for (int i = 0; rc == ARR_OK && i < n; i++) {
        after = ts[i].ref_id;
        snprintf(key, sizeof key, "event:%lld", (long long)ts[i].ref_id);
        rc = push(l, ts[i].account_id, ts[i].ref_id, "letter", EVENTS[e][1], key,
                  ts[i].at, err);
      }
    } while (rc == ARR_OK && n == PAGE);
  }
  after = 0;
  do {
    rc = rc == ARR_OK ? arr_store_paid_off_between(svc->db, as_of - WINDOW_DAYS + 1,
                                                   as_of, after, ts, PAGE, &n, err)
                      : rc;
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      after = ts[i].ref_id;
      snprintf(key, sizeof key, "paid:%s", ts[i].at);
      rc = push(l, ts[i].account_id, 0, "letter", "paid_in_full", key, NULL, err);
    }
  } while (rc == ARR_OK && n == PAGE);
  free(ts);
  return rc;
}

/* ---- one run ---- */

typedef struct {
  char name[33], lang[3];
  arr_letter_template *t;
  int64_t version;
} cached_template;

/* One letter to render: its filled fields (owned) and template (the run's cache). */
typedef struct {
  int64_t id;
  const arr_letter_template *t;
  svc_fields *f;
  char lang[3];
  arr_date mailed;
  unsigned char *pdf;
  size_t len;
  int pages;
  arr_rc rc;
  arr_err err;
} render_job;

typedef struct {
  arr_svc *svc;
  arr_date as_of;
  arr_time mail_at; /* when the letters are mailed: the contact's and event's time */
  char mail_iso[ARR_TIME_FMT_MAX];
  const char *dir;
  cached_template cache[64];
  int ncache;
  /* counts */
  int64_t letters, emails, already, not_due, skipped, pdfs, pages;
  FILE *skipped_csv;
  /* the chunk's letters to render after its commit */
  render_job jobs[CHUNK];
  int njobs;
  arr_address *addresses;
  arr_email *emails_buf;
  svc_fields *fields;
  /* The emails this run recorded, in id order: only these, and failed ones, are sent
   * (one left "sending" by a killed run may have gone out). */
  int64_t *new_emails;
  size_t nnew, capnew;
} run_state;

static arr_rc template_for(run_state *r, const char *name, const char *lang,
                           cached_template **out, arr_err *err) {
  for (int i = 0; i < r->ncache; i++) {
    if (strcmp(r->cache[i].name, name) == 0 && strcmp(r->cache[i].lang, lang) == 0) {
      *out = &r->cache[i];
      return ARR_OK;
    }
  }
  if (r->ncache == (int)(sizeof r->cache / sizeof r->cache[0])) {
    return arr_err_set(err, ARR_ERR_INVALID, "too many templates in one run");
  }
  cached_template *c = &r->cache[r->ncache];
  svc_strcpy(c->name, sizeof c->name, name);
  svc_strcpy(c->lang, sizeof c->lang, lang);
  arr_rc rc = svc_template_load(r->svc, name, lang, -1, &c->t, &c->version, err);
  if (rc == ARR_OK) {
    r->ncache++;
    *out = c;
  }
  return rc;
}

static arr_letter_kind letter_kind(const arr_letter_template *t) {
  switch (arr_template_kind_of(t)) {
  case ARR_TK_CEASE_ACK:
  case ARR_TK_ENDED: return ARR_LETTER_CEASE_ACK;
  case ARR_TK_REMEDY: return ARR_LETTER_REMEDY;
  case ARR_TK_VERIFICATION: return ARR_LETTER_VERIFICATION;
  default: return ARR_LETTER_COLLECTION;
  }
}

static void skip(run_state *r, const candidate *c, const char *code, const char *why) {
  r->skipped++;
  /* Quoted: reasons hold commas. */
  fprintf(r->skipped_csv, "%lld,%s,%s,%s,\"", (long long)c->account_id, c->channel,
          c->template_name, code);
  for (const char *p = why; *p; p++) {
    fputs(*p == '"' ? "\"\"" : (char[]){*p, 0}, r->skipped_csv);
  }
  fputs("\"\n", r->skipped_csv);
}

static int usable_email(const arr_email *es, int n) {
  for (int i = 0; i < n; i++) {
    if (es[i].valid_to == ARR_DATE_NONE && strcmp(es[i].consent, "revoked") != 0 &&
        strcmp(es[i].status, "bad") != 0 && strcmp(es[i].status, "bounced") != 0) {
      return i;
    }
  }
  return -1;
}

/* The recipient as stored on the letter: six lines, name, line1, line2, city, state,
 * zip (the manifest reads them back), or the email address. */
static void recipient_text(const svc_fields *f, const arr_address *a, char *buf,
                           size_t cap) {
  snprintf(buf, cap, "%s\n%s\n%s\n%s\n%s\n%s", svc_fields_get(f, "debtor.name"), a->line1,
           a->line2, a->city, a->state, a->zip);
}

/* The extra fields of an event letter. */
static arr_rc event_fields(run_state *r, const candidate *c, const char *lang,
                           svc_fields *f, arr_err *err) {
  arr_svc *svc = r->svc;
  char buf[128];
  if (strncmp(c->trigger, "plan:", 5) == 0) {
    return svc_letter_plan_fields(svc, c->ref_id, lang, f, err);
  }
  arr_date on = ARR_DATE_NONE;
  if (c->at[0] != '\0') {
    arr_date_parse(c->at, 10, &on);
  }
  if (strcmp(c->template_name, "attorney_referral") == 0) {
    svc_date_text(on, lang, buf, sizeof buf);
    svc_fields_set(f, "referral.date", buf);
    svc_fields_set(f, "referral.name",
                   strcmp(lang, "es") == 0 ? "nuestro abogado" : "our attorney");
  }
  if (strcmp(c->template_name, "verification_response") == 0) {
    /* The dispute answered: the latest written or oral dispute before the
     * verification. */
    enum { MAXE = 256 };
    arr_account_event *ev = malloc(sizeof *ev * MAXE);
    if (ev == NULL) {
      return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    }
    int n = 0;
    arr_rc rc = arr_store_event_list(svc->db, c->account_id, ev, MAXE, &n, err);
    arr_date d = ARR_DATE_NONE;
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      if (strncmp(ev[i].type, "dispute_", 8) == 0 && strcmp(ev[i].at, c->at) <= 0) {
        arr_date_parse(ev[i].at, 10, &d);
      }
    }
    free(ev);
    svc_date_text(d, lang, buf, sizeof buf);
    svc_fields_set(f, "dispute.date", buf);
    return rc;
  }
  return ARR_OK;
}

/* Decides, fills, records and renders one candidate inside the chunk's transaction. */
static arr_rc make_one(run_state *r, candidate *c, arr_err *err) {
  arr_svc *svc = r->svc;
  svc_letter_subject s;
  memset(&s, 0, sizeof s);
  arr_rc rc = arr_store_account_get(svc->db, c->account_id, &s.account, err);
  if (rc == ARR_OK) {
    rc = arr_store_debtor_get(svc->db, s.account.debtor_id, &s.debtor, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  s.language = strcmp(s.debtor.language, "es") == 0 ? "es" : "en";
  cached_template *ct = NULL;
  rc = template_for(r, c->template_name, s.language, &ct, err);
  if (rc != ARR_OK) {
    return rc;
  }
  char dstr[ARR_DATE_FMT_MAX];
  arr_date_format(r->as_of, dstr);
  if (c->trigger[0] == '\0') {
    int every = arr_template_repeat_days(ct->t);
    svc_strcpy(c->trigger, sizeof c->trigger, every == 0 ? "once" : dstr);
    arr_date last = ARR_DATE_NONE;
    rc = every > 0 ? arr_store_letter_last_sent(svc->db, c->account_id, c->template_name,
                                                &last, err)
                   : ARR_OK;
    if (rc == ARR_OK && last != ARR_DATE_NONE && last != r->as_of &&
        r->as_of - last < every) {
      r->not_due++;
      return ARR_OK;
    }
  }
  int64_t existing = 0;
  rc = rc == ARR_OK ? arr_store_letter_find(svc->db, c->account_id, c->template_name,
                                            c->trigger, &existing, err)
                    : rc;
  if (rc != ARR_OK || existing != 0) {
    r->already += existing != 0;
    return rc;
  }
  bool email = strcmp(c->channel, "email") == 0;
  int na = 0, ne = 0, ai = -1, ei = -1;
  rc = arr_store_address_list(svc->db, s.debtor.id, r->addresses, POINTS_MAX, &na, err);
  if (rc == ARR_OK && email) {
    rc = arr_store_email_list(svc->db, s.debtor.id, r->emails_buf, POINTS_MAX, &ne, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  ai = svc_current_address(r->addresses, na);
  ei = email ? usable_email(r->emails_buf, ne) : -1;
  if (!email && ai < 0) {
    skip(r, c, "BAD_ADDRESS", "no current mailing address on file");
    return ARR_OK;
  }
  if (email && ei < 0) {
    skip(r, c, "NO_EMAIL", "no email address that may be used");
    return ARR_OK;
  }
  if (email && !svc_email_configured()) {
    skip(r, c, "SMTP_NOT_CONFIGURED", "email is not configured (ARREARS_SMTP_URL)");
    return ARR_OK;
  }
  if (strcmp(c->template_name, "validation_notice") == 0 &&
      s.account.itemization_date == ARR_DATE_NONE) {
    skip(r, c, "NO_ITEMIZATION_DATE",
         "the itemization date is not chosen (arrears account itemization)");
    return ARR_OK;
  }
  bool allowed = false;
  char why[1024];
  rc = svc_letter_allowed(svc, c->account_id, c->channel,
                          email ? r->emails_buf[ei].address : NULL, letter_kind(ct->t),
                          email ? svc->now : r->mail_at, &allowed, why, sizeof why, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (!allowed) {
    char code[40];
    svc_strcpy(code, sizeof code, why);
    code[strcspn(code, " ")] = '\0';
    skip(r, c, code, why);
    return ARR_OK;
  }
  svc_fields *f = r->fields;
  memset(f, 0, sizeof *f);
  s.address = ai >= 0 ? &r->addresses[ai] : NULL;
  rc = svc_letter_fields(svc, &s, r->as_of, f, err);
  if (rc == ARR_OK) {
    rc = event_fields(r, c, s.language, f, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_letter_row *l = calloc(1, sizeof *l);
  if (l == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  l->account_id = c->account_id;
  l->debtor_id = s.debtor.id;
  svc_strcpy(l->channel, sizeof l->channel, c->channel);
  svc_strcpy(l->template_name, sizeof l->template_name, c->template_name);
  svc_strcpy(l->language, sizeof l->language, s.language);
  l->template_version = ct->version;
  svc_strcpy(l->trigger_key, sizeof l->trigger_key, c->trigger);
  l->as_of = r->as_of;
  l->sent_on = r->as_of;
  svc_strcpy(l->status, sizeof l->status, email ? "sending" : "mailed");
  l->address_id = ai >= 0 ? r->addresses[ai].id : 0;
  l->email_id = email ? r->emails_buf[ei].id : 0;
  if (email) {
    svc_strcpy(l->recipient, sizeof l->recipient, r->emails_buf[ei].address);
  } else {
    recipient_text(f, &r->addresses[ai], l->recipient, sizeof l->recipient);
  }
  json_t *fj = svc_fields_json(f);
  char *ftext = json_dumps(fj, JSON_COMPACT | JSON_SORT_KEYS);
  json_decref(fj);
  if (ftext == NULL || strlen(ftext) >= sizeof l->fields) {
    free(ftext);
    free(l);
    return arr_err_set(err, ARR_ERR_INVALID,
                       "account %lld: the letter's fields are too long",
                       (long long)c->account_id);
  }
  svc_strcpy(l->fields, sizeof l->fields, ftext);
  free(ftext);
  svc_strcpy(l->actor, sizeof l->actor, svc->actor);
  rc = arr_store_letter_insert(svc->db, l, svc->now_iso, err);
  if (rc == ARR_OK && !email) {
    render_job *j = &r->jobs[r->njobs];
    memset(j, 0, sizeof *j);
    j->f = malloc(sizeof *j->f);
    if (j->f == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
    } else {
      r->njobs++;
      char idbuf[24];
      snprintf(idbuf, sizeof idbuf, "%lld", (long long)l->id);
      svc_fields_set(f, "letter.id", idbuf);
      memcpy(j->f, f, sizeof *f);
      j->id = l->id;
      j->t = ct->t;
      svc_strcpy(j->lang, sizeof j->lang, s.language);
      j->mailed = r->as_of;
    }
  }
  if (rc == ARR_OK && !email) {
    arr_contact ct2;
    memset(&ct2, 0, sizeof ct2);
    ct2.account_id = c->account_id;
    ct2.debtor_id = s.debtor.id;
    svc_strcpy(ct2.channel, sizeof ct2.channel, "letter");
    snprintf(ct2.target, sizeof ct2.target, "letter %lld", (long long)l->id);
    svc_strcpy(ct2.at, sizeof ct2.at, r->mail_iso);
    svc_strcpy(ct2.outcome, sizeof ct2.outcome, "sent");
    svc_strcpy(ct2.actor, sizeof ct2.actor, svc->actor);
    rc = arr_store_contact_insert(svc->db, &ct2, svc->now_iso, err);
  }
  if (rc == ARR_OK && strcmp(c->template_name, "validation_notice") == 0) {
    arr_account_event e;
    memset(&e, 0, sizeof e);
    e.account_id = c->account_id;
    svc_strcpy(e.type, sizeof e.type, "validation_notice_sent");
    svc_strcpy(e.at, sizeof e.at, r->mail_iso);
    snprintf(e.note, sizeof e.note, "letter %lld", (long long)l->id);
    svc_strcpy(e.actor, sizeof e.actor, svc->actor);
    rc = arr_store_event_insert(svc->db, &e, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, email ? "email.queued" : "letter.mailed", "letter", l->id,
                   json_pack("{s:I,s:s,s:s,s:I}", "account_id", (json_int_t)c->account_id,
                             "template", c->template_name, "trigger", c->trigger,
                             "template_version", (json_int_t)ct->version),
                   err);
  }
  if (rc == ARR_OK && email) {
    if (r->nnew == r->capnew) {
      size_t cap = r->capnew ? r->capnew * 2 : 256;
      int64_t *p = realloc(r->new_emails, cap * sizeof *p);
      if (p == NULL) {
        free(l);
        return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
      }
      r->new_emails = p;
      r->capnew = cap;
    }
    r->new_emails[r->nnew++] = l->id;
  }
  if (rc == ARR_OK && !email) {
    r->letters++;
  }
  free(l);
  return rc;
}

/* ---- files ---- */

static void pdf_path(const char *dir, int64_t id, char *buf, size_t cap) {
  snprintf(buf, cap, "%s/letter-%lld.pdf", dir, (long long)id);
}

/* Writes path through a temporary file and a rename, so a reader (the print vendor's
 * pickup) never sees half a file. */
static arr_rc write_file(const char *path, const void *data, size_t len, arr_err *err) {
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *fp = fopen(tmp, "wb");
  if (fp == NULL) {
    return arr_err_set(err, ARR_ERR_IO, "%s: %s", tmp, strerror(errno));
  }
  bool ok = fwrite(data, 1, len, fp) == len;
  ok = fflush(fp) == 0 && ok;
  ok = fsync(fileno(fp)) == 0 && ok;
  ok = fclose(fp) == 0 && ok;
  if (!ok || rename(tmp, path) != 0) {
    unlink(tmp);
    return arr_err_set(err, ARR_ERR_IO, "%s: %s", path, strerror(errno));
  }
  return ARR_OK;
}

typedef struct {
  render_job *jobs;
  int n;
  atomic_int next;
} render_pool;

static void *render_worker(void *arg) {
  render_pool *p = arg;
  int i;
  while ((i = atomic_fetch_add(&p->next, 1)) < p->n) {
    render_job *j = &p->jobs[i];
    j->rc = svc_letter_render(j->t, j->f, j->lang, j->mailed, &j->pdf, &j->len, &j->pages,
                              &j->err);
  }
  arr_letter_pdf_thread_done();
  return NULL;
}

/* Renders jobs[0..n) on up to RENDER_THREADS_MAX threads (one per core); the
 * rendering is most of a letter's cost (text shaping, PDF compression) and needs no
 * database. The first job's failure, if any, is returned. */
static arr_rc render_jobs(render_job *jobs, int n, arr_err *err) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  int nt = cores < 1 ? 1 : cores > RENDER_THREADS_MAX ? RENDER_THREADS_MAX : (int)cores;
  nt = nt > n ? n : nt;
  render_pool pool = {jobs, n, 0};
  pthread_t th[RENDER_THREADS_MAX];
  int started = 0;
  for (int i = 0; i < nt; i++) {
    started += pthread_create(&th[started], NULL, render_worker, &pool) == 0;
  }
  if (started == 0) {
    render_worker(&pool); /* no threads to be had: this one does it all */
  }
  for (int i = 0; i < started; i++) {
    pthread_join(th[i], NULL);
  }
  for (int i = 0; i < n; i++) {
    if (jobs[i].rc != ARR_OK) {
      *err = jobs[i].err;
      return jobs[i].rc;
    }
  }
  return ARR_OK;
}

static void drop_jobs(run_state *r) {
  for (int i = 0; i < r->njobs; i++) {
    free(r->jobs[i].f);
    free(r->jobs[i].pdf);
  }
  r->njobs = 0;
}

/* After the chunk's commit: renders its letters, records their page counts and writes
 * the PDFs. A run killed in between leaves letters without pages or files, which the
 * manifest step makes good (heal_run). */
static arr_rc finish_chunk(run_state *r, arr_err *err) {
  arr_svc *svc = r->svc;
  arr_rc rc = r->njobs > 0 ? render_jobs(r->jobs, r->njobs, err) : ARR_OK;
  if (rc == ARR_OK && r->njobs > 0) {
    rc = svc_begin(svc, err);
    for (int i = 0; rc == ARR_OK && i < r->njobs; i++) {
      rc = arr_store_letter_set_pages(svc->db, r->jobs[i].id, r->jobs[i].pages, err);
      r->pages += r->jobs[i].pages;
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
  }
  for (int i = 0; rc == ARR_OK && i < r->njobs; i++) {
    char path[4096];
    pdf_path(r->dir, r->jobs[i].id, path, sizeof path);
    rc = write_file(path, r->jobs[i].pdf, r->jobs[i].len, err);
    r->pdfs += rc == ARR_OK;
  }
  drop_jobs(r);
  return rc;
}

/* Renders a stored letter again (its template version and fields). */
static arr_rc rerender(arr_svc *svc, const arr_letter_row *l, unsigned char **pdf,
                       size_t *len, int *pages, arr_err *err) {
  svc_fields *f = malloc(sizeof *f);
  if (f == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_letter_template *t = NULL;
  int64_t v = 0;
  arr_rc rc = svc_fields_from_json(f, l->fields, err);
  if (rc == ARR_OK) {
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)l->id);
    svc_fields_set(f, "letter.id", idbuf);
    rc = svc_template_load(svc, l->template_name, l->language, l->template_version, &t,
                           &v, err);
  }
  if (rc == ARR_OK) {
    rc = svc_letter_render(t, f, l->language, l->sent_on, pdf, len, pages, err);
  }
  arr_template_free(t);
  free(f);
  return rc;
}

/* Whether path holds a whole PDF (a file cut short by a crash does not end in
 * %%EOF). */
static bool pdf_whole(const char *path) {
  FILE *fp = fopen(path, "rb");
  char tail[16] = "";
  size_t n = 0;
  if (fp != NULL && fseek(fp, -(long)(sizeof tail - 1), SEEK_END) == 0) {
    n = fread(tail, 1, sizeof tail - 1, fp);
  }
  if (fp != NULL) {
    fclose(fp);
  }
  tail[n] = '\0';
  return strstr(tail, "%%EOF") != NULL;
}

/* Makes good what a killed run left: the date's letters whose PDF is missing or cut
 * short, or whose page count was not recorded, are rendered again from their stored
 * fields (byte for byte what the first render made). */
static arr_rc heal_run(run_state *r, arr_err *err) {
  arr_svc *svc = r->svc;
  arr_letter_row *ls = malloc(sizeof *ls * 64);
  if (ls == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t after = 0;
  int n = 0;
  arr_rc rc;
  do {
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = arr_store_letters_of_run(svc->db, r->as_of, after, ls, 64, &n, err);
      arr_db_commit(svc->db, NULL);
    }
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      const arr_letter_row *l = &ls[i];
      after = l->id;
      char file[4096];
      pdf_path(r->dir, l->id, file, sizeof file);
      if (strcmp(l->channel, "letter") != 0 || (l->pages > 0 && pdf_whole(file))) {
        continue;
      }
      unsigned char *pdf = NULL;
      size_t len = 0;
      int pages = 0;
      rc = arr_db_begin_read(svc->db, err);
      if (rc == ARR_OK) {
        rc = rerender(svc, l, &pdf, &len, &pages, err);
        arr_db_commit(svc->db, NULL);
      }
      if (rc == ARR_OK && l->pages != pages) {
        rc = svc_begin(svc, err);
        rc = rc == ARR_OK ? arr_store_letter_set_pages(svc->db, l->id, pages, err) : rc;
        if (rc == ARR_OK) {
          rc = svc_commit(svc, err);
        } else {
          svc_rollback(svc);
        }
      }
      if (rc == ARR_OK) {
        rc = write_file(file, pdf, len, err);
        r->pdfs += rc == ARR_OK;
      }
      free(pdf);
    }
  } while (rc == ARR_OK && n == 64);
  free(ls);
  return rc;
}

/* CSV field, quoted when it holds a comma, quote or line break. */
static void csv_field(FILE *fp, const char *s, bool last) {
  if (strpbrk(s, ",\"\r\n") != NULL) {
    fputc('"', fp);
    for (const char *p = s; *p; p++) {
      if (*p == '"') {
        fputc('"', fp);
      }
      fputc(*p, fp);
    }
    fputc('"', fp);
  } else {
    fputs(s, fp);
  }
  fputc(last ? '\n' : ',', fp);
}

/* The manifest of the date's letters (FORMATS.md: letter id, account, template,
 * recipient name and address, pages, postage class). */
static arr_rc write_manifest(run_state *r, char *path, size_t cap, int64_t *rows,
                             arr_err *err) {
  arr_svc *svc = r->svc;
  char dstr[ARR_DATE_FMT_MAX];
  arr_date_format(r->as_of, dstr);
  snprintf(path, cap, "%s/manifest-%s.csv", r->dir, dstr);
  char tmp[4200];
  snprintf(tmp, sizeof tmp, "%s.tmp", path);
  FILE *fp = fopen(tmp, "w");
  if (fp == NULL) {
    return arr_err_set(err, ARR_ERR_IO, "%s: %s", tmp, strerror(errno));
  }
  fputs("letter_id,account_id,client,client_account,template,language,recipient_name,"
        "address1,address2,city,state,zip,pages,postage_class,file\n",
        fp);
  arr_letter_row *ls = malloc(sizeof *ls * 64);
  arr_rc rc = ls != NULL ? arr_db_begin_read(svc->db, err)
                         : arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  int64_t after = 0;
  int n = 0;
  *rows = 0;
  do {
    rc = rc == ARR_OK
             ? arr_store_letters_of_run(svc->db, r->as_of, after, ls, 64, &n, err)
             : rc;
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      const arr_letter_row *l = &ls[i];
      after = l->id;
      if (strcmp(l->channel, "letter") != 0) {
        continue;
      }
      char file[4096];
      pdf_path(r->dir, l->id, file, sizeof file);
      arr_account a;
      rc = rc == ARR_OK ? arr_store_account_get(svc->db, l->account_id, &a, err) : rc;
      if (rc != ARR_OK) {
        break;
      }
      char rec[sizeof l->recipient];
      svc_strcpy(rec, sizeof rec, l->recipient);
      const char *part[6] = {"", "", "", "", "", ""};
      char *save = NULL, *p = rec;
      for (int k = 0; k < 6; k++) {
        char *nl = strchr(p, '\n');
        if (nl != NULL) {
          *nl = '\0';
        }
        part[k] = p;
        if (nl == NULL) {
          break;
        }
        p = nl + 1;
      }
      (void)save;
      char num[24], pages[16];
      snprintf(num, sizeof num, "%lld", (long long)l->id);
      csv_field(fp, num, false);
      snprintf(num, sizeof num, "%lld", (long long)l->account_id);
      csv_field(fp, num, false);
      csv_field(fp, a.client_code, false);
      csv_field(fp, a.client_account, false);
      csv_field(fp, l->template_name, false);
      csv_field(fp, l->language, false);
      for (int k = 0; k < 6; k++) {
        csv_field(fp, part[k], false);
      }
      snprintf(pages, sizeof pages, "%d", l->pages);
      csv_field(fp, pages, false);
      csv_field(fp, "first_class", false);
      csv_field(fp, strrchr(file, '/') + 1, true);
      (*rows)++;
    }
  } while (rc == ARR_OK && n == 64);
  arr_db_commit(svc->db, NULL);
  free(ls);
  bool ok = fflush(fp) == 0 && fsync(fileno(fp)) == 0;
  ok = fclose(fp) == 0 && ok;
  if (rc == ARR_OK && (!ok || rename(tmp, path) != 0)) {
    rc = arr_err_set(err, ARR_ERR_IO, "%s: %s", path, strerror(errno));
  }
  if (rc != ARR_OK) {
    unlink(tmp);
  }
  return rc;
}

/* ---- emails ---- */

static arr_rc send_one(arr_svc *svc, const arr_letter_row *l, bool *sent, char *why,
                       size_t why_cap, arr_err *err) {
  svc_fields *f = malloc(sizeof *f);
  if (f == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_letter_template *t = NULL;
  int64_t v = 0;
  char url[512] = "";
  arr_rc rc = svc_fields_from_json(f, l->fields, err);
  if (rc == ARR_OK) {
    rc = svc_optout_token_new(svc, l->account_id, l->email_id, url, sizeof url, err);
  }
  if (rc == ARR_OK) {
    char idbuf[24];
    snprintf(idbuf, sizeof idbuf, "%lld", (long long)l->id);
    svc_fields_set(f, "letter.id", idbuf);
    svc_fields_set(f, "optout.url", url);
    rc = svc_template_load(svc, l->template_name, l->language, l->template_version, &t,
                           &v, err);
  }
  arr_letter_doc *doc = NULL;
  char *text = NULL;
  if (rc == ARR_OK) {
    rc = arr_template_fill(t, svc_fields_lookup, f, &doc, err);
  }
  if (rc == ARR_OK) {
    rc = arr_letter_text(doc, l->language, &text, NULL, err);
  }
  if (rc == ARR_OK) {
    svc_email_message m = {.letter_id = l->id,
                           .to_addr = l->recipient,
                           .to_name = svc_fields_get(f, "debtor.name"),
                           .subject = doc->subject,
                           .body_text = text,
                           .optout_url = url};
    arr_err se;
    arr_err_clear(&se);
    *sent = svc_email_send(svc, &m, &se) == ARR_OK;
    svc_strcpy(why, why_cap, *sent ? "" : se.msg);
  }
  free(text);
  arr_letter_doc_free(doc);
  arr_template_free(t);
  free(f);
  return rc;
}

/* Sends the date's emails recorded as "sending" by this run, or failed before. */
static arr_rc send_emails(run_state *r, int64_t *failed, arr_err *err) {
  arr_svc *svc = r->svc;
  arr_letter_row *ls = malloc(sizeof *ls * 64);
  if (ls == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int64_t after = 0;
  int n = 0;
  arr_rc rc;
  size_t k = 0; /* the next of this run's new emails */
  *failed = 0;
  do {
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = arr_store_letters_of_run(svc->db, r->as_of, after, ls, 64, &n, err);
      arr_db_commit(svc->db, NULL);
    }
    for (int i = 0; rc == ARR_OK && i < n; i++) {
      arr_letter_row *l = &ls[i];
      after = l->id;
      bool retry = strcmp(l->status, "failed") == 0;
      while (k < r->nnew && r->new_emails[k] < l->id) {
        k++;
      }
      bool fresh = k < r->nnew && r->new_emails[k] == l->id;
      if (strcmp(l->channel, "email") != 0 || !(retry || fresh)) {
        continue;
      }
      bool sent = false;
      char why[ARR_ERR_MSG_MAX] = "";
      rc = send_one(svc, l, &sent, why, sizeof why, err);
      if (rc == ARR_OK) {
        rc = svc_begin(svc, err);
      }
      if (rc == ARR_OK) {
        rc = arr_store_letter_set_status(svc->db, l->id, sent ? "sent" : "failed",
                                         ARR_DATE_NONE, sent ? NULL : why, err);
      }
      if (rc == ARR_OK && sent) {
        arr_contact c;
        memset(&c, 0, sizeof c);
        c.account_id = l->account_id;
        c.debtor_id = l->debtor_id;
        svc_strcpy(c.channel, sizeof c.channel, "email");
        svc_strcpy(c.target, sizeof c.target, l->recipient);
        svc_strcpy(c.at, sizeof c.at, svc->now_iso);
        svc_strcpy(c.outcome, sizeof c.outcome, "sent");
        svc_strcpy(c.actor, sizeof c.actor, svc->actor);
        rc = arr_store_contact_insert(svc->db, &c, svc->now_iso, err);
      }
      if (rc == ARR_OK) {
        rc = svc_audit(
            svc, sent ? "email.sent" : "email.failed", "letter", l->id,
            json_pack("{s:I,s:s}", "account_id", (json_int_t)l->account_id, "error", why),
            err);
      }
      if (rc == ARR_OK) {
        rc = svc_commit(svc, err);
      } else {
        svc_rollback(svc);
      }
      *failed += !sent;
      r->emails += sent;
    }
  } while (rc == ARR_OK && n == 64);
  free(ls);
  return rc;
}

/* ---- the run ---- */

static const char *const RUNNERS[] = {"supervisor", "admin", NULL};
static const char *const STAFF[] = {"collector", "supervisor", "compliance", "admin",
                                    NULL};
static const char *const READERS[] = {"collector", "supervisor", "compliance",
                                      "admin",     "client",     NULL};
static const char *const ADMINS[] = {"admin", NULL};

static arr_rc parse_date_field(const char *s, const char *field, arr_date *out,
                               arr_err *err) {
  if (s == NULL || !arr_date_parse(s, strlen(s), out)) {
    return arr_err_field(err, ARR_ERR_INVALID, field, "%s must be a date YYYY-MM-DD",
                         field);
  }
  return ARR_OK;
}

static arr_rc run_checks(arr_svc *svc, const char *as_of, const char *dir, arr_date *d,
                         arr_err *err) {
  arr_rc rc = parse_date_field(as_of, "as_of", d, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (*d > svc->today) {
    return arr_err_field(err, ARR_ERR_INVALID, "as_of",
                         "as_of %s is after today: letters are mailed on their date",
                         as_of);
  }
  struct stat sb;
  if (dir == NULL || dir[0] == '\0' || strlen(dir) > 3800) {
    return arr_err_field(err, ARR_ERR_INVALID, "out", "--out DIR is required");
  }
  if (stat(dir, &sb) != 0 && mkdir(dir, 0750) != 0) {
    return arr_err_field(err, ARR_ERR_IO, "out", "%s: %s", dir, strerror(errno));
  }
  if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
    return arr_err_field(err, ARR_ERR_INVALID, "out", "%s is not a directory", dir);
  }
  arr_batch_run br;
  bool found = false;
  rc = arr_store_batch_run_get(svc->db, *d, &br, &found, err);
  if (rc == ARR_OK && (!found || strcmp(br.status, "done") != 0)) {
    rc = arr_err_set(err, ARR_ERR_REFUSED,
                     "the nightly batch for %s has not finished, and it decides the "
                     "strategy's letters: run `arrears batch run --as-of %s` first",
                     as_of, as_of);
  }
  return rc;
}

static arr_rc make_all(run_state *r, candidate_list *cl, arr_err *err) {
  arr_svc *svc = r->svc;
  arr_rc rc = ARR_OK;
  for (size_t i = 0; rc == ARR_OK && i < cl->n; i += CHUNK) {
    size_t end = i + CHUNK < cl->n ? i + CHUNK : cl->n;
    rc = svc_begin(svc, err);
    for (size_t j = i; rc == ARR_OK && j < end; j++) {
      rc = make_one(r, &cl->c[j], err);
      if (rc != ARR_OK) {
        char msg[ARR_ERR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s", err->msg);
        arr_err_set(err, rc, "account %lld, %s: %s", (long long)cl->c[j].account_id,
                    cl->c[j].template_name, msg);
      }
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
    if (rc == ARR_OK) {
      rc = finish_chunk(r, err);
    } else {
      drop_jobs(r);
    }
  }
  return rc;
}

arr_rc arr_svc_letters_run(arr_svc *svc, const char *as_of, const char *out_dir,
                           json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "running the letters", RUNNERS, err);
  arr_date d = ARR_DATE_NONE;
  if (rc == ARR_OK) {
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = run_checks(svc, as_of, out_dir, &d, err);
      arr_db_commit(svc->db, NULL);
    }
  }
  if (rc != ARR_OK) {
    return rc;
  }
  run_state *r = calloc(1, sizeof *r);
  candidate_list cl = {0};
  if (r == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  r->svc = svc;
  r->as_of = d;
  r->dir = out_dir;
  /* Mailed at noon Eastern on a past date; today, now. */
  r->mail_at = d == svc->today ? svc->now : (arr_time)d * 86400 + 17 * 3600;
  arr_time_format_utc(r->mail_at, r->mail_iso);
  r->addresses = malloc(sizeof *r->addresses * POINTS_MAX);
  r->emails_buf = malloc(sizeof *r->emails_buf * POINTS_MAX);
  r->fields = malloc(sizeof *r->fields);
  char skipped_path[4096], manifest[4096] = "";
  snprintf(skipped_path, sizeof skipped_path, "%s/skipped-%s.csv", out_dir, as_of);
  char skipped_tmp[4200];
  snprintf(skipped_tmp, sizeof skipped_tmp, "%s.tmp", skipped_path);
  r->skipped_csv = fopen(skipped_tmp, "w");
  if (r->addresses == NULL || r->emails_buf == NULL || r->fields == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  } else if (r->skipped_csv == NULL) {
    rc = arr_err_set(err, ARR_ERR_IO, "%s: %s", skipped_tmp, strerror(errno));
  }
  if (rc == ARR_OK) {
    fputs("account_id,channel,template,code,reason\n", r->skipped_csv);
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = collect_strategy(svc, d, &cl, err);
      rc = rc == ARR_OK ? collect_events(svc, d, &cl, err) : rc;
      arr_db_commit(svc->db, NULL);
    }
  }
  /* A bad email setting stops the run before anything is made, rather than failing
   * every email one by one. */
  if (rc == ARR_OK && svc_email_configured()) {
    rc = svc_email_config_check(err);
  }
  if (rc == ARR_OK) {
    qsort(cl.c, cl.n, sizeof *cl.c, by_account);
    rc = make_all(r, &cl, err);
  }
  int64_t failed = 0, rows = 0;
  if (rc == ARR_OK) {
    rc = send_emails(r, &failed, err);
  }
  if (rc == ARR_OK) {
    rc = heal_run(r, err);
  }
  if (rc == ARR_OK) {
    rc = write_manifest(r, manifest, sizeof manifest, &rows, err);
  }
  if (r->skipped_csv != NULL) {
    bool ok = fclose(r->skipped_csv) == 0;
    if (rc == ARR_OK && (!ok || rename(skipped_tmp, skipped_path) != 0)) {
      rc = arr_err_set(err, ARR_ERR_IO, "%s: %s", skipped_path, strerror(errno));
    }
    if (rc != ARR_OK) {
      unlink(skipped_tmp);
    }
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:s,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:s,s:s}", "as_of",
                     as_of, "out", out_dir, "due", (json_int_t)cl.n, "letters",
                     (json_int_t)r->letters, "emails_sent", (json_int_t)r->emails,
                     "emails_failed", (json_int_t)failed, "already_made",
                     (json_int_t)r->already, "not_due", (json_int_t)r->not_due, "skipped",
                     (json_int_t)r->skipped, "pdfs_written", (json_int_t)r->pdfs,
                     "manifest_rows", (json_int_t)rows, "manifest", manifest,
                     "skipped_file", skipped_path);
  }
  for (int i = 0; i < r->ncache; i++) {
    arr_template_free(r->cache[i].t);
  }
  free(cl.c);
  free(r->addresses);
  free(r->emails_buf);
  free(r->fields);
  free(r->new_emails);
  free(r);
  return rc;
}

/* ---- listing, PDFs, returns ---- */

static json_t *letter_json(const arr_letter_row *l) {
  json_t *o = json_object();
  svc_set_int(o, "id", l->id);
  svc_set_int(o, "account_id", l->account_id);
  svc_set_str(o, "direction", "out");
  svc_set_str(o, "channel", l->channel);
  svc_set_str(o, "template", l->template_name);
  svc_set_str(o, "language", l->language);
  svc_set_int(o, "template_version", l->template_version);
  svc_set(o, "as_of", svc_date_json(l->as_of));
  svc_set(o, "sent_on", svc_date_json(l->sent_on));
  svc_set_str(o, "status", l->status);
  /* The name only: the full address is on the account screen. */
  char rec[sizeof l->recipient];
  svc_strcpy(rec, sizeof rec, l->recipient);
  rec[strcspn(rec, "\n")] = '\0';
  svc_set_str(o, "recipient", rec);
  svc_set_int(o, "pages", l->pages);
  svc_set(o, "returned_on", svc_date_json(l->returned_on));
  svc_set(o, "return_reason",
          l->return_reason[0] ? json_string(l->return_reason) : json_null());
  svc_set_str(o, "created_at", l->created_at);
  svc_set_str(o, "actor", l->actor);
  return o;
}

static json_t *letters_json(const arr_letter_row *ls, int n) {
  json_t *a = json_array();
  for (int i = 0; i < n; i++) {
    json_array_append_new(a, letter_json(&ls[i]));
  }
  return a;
}

arr_rc arr_svc_letters_of_account(arr_svc *svc, const char *account, json_t **out,
                                  arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_require(svc, "an account's letters", READERS, err);
  rc = rc == ARR_OK ? arr_svc_account_resolve(svc, account, &id, err) : rc;
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAX = 200 };
  arr_letter_row *ls = malloc(sizeof *ls * MAX);
  if (ls == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = arr_store_letters_of_account(svc->db, id, ls, MAX, &n, err);
    arr_db_commit(svc->db, NULL);
  }
  if (rc == ARR_OK) {
    *out = letters_json(ls, n);
  }
  free(ls);
  return rc;
}

arr_rc arr_svc_letters_of_date(arr_svc *svc, const char *as_of, int64_t after_id,
                               int limit, json_t **out, arr_err *err) {
  arr_date d;
  arr_rc rc = arr_svc_require(svc, "a run's letters", STAFF, err);
  rc = rc == ARR_OK ? parse_date_field(as_of, "as_of", &d, err) : rc;
  if (rc != ARR_OK) {
    return rc;
  }
  if (limit < 1 || limit > 1000) {
    return arr_err_field(err, ARR_ERR_INVALID, "limit", "limit must be 1 to 1000");
  }
  arr_letter_row *ls = malloc(sizeof *ls * (size_t)limit);
  if (ls == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = arr_store_letters_of_run(svc->db, d, after_id, ls, limit, &n, err);
    arr_db_commit(svc->db, NULL);
  }
  if (rc == ARR_OK) {
    *out = letters_json(ls, n);
  }
  free(ls);
  return rc;
}

/* The letter, after checking the caller may read its account. */
static arr_rc letter_for_reader(arr_svc *svc, int64_t id, arr_letter_row *l,
                                arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "a letter", READERS, err);
  if (rc == ARR_OK) {
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = arr_store_letter_get(svc->db, id, l, err);
      arr_db_commit(svc->db, NULL);
    }
  }
  if (rc == ARR_OK) {
    char ref[24];
    int64_t acct = 0;
    snprintf(ref, sizeof ref, "%lld", (long long)l->account_id);
    rc = arr_svc_account_resolve(svc, ref, &acct, err);
    /* Another client's letter is not found, like a letter that does not exist: the
     * answer must not tell which account it belongs to. */
    if (rc == ARR_ERR_NOTFOUND || rc == ARR_ERR_FORBIDDEN || rc == ARR_ERR_REFUSED) {
      rc = arr_err_set(err, ARR_ERR_NOTFOUND, "letter not found");
    }
  }
  return rc;
}

arr_rc arr_svc_letter_pdf(arr_svc *svc, int64_t id, unsigned char **pdf, size_t *len,
                          arr_err *err) {
  arr_letter_row *l = malloc(sizeof *l);
  if (l == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  arr_rc rc = letter_for_reader(svc, id, l, err);
  if (rc == ARR_OK && strcmp(l->channel, "letter") != 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "letter %lld is an email: it has no PDF",
                     (long long)id);
  }
  int pages = 0;
  if (rc == ARR_OK) {
    rc = arr_db_begin_read(svc->db, err);
    if (rc == ARR_OK) {
      rc = rerender(svc, l, pdf, len, &pages, err);
      arr_db_commit(svc->db, NULL);
    }
  }
  free(l);
  return rc;
}

/* Marks the address or email the letter went to as returned or bounced, with history. */
static arr_rc mark_point(arr_svc *svc, const arr_letter_row *l, const char *status,
                         const char *source, arr_err *err) {
  const char *kind = strcmp(l->channel, "email") == 0 ? "email" : "address";
  int64_t pid = strcmp(kind, "email") == 0 ? l->email_id : l->address_id;
  arr_point p;
  arr_rc rc = arr_store_point_get(svc->db, kind, pid, &p, err);
  if (rc != ARR_OK || strcmp(p.status, status) == 0) {
    return rc;
  }
  arr_point_change c;
  memset(&c, 0, sizeof c);
  c.point_id = pid;
  svc_strcpy(c.kind, sizeof c.kind, kind);
  svc_strcpy(c.field, sizeof c.field, "status");
  svc_strcpy(c.old_value, sizeof c.old_value, p.status);
  svc_strcpy(c.new_value, sizeof c.new_value, status);
  svc_strcpy(c.source, sizeof c.source, source);
  svc_strcpy(c.changed_at, sizeof c.changed_at, svc->now_iso);
  svc_strcpy(c.actor, sizeof c.actor, svc->actor);
  svc_strcpy(p.status, sizeof p.status, status);
  rc = arr_store_point_update(svc->db, kind, &p, err);
  return rc == ARR_OK ? arr_store_point_history_insert(svc->db, &c, err) : rc;
}

arr_rc arr_svc_letter_returned(arr_svc *svc, int64_t id, const char *date,
                               const char *reason, json_t **out, arr_err *err) {
  arr_date on = svc->today;
  arr_rc rc = arr_svc_require(svc, "recording returned mail", STAFF, err);
  if (rc == ARR_OK && date != NULL) {
    rc = parse_date_field(date, "date", &on, err);
  }
  size_t rlen = reason != NULL ? strlen(reason) : 0;
  if (rc == ARR_OK && rlen > 200) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "reason", "a reason is at most 200 bytes");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_letter_row *l = malloc(sizeof *l);
  if (l == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    rc = arr_store_letter_get(svc->db, id, l, err);
  }
  bool email = rc == ARR_OK && strcmp(l->channel, "email") == 0;
  const char *status = email ? "bounced" : "returned";
  if (rc == ARR_OK && strcmp(l->status, email ? "sent" : "mailed") != 0) {
    rc = arr_err_set(err, ARR_ERR_CONFLICT, "letter %lld is %s, not %s", (long long)id,
                     l->status, email ? "sent" : "mailed");
  }
  if (rc == ARR_OK && (on < l->sent_on || on > svc->today)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "date",
                       "the return date must be from the mail date to today");
  }
  char why[256];
  snprintf(why, sizeof why, "%s%s%s", email ? "email bounced" : "mail returned",
           rlen ? ": " : "", rlen ? reason : "");
  if (rc == ARR_OK) {
    rc = arr_store_letter_set_status(svc->db, id, status, on, rlen ? reason : NULL, err);
  }
  if (rc == ARR_OK) {
    rc = mark_point(svc, l, status, email ? "bounce" : "returned_mail", err);
  }
  if (rc == ARR_OK) {
    /* The return is a contact outcome: the passive-reporting clock (1006.30(a))
     * starts again from the next letter that is not returned. */
    arr_contact c;
    memset(&c, 0, sizeof c);
    c.account_id = l->account_id;
    c.debtor_id = l->debtor_id;
    svc_strcpy(c.channel, sizeof c.channel, l->channel);
    snprintf(c.target, sizeof c.target, "letter %lld", (long long)id);
    /* Today's return now; an earlier day's at noon Eastern (as letters are mailed). */
    arr_time_format_utc(on == svc->today ? svc->now : (arr_time)on * 86400 + 17 * 3600,
                        c.at);
    svc_strcpy(c.outcome, sizeof c.outcome, status);
    svc_strcpy(c.note, sizeof c.note, why);
    svc_strcpy(c.actor, sizeof c.actor, svc->actor);
    rc = arr_store_contact_insert(svc->db, &c, svc->now_iso, err);
  }
  bool open = false;
  int64_t trace = 0;
  if (rc == ARR_OK) {
    rc = arr_store_skip_trace_open(svc->db, l->account_id, &open, err);
  }
  if (rc == ARR_OK && !open) {
    rc = arr_store_skip_trace_insert(svc->db, l->account_id, why,
                                     email ? "email_bounce" : "returned_mail", on,
                                     svc->now_iso, svc->actor, &trace, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, email ? "email.bounced" : "letter.returned", "letter", id,
                   json_pack("{s:I,s:s,s:I}", "account_id", (json_int_t)l->account_id,
                             "reason", why, "skip_trace_id", (json_int_t)trace),
                   err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    svc_strcpy(l->status, sizeof l->status, status);
    l->returned_on = on;
    svc_strcpy(l->return_reason, sizeof l->return_reason, rlen ? reason : "");
    *out = letter_json(l);
    svc_set(*out, "skip_trace_id", trace ? json_integer(trace) : json_null());
  }
  free(l);
  return rc;
}

/* ---- preview and templates ---- */

static arr_rc check_lang(const char *lang, arr_err *err);

arr_rc arr_svc_letter_preview(arr_svc *svc, const char *account, const char *name,
                              const char *language, unsigned char **pdf, size_t *len,
                              arr_err *err) {
  int64_t id = 0;
  arr_rc rc = arr_svc_require(svc, "previewing a letter", STAFF, err);
  rc = rc == ARR_OK ? arr_svc_account_resolve(svc, account, &id, err) : rc;
  if (rc == ARR_OK && (name == NULL || !svc_template_known(name))) {
    rc = arr_err_field(err, ARR_ERR_NOTFOUND, "template", "no letter template \"%s\"",
                       name != NULL ? name : "");
  }
  if (rc == ARR_OK && language != NULL && language[0] != '\0') {
    rc = check_lang(language, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  svc_letter_subject *s = calloc(1, sizeof *s);
  svc_fields *f = calloc(1, sizeof *f);
  arr_address *as = malloc(sizeof *as * POINTS_MAX);
  arr_letter_template *t = NULL;
  if (s == NULL || f == NULL || as == NULL) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  rc = rc == ARR_OK ? arr_db_begin_read(svc->db, err) : rc;
  if (rc == ARR_OK) {
    int na = 0;
    rc = arr_store_account_get(svc->db, id, &s->account, err);
    rc = rc == ARR_OK
             ? arr_store_debtor_get(svc->db, s->account.debtor_id, &s->debtor, err)
             : rc;
    rc = rc == ARR_OK
             ? arr_store_address_list(svc->db, s->debtor.id, as, POINTS_MAX, &na, err)
             : rc;
    int ai = svc_current_address(as, na);
    s->address = ai >= 0 ? &as[ai] : NULL;
    s->language = language != NULL && language[0] != '\0'
                      ? (strcmp(language, "es") == 0 ? "es" : "en")
                      : (strcmp(s->debtor.language, "es") == 0 ? "es" : "en");
    int64_t v = 0;
    rc = rc == ARR_OK ? svc_template_load(svc, name, s->language, -1, &t, &v, err) : rc;
    rc = rc == ARR_OK ? svc_letter_fields(svc, s, svc->today, f, err) : rc;
    arr_db_commit(svc->db, NULL);
  }
  if (rc == ARR_OK) {
    svc_fields_set(f, "letter.id",
                   strcmp(s->language, "es") == 0 ? "MUESTRA" : "PREVIEW");
    int pages = 0;
    rc = svc_letter_render(t, f, s->language, svc->today, pdf, len, &pages, err);
  }
  arr_template_free(t);
  free(s);
  free(f);
  free(as);
  return rc;
}

static json_t *template_summary(const char *name, const char *lang, int64_t version,
                                const arr_letter_template *t,
                                const arr_template_row *row) {
  json_t *o = json_object();
  svc_set_str(o, "name", name);
  svc_set_str(o, "language", lang);
  svc_set_int(o, "version", version);
  svc_set_str(o, "kind",
              t != NULL ? arr_template_kind_name(arr_template_kind_of(t)) : "");
  svc_set_int(o, "repeat_days", t != NULL ? arr_template_repeat_days(t) : 0);
  svc_set(o, "saved_by", row != NULL ? json_string(row->created_by) : json_null());
  svc_set(o, "saved_at", row != NULL ? json_string(row->created_at) : json_null());
  svc_set(o, "note", row != NULL && row->note[0] ? json_string(row->note) : json_null());
  return o;
}

arr_rc arr_svc_templates_list(arr_svc *svc, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "the letter templates", STAFF, err);
  if (rc != ARR_OK) {
    return rc;
  }
  rc = arr_db_begin_read(svc->db, err);
  json_t *a = json_array();
  for (int i = 0; rc == ARR_OK && i < ARR_BUILTIN_TEMPLATE_COUNT; i++) {
    const arr_builtin_template *b = &ARR_BUILTIN_TEMPLATES[i];
    arr_template_row row;
    arr_err e2;
    bool saved = arr_store_template_get(svc->db, b->name, b->language, -1, &row, NULL,
                                        &e2) == ARR_OK;
    arr_letter_template *t = NULL;
    int64_t v = 0;
    rc = svc_template_load(svc, b->name, b->language, -1, &t, &v, err);
    if (rc == ARR_OK) {
      json_array_append_new(
          a, template_summary(b->name, b->language, v, t, saved ? &row : NULL));
    }
    arr_template_free(t);
  }
  arr_db_commit(svc->db, NULL);
  if (rc != ARR_OK) {
    json_decref(a);
    return rc;
  }
  *out = a;
  return ARR_OK;
}

static arr_rc check_lang(const char *lang, arr_err *err) {
  if (lang == NULL || (strcmp(lang, "en") != 0 && strcmp(lang, "es") != 0)) {
    return arr_err_field(err, ARR_ERR_INVALID, "language", "language must be en or es");
  }
  return ARR_OK;
}

arr_rc arr_svc_template_show(arr_svc *svc, const char *name, const char *lang,
                             int64_t version, json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "a letter template", STAFF, err);
  rc = rc == ARR_OK ? check_lang(lang, err) : rc;
  if (rc == ARR_OK && (name == NULL || !svc_template_known(name))) {
    rc = arr_err_field(err, ARR_ERR_NOTFOUND, "name", "no letter template \"%s\"",
                       name != NULL ? name : "");
  }
  if (rc != ARR_OK) {
    return rc;
  }
  enum { MAXV = 500 };
  arr_template_row *rows = malloc(sizeof *rows * MAXV);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  char *text = NULL;
  int64_t v = 0;
  int n = 0;
  rc = arr_db_begin_read(svc->db, err);
  if (rc == ARR_OK) {
    rc = svc_template_text(svc, name, lang, version, &text, &v, err);
    rc = rc == ARR_OK ? arr_store_template_versions(svc->db, rows, MAXV, &n, err) : rc;
    arr_db_commit(svc->db, NULL);
  }
  arr_letter_template *t = NULL;
  if (rc == ARR_OK) {
    arr_err e2;
    arr_template_parse(text, strlen(text), ARR_LETTER_FIELDS, &t, &e2);
    const arr_template_row *saved = NULL;
    for (int i = 0; i < n && v > 0; i++) {
      if (strcmp(rows[i].name, name) == 0 && strcmp(rows[i].language, lang) == 0 &&
          rows[i].version == v) {
        saved = &rows[i];
      }
    }
    json_t *o = template_summary(name, lang, v, t, saved);
    svc_set_str(o, "text", text);
    json_t *vs = json_array();
    for (int i = 0; i < n; i++) {
      if (strcmp(rows[i].name, name) == 0 && strcmp(rows[i].language, lang) == 0) {
        json_array_append_new(
            vs,
            json_pack("{s:I,s:s,s:s,s:o}", "version", (json_int_t)rows[i].version,
                      "saved_by", rows[i].created_by, "saved_at", rows[i].created_at,
                      "note", rows[i].note[0] ? json_string(rows[i].note) : json_null()));
      }
    }
    json_array_append_new(vs, json_pack("{s:i,s:s,s:n,s:s}", "version", 0, "saved_by",
                                        "builtin", "saved_at", "note",
                                        "the file shipped with arrears"));
    svc_set(o, "versions", vs);
    *out = o;
  }
  arr_template_free(t);
  free(text);
  free(rows);
  return rc;
}

arr_rc arr_svc_template_check(arr_svc *svc, const char *text, json_t **out,
                              arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "checking a letter template", ADMINS, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_letter_template *t = NULL;
  size_t len = text != NULL ? strlen(text) : 0;
  rc = arr_template_parse(text != NULL ? text : "", len, ARR_LETTER_FIELDS, &t, err);
  if (rc == ARR_OK) {
    *out = json_pack("{s:b,s:s,s:i}", "ok", 1, "kind",
                     arr_template_kind_name(arr_template_kind_of(t)), "repeat_days",
                     arr_template_repeat_days(t));
  }
  arr_template_free(t);
  return rc;
}

arr_rc arr_svc_template_save(arr_svc *svc, const char *name, const char *lang,
                             const char *text, const char *note, json_t **out,
                             arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "saving a letter template", ADMINS, err);
  rc = rc == ARR_OK ? check_lang(lang, err) : rc;
  if (rc == ARR_OK && (name == NULL || !svc_template_known(name))) {
    rc = arr_err_field(err, ARR_ERR_NOTFOUND, "name",
                       "no letter template \"%s\": templates are edited, not invented "
                       "(each name is a letter the system sends)",
                       name != NULL ? name : "");
  }
  if (rc == ARR_OK && note != NULL && strlen(note) > 200) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "note", "a note is at most 200 bytes");
  }
  arr_letter_template *t = NULL;
  if (rc == ARR_OK) {
    rc = arr_template_parse(text != NULL ? text : "", text != NULL ? strlen(text) : 0,
                            ARR_LETTER_FIELDS, &t, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_template_row row;
  memset(&row, 0, sizeof row);
  rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    arr_template_row last;
    arr_err e2;
    arr_rc g = arr_store_template_get(svc->db, name, lang, -1, &last, NULL, &e2);
    if (g != ARR_OK && g != ARR_ERR_NOTFOUND) {
      *err = e2;
      rc = g;
    }
    row.version = g == ARR_OK ? last.version + 1 : 1;
  }
  if (rc == ARR_OK) {
    svc_strcpy(row.name, sizeof row.name, name);
    svc_strcpy(row.language, sizeof row.language, lang);
    svc_strcpy(row.note, sizeof row.note, note != NULL ? note : "");
    svc_strcpy(row.created_by, sizeof row.created_by, svc->actor);
    svc_strcpy(row.created_at, sizeof row.created_at, svc->now_iso);
    rc = arr_store_template_insert(svc->db, &row, text, svc->now_iso, err);
  }
  if (rc == ARR_OK) {
    rc = svc_audit(svc, "template.saved", "letter_template", row.id,
                   json_pack("{s:s,s:s,s:I}", "name", name, "language", lang, "version",
                             (json_int_t)row.version),
                   err);
  }
  if (rc == ARR_OK) {
    rc = svc_commit(svc, err);
  } else {
    svc_rollback(svc);
  }
  if (rc == ARR_OK) {
    *out = template_summary(name, lang, row.version, t, &row);
  }
  arr_template_free(t);
  return rc;
}
