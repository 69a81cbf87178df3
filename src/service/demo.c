/*
 * demo.c — `arrears demo`: a deterministic synthetic portfolio for demos, tests and
 * benchmarks.
 *
 * Same seed, same N, same "today" -> the same portfolio, byte for byte in the money
 * columns. Accounts are loaded through the placement row path (import_row), payments
 * through the payment path, so the demo exercises the real code and its ledgers and
 * audit chain verify like real data. People are spread over every state, DC and Puerto
 * Rico (all US time zones, including states that span two), with phones whose area
 * codes match (and sometimes don't — people move), about 5% of people with two accounts
 * (matched by SSN), Spanish speakers, payments (a few returned NSF), and call history.
 * Names, streets and cities are invented combinations; phone numbers use the fictional
 * 555-01xx range and emails the reserved example.* domains.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/money.h"
#include "formats/payfile.h"
#include "service/import_internal.h"
#include "service/internal.h"

#define DEMO_CHUNK 20000
#define DEMO_MAX_ACCOUNTS 20000000

typedef struct {
  uint64_t s;
} rng;

static uint64_t rnext(rng *r) { /* splitmix64 */
  uint64_t z = (r->s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static int64_t rrange(rng *r, int64_t lo, int64_t hi) { /* inclusive */
  return lo + (int64_t)(rnext(r) % (uint64_t)(hi - lo + 1));
}

static bool rchance(rng *r, int pct) {
  return (int)(rnext(r) % 100) < pct;
}

static const char *const FIRST[] = {
    "James",     "Mary",    "Robert",    "Patricia", "John",    "Jennifer", "Michael",
    "Linda",     "David",   "Elizabeth", "William",  "Barbara", "Richard",  "Susan",
    "Joseph",    "Jessica", "Thomas",    "Sarah",    "Carlos",  "Maria",    "Jose",
    "Guadalupe", "Luis",    "Ana",       "Juan",     "Rosa",    "Wei",      "Mei",
    "Hiroshi",   "Yuki",    "Minh",      "Linh",     "Ahmed",   "Fatima",   "Omar",
    "Aisha",     "Dmitri",  "Olga",      "Kwame",    "Amara",   "Raj",      "Priya",
    "Sean",      "Siobhan", "Marcus",    "Keisha",   "Tyrone",  "Latoya",   "Ethan",
    "Olivia",    "Noah",    "Emma",      "Liam",     "Ava",     "Mateo",    "Sofia",
    "Diego",     "Camila",  "Andre",     "Monique"};
static const char *const LAST[] = {
    "Smith",    "Johnson",   "Williams", "Brown",     "Jones",     "Garcia",   "Miller",
    "Davis",    "Rodriguez", "Martinez", "Hernandez", "Lopez",     "Gonzalez", "Wilson",
    "Anderson", "Thomas",    "Taylor",   "Moore",     "Jackson",   "Martin",   "Lee",
    "Perez",    "Thompson",  "White",    "Harris",    "Sanchez",   "Clark",    "Ramirez",
    "Lewis",    "Robinson",  "Walker",   "Young",     "Allen",     "King",     "Wright",
    "Nguyen",   "Tran",      "Kim",      "Park",      "Chen",      "Wang",     "Patel",
    "Shah",     "Okafor",    "Mensah",   "Ivanov",    "Kowalski",  "O'Brien",  "Murphy",
    "Sullivan", "Begay",     "Yazzie",   "Kahananui", "Fernandez", "Torres",   "Rivera",
    "Flores",   "Nakamura",  "Haddad",   "Abdullah"};
static const char *const STREET[] = {
    "Main",   "Oak",      "Pine",      "Maple",   "Cedar",  "Elm",     "Washington",
    "Lake",   "Hill",     "Park",      "Sunset",  "River",  "Church",  "Mill",
    "Spring", "Highland", "Jefferson", "Lincoln", "Walnut", "Chestnut"};
static const char *const SUFFIX[] = {"St", "Ave", "Rd", "Blvd", "Ln", "Dr", "Ct", "Way"};

typedef struct {
  const char *city, *state, *zip, *area;
} place;
/* One or more per state, DC and PR; several states span two time zones (FL, IN, TN,
 * TX, KY, OR, ID, ND, SD, NE, KS, MI) and some places are on the "other" side. */
static const place PLACES[] = {
    {"Birmingham", "AL", "35203", "205"},     {"Anchorage", "AK", "99501", "907"},
    {"Phoenix", "AZ", "85004", "602"},        {"Little Rock", "AR", "72201", "501"},
    {"Los Angeles", "CA", "90012", "213"},    {"San Diego", "CA", "92101", "619"},
    {"Sacramento", "CA", "95814", "916"},     {"Denver", "CO", "80202", "303"},
    {"Hartford", "CT", "06103", "860"},       {"Wilmington", "DE", "19801", "302"},
    {"Washington", "DC", "20001", "202"},     {"Miami", "FL", "33130", "305"},
    {"Tampa", "FL", "33602", "813"},          {"Pensacola", "FL", "32502", "850"},
    {"Atlanta", "GA", "30303", "404"},        {"Honolulu", "HI", "96813", "808"},
    {"Boise", "ID", "83702", "208"},          {"Coeur d'Alene", "ID", "83814", "208"},
    {"Chicago", "IL", "60601", "312"},        {"Indianapolis", "IN", "46204", "317"},
    {"Gary", "IN", "46402", "219"},           {"Des Moines", "IA", "50309", "515"},
    {"Wichita", "KS", "67202", "316"},        {"Louisville", "KY", "40202", "502"},
    {"Bowling Green", "KY", "42101", "270"},  {"New Orleans", "LA", "70112", "504"},
    {"Portland", "ME", "04101", "207"},       {"Baltimore", "MD", "21202", "410"},
    {"Boston", "MA", "02108", "617"},         {"Detroit", "MI", "48226", "313"},
    {"Minneapolis", "MN", "55401", "612"},    {"Jackson", "MS", "39201", "601"},
    {"St. Louis", "MO", "63101", "314"},      {"Billings", "MT", "59101", "406"},
    {"Omaha", "NE", "68102", "402"},          {"Las Vegas", "NV", "89101", "702"},
    {"Manchester", "NH", "03101", "603"},     {"Newark", "NJ", "07102", "973"},
    {"Albuquerque", "NM", "87102", "505"},    {"New York", "NY", "10007", "212"},
    {"Buffalo", "NY", "14202", "716"},        {"Charlotte", "NC", "28202", "704"},
    {"Fargo", "ND", "58102", "701"},          {"Columbus", "OH", "43215", "614"},
    {"Oklahoma City", "OK", "73102", "405"},  {"Portland", "OR", "97204", "503"},
    {"Philadelphia", "PA", "19107", "215"},   {"Providence", "RI", "02903", "401"},
    {"Columbia", "SC", "29201", "803"},       {"Sioux Falls", "SD", "57104", "605"},
    {"Nashville", "TN", "37203", "615"},      {"Knoxville", "TN", "37902", "865"},
    {"Houston", "TX", "77002", "713"},        {"El Paso", "TX", "79901", "915"},
    {"Salt Lake City", "UT", "84111", "801"}, {"Burlington", "VT", "05401", "802"},
    {"Richmond", "VA", "23219", "804"},       {"Seattle", "WA", "98104", "206"},
    {"Charleston", "WV", "25301", "304"},     {"Milwaukee", "WI", "53202", "414"},
    {"Cheyenne", "WY", "82001", "307"},       {"San Juan", "PR", "00901", "787"},
};

typedef struct {
  const char *code, *name, *commission, *order;
  arr_account_type types[3];
  const char *creditors[3];
} demo_client;
static const demo_client CLIENTS[] = {
    {"MERCY",
     "Mercy Regional Hospital",
     "28.5",
     "costs,fees,interest,principal",
     {ARR_ACCT_MEDICAL, ARR_ACCT_MEDICAL, ARR_ACCT_MEDICAL},
     {"Mercy Regional Hospital", "Mercy Physician Group", "Mercy Imaging Center"}},
    {"CITYPWR",
     "City Power & Light",
     "22",
     "fees,costs,interest,principal",
     {ARR_ACCT_UTILITY, ARR_ACCT_UTILITY, ARR_ACCT_TELECOM},
     {"City Power & Light", "City Water Works", "Metro Fiber"}},
    {"FIRSTCU",
     "First Community Credit Union",
     "18",
     "costs,fees,interest,principal",
     {ARR_ACCT_CREDIT_CARD, ARR_ACCT_PERSONAL_LOAN, ARR_ACCT_AUTO},
     {"First Community Credit Union", "First Community Card Services", "FCCU Auto"}},
    {"SUMMIT",
     "Summit Lending",
     "25",
     "interest,fees,costs,principal",
     {ARR_ACCT_PERSONAL_LOAN, ARR_ACCT_STUDENT_LOAN, ARR_ACCT_CREDIT_CARD},
     {"Summit Lending", "Summit Education Finance", "Summit Card Bank"}},
};
#define NCLIENTS (int)(sizeof CLIENTS / sizeof CLIENTS[0])
#define N(a) (int64_t)(sizeof(a) / sizeof((a)[0]))

typedef struct {
  const char *username, *name, *role;
  const char *client; /* for role client */
} demo_user;
static const demo_user USERS[] = {
    {"admin", "Avery Admin", "admin", NULL},
    {"sam.supervisor", "Sam Okafor", "supervisor", NULL},
    {"cora.compliance", "Cora Lindqvist", "compliance", NULL},
    {"alice", "Alice Moreno", "collector", NULL},
    {"ben", "Ben Whitfield", "collector", NULL},
    {"carmen", "Carmen Ruiz", "collector", NULL},
    {"mercy.portal", "Mercy Hospital Portal", "client", "MERCY"},
};
#define NUSERS (int)(sizeof USERS / sizeof USERS[0])

/* A generated person, kept so some people get a second account. */
typedef struct {
  char first[32], middle[2], last[32], ssn[10], addr[64], email[80], phone[2][11];
  const place *pl;
  arr_date dob;
  int nphones;
  arr_phone_type ptype[2];
  bool spanish, has_ssn, has_dob;
} person;

static void make_person(rng *r, int64_t serial, person *p) {
  memset(p, 0, sizeof *p);
  svc_strcpy(p->first, sizeof p->first, FIRST[rrange(r, 0, N(FIRST) - 1)]);
  svc_strcpy(p->last, sizeof p->last, LAST[rrange(r, 0, N(LAST) - 1)]);
  if (rchance(r, 40)) {
    p->middle[0] = (char)('A' + rrange(r, 0, 25));
  }
  p->has_ssn = rchance(r, 92);
  if (p->has_ssn) {
    int64_t area = rrange(r, 1, 898);
    if (area == 666) {
      area = 667;
    }
    snprintf(p->ssn, sizeof p->ssn, "%03lld%02lld%04lld", (long long)area,
             (long long)rrange(r, 1, 99), (long long)rrange(r, 1, 9999));
  }
  p->has_dob = rchance(r, 95);
  arr_date_from_ymd((int)rrange(r, 1945, 2004), (int)rrange(r, 1, 12),
                    (int)rrange(r, 1, 28), &p->dob);
  p->pl = &PLACES[rrange(r, 0, N(PLACES) - 1)];
  snprintf(p->addr, sizeof p->addr, "%lld %s %s", (long long)rrange(r, 1, 9899),
           STREET[rrange(r, 0, N(STREET) - 1)], SUFFIX[rrange(r, 0, N(SUFFIX) - 1)]);
  p->nphones = rchance(r, 90) ? (rchance(r, 35) ? 2 : 1) : 0;
  for (int i = 0; i < p->nphones; i++) {
    /* Mostly local numbers; some people kept the mobile number from another state. */
    const place *ph = rchance(r, 85) ? p->pl : &PLACES[rrange(r, 0, N(PLACES) - 1)];
    snprintf(p->phone[i], sizeof p->phone[i], "%s5550%03lld", ph->area,
             (long long)rrange(r, 100, 199));
    p->ptype[i] = i == 0 ? (rchance(r, 70) ? ARR_PHONE_MOBILE : ARR_PHONE_HOME)
                         : (rchance(r, 50) ? ARR_PHONE_WORK : ARR_PHONE_HOME);
  }
  if (rchance(r, 60)) {
    static const char *const domains[] = {"example.com", "example.net", "example.org"};
    snprintf(p->email, sizeof p->email, "%s.%s%lld@%s", p->first, p->last,
             (long long)serial, domains[rrange(r, 0, 2)]);
    for (char *c = p->email; *c; c++) {
      *c = (char)(*c >= 'A' && *c <= 'Z' ? *c - 'A' + 'a' : *c == '\'' ? 'x' : *c);
    }
  }
  p->spanish = rchance(r, 12);
}

static arr_str S(const char *s) {
  arr_str v = {s, strlen(s)};
  return v;
}

static void make_row(rng *r, const person *p, const demo_client *c, int64_t serial,
                     arr_date placed_on, char *acct_buf, arr_placement_row *row) {
  memset(row, 0, sizeof *row);
  snprintf(acct_buf, 32, "%.3s%09lld", c->code, (long long)serial);
  row->client_account = S(acct_buf);
  row->first_name = S(p->first);
  row->middle_name = S(p->middle);
  row->last_name = S(p->last);
  row->suffix = S("");
  row->has_ssn = p->has_ssn;
  memcpy(row->ssn, p->ssn, sizeof row->ssn);
  row->has_dob = p->has_dob;
  row->dob = p->dob;
  row->address1 = S(p->addr);
  row->address2 = S("");
  row->city = S(p->pl->city);
  svc_strcpy(row->state, sizeof row->state, p->pl->state);
  svc_strcpy(row->zip, sizeof row->zip, p->pl->zip);
  row->nphones = p->nphones;
  for (int i = 0; i < p->nphones; i++) {
    memcpy(row->phone[i], p->phone[i], sizeof row->phone[i]);
    row->phone_type[i] = p->ptype[i];
  }
  svc_strcpy(row->email, sizeof row->email, p->email);
  int kind = (int)rrange(r, 0, 2);
  row->original_creditor = S(c->creditors[kind]);
  row->account_type = c->types[kind];
  /* Balances: many small medical and utility bills, fewer large loans. */
  int64_t scale =
      row->account_type == ARR_ACCT_MEDICAL || row->account_type == ARR_ACCT_UTILITY
          ? 150000
          : 1200000;
  int64_t a = rrange(r, 2500, scale), b = rrange(r, 2500, scale);
  row->principal_cents = a < b ? a : b; /* skewed toward smaller balances */
  row->interest_cents = rchance(r, 50) ? rrange(r, 0, row->principal_cents / 8) : 0;
  row->fees_cents = rchance(r, 40) ? rrange(r, 1, 8) * 2500 : 0;
  arr_date fd = arr_date_add_days(placed_on, -(int32_t)rrange(r, 90, 1500));
  row->has_first_delinquency_date = true;
  row->first_delinquency_date = fd;
  row->has_open_date = true;
  row->open_date = arr_date_add_days(fd, -(int32_t)rrange(r, 60, 3000));
  if (row->account_type != ARR_ACCT_MEDICAL && row->account_type != ARR_ACCT_UTILITY) {
    row->has_charge_off_date = true;
    row->charge_off_date = arr_date_add_days(fd, 180);
    if (row->charge_off_date > placed_on) {
      row->charge_off_date = placed_on;
    }
  }
  row->has_last_payment_date = rchance(r, 70);
  row->last_payment_date = arr_date_add_days(fd, -(int32_t)rrange(r, 1, 60));
  row->has_itemization_date = true;
  row->itemization_date = row->has_charge_off_date ? row->charge_off_date : fd;
  /* Charged-off debts itemize from the charge-off; bills from their last statement. */
  row->itemization_basis =
      row->has_charge_off_date ? ARR_ITEMIZE_CHARGE_OFF : ARR_ITEMIZE_LAST_STATEMENT;
  if (row->account_type == ARR_ACCT_CREDIT_CARD ||
      row->account_type == ARR_ACCT_PERSONAL_LOAN) {
    row->has_interest_rate = true;
    row->interest_rate_pct_e4 = rrange(r, 50, 240) * 1000; /* 5%..24% */
  }
}

/* The demo agency's profile, which its letters carry (settings agency.*). */
static arr_rc demo_agency(arr_svc *svc, arr_err *err) {
  static const char *const AGENCY[][2] = {
      {"agency.name", "Northwind Recovery Services"},
      {"agency.street", "1200 Commerce Street, Suite 400"},
      {"agency.city_line", "Dallas, TX 75202"},
      {"agency.phone", "(800) 555-0142"},
      {"agency.hours", "Mon-Fri 8 a.m.-8 p.m., Sat 9 a.m.-1 p.m. Central"},
      {"agency.email", "help@northwind-recovery.example"},
      {"agency.website", "www.northwind-recovery.example"},
      {"agency.dispute_url", "www.northwind-recovery.example/dispute"}};
  arr_rc rc = ARR_OK;
  for (size_t i = 0; rc == ARR_OK && i < sizeof AGENCY / sizeof AGENCY[0]; i++) {
    rc = arr_store_setting_put(svc->db, AGENCY[i][0], AGENCY[i][1], err);
  }
  return rc;
}

static arr_rc demo_users_and_clients(arr_svc *svc, arr_client *clients,
                                     int64_t *collectors, arr_demo_result *res,
                                     arr_err *err) {
  arr_rc rc = demo_agency(svc, err);
  for (int i = 0; rc == ARR_OK && i < NCLIENTS; i++) {
    arr_client *c = &clients[i];
    memset(c, 0, sizeof *c);
    svc_strcpy(c->code, sizeof c->code, CLIENTS[i].code);
    svc_strcpy(c->name, sizeof c->name, CLIENTS[i].name);
    const char *why = NULL;
    arr_pct_parse(CLIENTS[i].commission, strlen(CLIENTS[i].commission),
                  &c->commission_pct_e4, &why);
    svc_strcpy(c->allocation_order, sizeof c->allocation_order, CLIENTS[i].order);
    snprintf(c->currency, sizeof c->currency, "USD");
    rc = arr_store_client_insert(svc->db, c, svc->now_iso, err);
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "client.add", "client", c->id,
                     json_pack("{s:s,s:s}", "code", c->code, "source", "demo"), err);
      res->clients++;
    }
  }
  /* Every demo user logs in with ARR_DEMO_PASSWORD. One argon2id string (salt
   * included) serves them all: hashing costs ~0.1 s and 64 MiB each, and demo logins
   * are public anyway. */
  char pw_hash[crypto_pwhash_STRBYTES];
  if (rc == ARR_OK &&
      crypto_pwhash_str(pw_hash, ARR_DEMO_PASSWORD, strlen(ARR_DEMO_PASSWORD),
                        crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "password hashing ran out of memory");
  }
  int ncollectors = 0;
  for (int i = 0; rc == ARR_OK && i < NUSERS; i++) {
    arr_user u;
    memset(&u, 0, sizeof u);
    svc_strcpy(u.username, sizeof u.username, USERS[i].username);
    svc_strcpy(u.display_name, sizeof u.display_name, USERS[i].name);
    svc_strcpy(u.role, sizeof u.role, USERS[i].role);
    for (int c = 0; USERS[i].client != NULL && c < NCLIENTS; c++) {
      if (strcmp(clients[c].code, USERS[i].client) == 0) {
        u.client_id = clients[c].id;
      }
    }
    rc = arr_store_user_insert(svc->db, &u, svc->now_iso, err);
    if (rc == ARR_OK) {
      rc = arr_store_user_set_password(svc->db, u.id, pw_hash, svc->now_iso, err);
    }
    if (rc == ARR_OK) {
      rc = svc_audit(svc, "user.add", "user", u.id,
                     json_pack("{s:s,s:s}", "username", u.username, "role", u.role), err);
      res->users++;
      if (strcmp(u.role, "collector") == 0) {
        collectors[ncollectors++] = u.id;
      }
    }
  }
  return rc;
}

static arr_rc demo_history(arr_svc *svc, rng *r, arr_account *a, arr_date today,
                           const int64_t *collectors, svc_call_plan *plan,
                           arr_demo_result *res, arr_err *err) {
  arr_rc rc = ARR_OK;
  int npay = rchance(r, 35) ? (int)rrange(r, 1, 4) : 0;
  int64_t span = today - a->placed_on;
  /* Payment dates in calendar order, as they would arrive. */
  arr_date dates[4];
  for (int i = 0; i < npay && span > 0; i++) {
    dates[i] = (arr_date)(a->placed_on + rrange(r, 0, span));
    for (int k = i; k > 0 && dates[k] < dates[k - 1]; k--) {
      arr_date t = dates[k];
      dates[k] = dates[k - 1];
      dates[k - 1] = t;
    }
  }
  for (int i = 0; rc == ARR_OK && i < npay && span > 0; i++) {
    int64_t total = 0;
    arr_balance_total(&a->balance, &total);
    if (total <= 0) {
      break;
    }
    arr_payment p;
    memset(&p, 0, sizeof p);
    p.amount_cents = rchance(r, 10) ? total : rrange(r, 1, total < 50000 ? total : 50000);
    p.effective_on = dates[i];
    static const char *const methods[] = {"ach", "card", "check", "cash"};
    svc_strcpy(p.method, sizeof p.method, methods[rrange(r, 0, 3)]);
    svc_strcpy(p.source, sizeof p.source, "demo");
    rc = svc_post_payment(svc, a, &p, NULL, err);
    res->payments++;
    if (rc == ARR_OK && rchance(r, 3)) { /* returned: NSF */
      arr_ledger_entry orig, e;
      rc = arr_store_ledger_by_payment(svc->db, p.id, &orig, err);
      if (rc == ARR_OK) {
        rc = arr_store_payment_mark_reversed(svc->db, p.id, "nsf", svc->now_iso, err);
      }
      if (rc == ARR_OK) {
        memset(&e, 0, sizeof e);
        svc_strcpy(e.kind, sizeof e.kind, "reversal");
        e.effective_on = p.effective_on;
        e.payment_id = p.id;
        e.reverses_id = orig.id;
        svc_strcpy(e.memo, sizeof e.memo, "nsf");
        arr_balance_negate(&orig.amount, &e.amount);
        rc = arr_store_payment_last_date(svc->db, a->id, &a->last_payment_on, err);
        if (a->last_payment_on == ARR_DATE_NONE) {
          a->last_payment_on = a->creditor_last_payment_on;
        }
      }
      if (rc == ARR_OK) {
        rc = svc_ledger_post(svc, a, &e, err);
      }
    }
  }
  int ncalls = rchance(r, 50) ? (int)rrange(r, 1, 5) : 0;
  static const char *const outcomes[] = {
      "no_answer",    "left_message", "voicemail_no_message", "busy",
      "conversation", "no_answer",    "wrong_number",         "dropped"};
  /* Candidate times in order; each call is placed at the first moment the compliance
   * engine allows from its candidate on (a demo agency is a compliant one: the
   * compliance report on a fresh demo finds nothing). */
  arr_time times[5] = {0}; /* read by the sort even when span is 0 */
  for (int i = 0; i < ncalls && span > 0; i++) {
    times[i] = (arr_time)(a->placed_on + rrange(r, 0, span - 1)) * 86400 +
               rrange(r, 13 * 60, 25 * 60) * 60; /* 13:00-01:00 UTC */
  }
  for (int i = 1; i < ncalls; i++) {
    for (int j = i; j > 0 && times[j] < times[j - 1]; j--) {
      arr_time t = times[j];
      times[j] = times[j - 1];
      times[j - 1] = t;
    }
  }
  arr_time last = 0;
  if (ncalls > 0 && span > 0) {
    rc = svc_call_plan_load(svc, plan, a->id, times[0], err);
  }
  for (int i = 0; rc == ARR_OK && i < ncalls && span > 0; i++) {
    arr_time at = times[i] > last + 3600 ? times[i] : last + 3600;
    bool found = false;
    rc = svc_call_plan_next(plan, at, svc->now, &at, &found, err);
    if (rc != ARR_OK || !found) {
      continue;
    }
    last = at;
    arr_contact c;
    memset(&c, 0, sizeof c);
    c.account_id = a->id;
    c.debtor_id = a->debtor_id;
    svc_strcpy(c.channel, sizeof c.channel, "call");
    arr_time_format_utc(at, c.at);
    svc_strcpy(c.outcome, sizeof c.outcome, outcomes[rrange(r, 0, N(outcomes) - 1)]);
    static const char *const names[] = {"alice", "ben", "carmen"};
    svc_strcpy(c.actor, sizeof c.actor, names[rrange(r, 0, 2)]);
    rc = arr_store_contact_insert(svc->db, &c, svc->now_iso, err);
    if (rc == ARR_OK) {
      svc_call_plan_add(plan, &c);
    }
    res->contacts++;
  }
  (void)collectors;
  return rc;
}

arr_rc arr_svc_demo(arr_svc *svc, int64_t accounts, uint64_t seed,
                    void (*progress)(void *ctx, int64_t done, int64_t total), void *ctx,
                    arr_demo_result *res, arr_err *err) {
  memset(res, 0, sizeof *res);
  if (accounts < 1 || accounts > DEMO_MAX_ACCOUNTS) {
    return arr_err_set(err, ARR_ERR_INVALID, "--accounts must be between 1 and %d",
                       DEMO_MAX_ACCOUNTS);
  }
  int64_t existing = 0;
  arr_rc rc = arr_store_count(svc->db, "accounts", &existing, err);
  if (rc == ARR_OK && existing > 0) {
    return arr_err_set(
        err, ARR_ERR_CONFLICT,
        "the database already has %lld accounts; demo fills an empty database",
        (long long)existing);
  }
  rng r = {seed * UINT64_C(0x2545F4914F6CDD1D) + 1};
  arr_client clients[NCLIENTS];
  memset(clients, 0, sizeof clients);
  int64_t collectors[NUSERS] = {0};
  svc_call_plan *plan = svc_call_plan_new();
  if (plan == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  /* Hundreds of MiB of WAL per 100,000 accounts: checkpointed beside the writer. */
  arr_db_background_checkpoints(svc->db, true);
  rc = svc_begin(svc, err);
  if (rc == ARR_OK) {
    rc = demo_users_and_clients(svc, clients, collectors, res, err);
  }
  import_filters filters = {0};
  if (rc == ARR_OK) {
    rc = import_filters_load(svc, 0, accounts, &filters, err);
  }
  person prev;
  bool have_prev = false;
  arr_placement_row row;
  char acct[32];
  for (int64_t i = 1; rc == ARR_OK && i <= accounts; i++) {
    person p;
    if (have_prev && rchance(&r, 5)) {
      p = prev; /* the same person again, with another debt */
    } else {
      make_person(&r, i, &p);
    }
    prev = p;
    have_prev = true;
    int ci = (int)rrange(&r, 0, NCLIENTS - 1);
    arr_date placed = arr_date_add_days(svc->today, -(int32_t)rrange(&r, 1, 365));
    make_row(&r, &p, &CLIENTS[ci], i, placed, acct, &row);
    import_row_extra extra = {&filters, p.spanish ? "es" : "en",
                              collectors[rrange(&r, 0, 2)], placed};
    import_row_result ir;
    rc = import_row(svc, &clients[ci], 0, &row, &extra, NULL, &ir, err);
    if (rc == ARR_OK) {
      res->accounts++;
      res->debtors += ir.debtor_matched ? 0 : 1;
      arr_account *a = &ir.account;
      svc_strcpy(a->client_code, sizeof a->client_code, clients[ci].code);
      svc_strcpy(a->allocation_order, sizeof a->allocation_order,
                 clients[ci].allocation_order);
      /* Payments and reversals write their ledger entries; the account row is written
       * once with the final balance. */
      int64_t entries_before = res->payments;
      svc->defer_account_writes = true;
      rc = demo_history(svc, &r, a, svc->today, collectors, plan, res, err);
      svc->defer_account_writes = false;
      if (rc == ARR_OK && res->payments != entries_before) {
        rc = arr_store_account_update_money(svc->db, a, svc->now_iso, err);
      }
    }
    if (rc == ARR_OK && (i % DEMO_CHUNK == 0 || i == accounts)) {
      json_t *d = json_pack("{s:I,s:I,s:I}", "seed", (json_int_t)seed, "accounts_done",
                            (json_int_t)i, "of", (json_int_t)accounts);
      rc = svc_audit(svc, "demo.load_chunk", "database", 0, d, err);
      if (rc == ARR_OK) {
        rc = svc_commit(svc, err);
      }
      if (rc == ARR_OK && i < accounts) {
        rc = svc_begin(svc, err);
      }
      if (progress != NULL) {
        progress(ctx, i, accounts);
      }
    }
  }
  if (rc != ARR_OK && arr_db_in_tx(svc->db)) {
    svc_rollback(svc);
  }
  arr_db_background_checkpoints(svc->db, false);
  import_filters_free(&filters);
  svc_call_plan_free(plan);
  return rc;
}
