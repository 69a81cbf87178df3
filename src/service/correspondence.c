/*
 * correspondence.c — inbound correspondence: a scanned letter, a fax or an email
 * filed to an account, classified, with its document kept for viewing.
 *
 * Filing checks everything before the transaction (channel, dates, kind, text,
 * the document's name, type, size and magic bytes), classifies the text it has
 * (core/classify: the subject, the body text, and a text/plain or message/rfc822
 * document; a scan's words are not read — no OCR — so a scan with no subject files
 * as "other" unless the person filing names the kind), hashes and encodes the
 * document, then writes in one transaction: the document, the item, for a dispute,
 * cease, bankruptcy or attorney item the account event that holds collection (through
 * svc_event_add, the same record and audit as `account event`), and the audit event.
 *
 * The event's time is received_on at 12:00 UTC, or now when that is later (an item
 * received today must hold from now on, not from noon). Reclassifying an item records
 * the new kind's event the same way; an event recorded before stays in effect until
 * someone releases it, because a hold lifted by a mistaken click is worse than one
 * a supervisor releases on purpose.
 *
 * Documents are stored as base64 text (both engines alike), at most 10 MiB each,
 * with their SHA-256. Reading one checks that the caller may read its account: a
 * client user reads only its own client's accounts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/classify.h"
#include "service/internal.h"

enum { PAGE_MAX = 200 };

static const char *const STAFF[] = {"collector", "supervisor", "compliance", "admin",
                                    NULL};
static const char *const OVERSEERS[] = {"supervisor", "compliance", "admin", NULL};
static const char *const CHANNELS[] = {"mail", "email", "fax", "upload", NULL};

/* The allowed content types and the magic bytes a document of each starts with
 * (magic NULL: text, checked otherwise). */
typedef struct {
  const char *type;
  const char *magic, *magic2;
  size_t magic_len;
  const char *describe; /* for messages */
} content_type_def;
static const content_type_def TYPES[] = {
    {"application/pdf", "%PDF-", NULL, 5, "a PDF starts with \"%PDF-\""},
    {"image/png", "\x89PNG\r\n\x1a\n", NULL, 8, "a PNG starts with \\x89PNG"},
    {"image/jpeg", "\xff\xd8\xff", NULL, 3, "a JPEG starts with FF D8 FF"},
    {"image/tiff", "II*\0", "MM\0*", 4, "a TIFF starts with \"II*\" or \"MM\""},
    {"text/plain", NULL, NULL, 0, "text/plain must be UTF-8 text without NUL bytes"},
    {"message/rfc822", NULL, NULL, 0, "an email must be text without NUL bytes"},
};
enum { NTYPES = (int)(sizeof TYPES / sizeof TYPES[0]) };

static bool one_of(const char *s, const char *const *list) {
  for (int i = 0; s != NULL && list[i] != NULL; i++) {
    if (strcmp(s, list[i]) == 0) {
      return true;
    }
  }
  return false;
}

/* The account event a kind records ("" for payment and other). */
static const char *event_type_of(arr_corr_kind k) {
  switch (k) {
  case ARR_CORR_DISPUTE: return "dispute_written";
  case ARR_CORR_CEASE: return "cease_written";
  case ARR_CORR_BANKRUPTCY: return "bankruptcy_filed";
  case ARR_CORR_ATTORNEY: return "attorney_represented";
  case ARR_CORR_PAYMENT:
  case ARR_CORR_OTHER: break;
  }
  return "";
}

/* Strict UTF-8 (no overlong forms, surrogates or code points past U+10FFFF); with
 * line true, also no control characters (C0, DEL, C1). */
static bool utf8_ok(const unsigned char *s, size_t n, bool line) {
  size_t i = 0;
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      if (c == 0 || (line && (c < 0x20 || c == 0x7f))) {
        return false;
      }
      i++;
      continue;
    }
    size_t len = (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (len == 0 || i + len > n) {
      return false;
    }
    uint32_t cp = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    static const uint32_t MIN[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < MIN[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF) ||
        (line && cp <= 0x9F)) {
      return false;
    }
    i += len;
  }
  return true;
}

/* ---- validation ---- */

static arr_rc check_text(const arr_corr_request *req, arr_err *err) {
  if (req->subject != NULL) {
    size_t n = strlen(req->subject);
    if (n > ARR_CORR_SUBJECT_MAX ||
        !utf8_ok((const unsigned char *)req->subject, n, true)) {
      return arr_err_field(err, ARR_ERR_INVALID, "subject",
                           "subject must be one line of UTF-8 text, at most %d bytes",
                           ARR_CORR_SUBJECT_MAX);
    }
  }
  if (req->body_text != NULL) {
    size_t n = strlen(req->body_text);
    if (n > ARR_CORR_TEXT_MAX ||
        !utf8_ok((const unsigned char *)req->body_text, n, false)) {
      return arr_err_field(err, ARR_ERR_INVALID, "body_text",
                           "body_text must be UTF-8 text, at most %d bytes (64 KiB)",
                           ARR_CORR_TEXT_MAX);
    }
  }
  return ARR_OK;
}

static arr_rc check_document(const arr_corr_request *req, const content_type_def **type,
                             arr_err *err) {
  *type = NULL;
  if (req->data == NULL) {
    if ((req->file_name != NULL && req->file_name[0] != '\0') ||
        (req->content_type != NULL && req->content_type[0] != '\0')) {
      return arr_err_field(err, ARR_ERR_INVALID, "document.content_base64",
                           "document: a file name and content type need the content");
    }
    return ARR_OK;
  }
  size_t nl = req->file_name != NULL ? strlen(req->file_name) : 0;
  if (nl == 0 || nl > ARR_CORR_FILE_NAME_MAX ||
      !utf8_ok((const unsigned char *)req->file_name, nl, true) ||
      strpbrk(req->file_name, "/\\") != NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "document.file_name",
                         "document.file_name must be 1..%d bytes of printable UTF-8 "
                         "without / or \\",
                         ARR_CORR_FILE_NAME_MAX);
  }
  for (int i = 0; i < NTYPES && *type == NULL; i++) {
    if (req->content_type != NULL && strcmp(req->content_type, TYPES[i].type) == 0) {
      *type = &TYPES[i];
    }
  }
  if (*type == NULL) {
    return arr_err_field(err, ARR_ERR_INVALID, "document.content_type",
                         "document.content_type \"%s\" is not accepted (application/pdf, "
                         "image/png, image/jpeg, image/tiff, text/plain, message/rfc822)",
                         req->content_type != NULL ? req->content_type : "");
  }
  if (req->data_len == 0) {
    return arr_err_field(err, ARR_ERR_INVALID, "document.content_base64",
                         "document: the file is empty");
  }
  if (req->data_len > ARR_CORR_DOCUMENT_MAX) {
    return arr_err_field(err, ARR_ERR_INVALID, "document.content_base64",
                         "document: a document is at most 10 MiB (%d bytes); this one is "
                         "%zu bytes",
                         ARR_CORR_DOCUMENT_MAX, req->data_len);
  }
  const content_type_def *t = *type;
  bool ok;
  if (t->magic != NULL) {
    ok = req->data_len >= t->magic_len &&
         (memcmp(req->data, t->magic, t->magic_len) == 0 ||
          (t->magic2 != NULL && memcmp(req->data, t->magic2, t->magic_len) == 0));
  } else if (strcmp(t->type, "text/plain") == 0) {
    ok = utf8_ok(req->data, req->data_len, false);
  } else {
    ok = memchr(req->data, 0, req->data_len) == NULL;
  }
  if (!ok) {
    return arr_err_field(err, ARR_ERR_INVALID, "document.content_base64",
                         "document: the content does not match its content type %s (%s)",
                         t->type, t->describe);
  }
  return ARR_OK;
}

/* Checks everything in req that needs no database: *received the date, *type the
 * document's content type (NULL without a document). */
static arr_rc check_request(arr_svc *svc, const arr_corr_request *req, arr_date *received,
                            const content_type_def **type, arr_err *err) {
  if (!one_of(req->channel, CHANNELS)) {
    return arr_err_field(err, ARR_ERR_INVALID, "channel",
                         "channel must be mail, email, fax or upload, not \"%s\"",
                         req->channel != NULL ? req->channel : "");
  }
  const char *r = req->received_on;
  if (r == NULL || !arr_date_parse(r, strlen(r), received)) {
    return arr_err_field(err, ARR_ERR_INVALID, "received_on",
                         "received_on must be a date like 2026-11-20");
  }
  if (*received > svc->today) {
    return arr_err_field(err, ARR_ERR_INVALID, "received_on",
                         "received_on must not be in the future");
  }
  arr_corr_kind k;
  if (req->kind != NULL && !arr_corr_kind_parse(req->kind, &k)) {
    return arr_err_field(err, ARR_ERR_INVALID, "kind",
                         "kind must be dispute, cease, payment, bankruptcy, attorney or "
                         "other, not \"%s\"",
                         req->kind);
  }
  arr_rc rc = check_text(req, err);
  if (rc == ARR_OK) {
    rc = check_document(req, type, err);
  }
  if (rc == ARR_OK && req->data == NULL && (req->subject == NULL || !req->subject[0]) &&
      (req->body_text == NULL || !req->body_text[0])) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "document",
                       "an item needs a subject, a body_text or a document");
  }
  return rc;
}

/* The classifier over every text the item has: the highest-ranked kind found. */
static void suggest(const arr_corr_request *req, const content_type_def *type,
                    arr_corr_kind *kind, const char **phrase) {
  const char *texts[3] = {req->subject, req->body_text, NULL};
  size_t lens[3] = {req->subject ? strlen(req->subject) : 0,
                    req->body_text ? strlen(req->body_text) : 0, 0};
  if (type != NULL && type->magic == NULL) {
    texts[2] = (const char *)req->data;
    lens[2] = req->data_len;
  }
  *kind = ARR_CORR_OTHER;
  *phrase = NULL;
  for (int i = 0; i < 3; i++) {
    arr_corr_kind k;
    const char *p = NULL;
    size_t at = 0;
    arr_classify_correspondence(texts[i], texts[i] != NULL ? lens[i] : 0, &k, &p, &at);
    if (arr_corr_kind_rank(k) > arr_corr_kind_rank(*kind)) {
      *kind = k;
      *phrase = p;
    }
  }
}

/* The instant an item's event is recorded at: received_on 12:00 UTC, or now. */
static arr_time event_time(const arr_svc *svc, arr_date received) {
  arr_time noon = (arr_time)received * 86400 + 12 * 3600;
  return noon < svc->now ? noon : svc->now;
}

/* ---- views ---- */

static json_t *opt_str(const char *s) {
  return s[0] != '\0' ? json_string(s) : json_null();
}

static json_t *item_json(const arr_correspondence *c) {
  json_t *o = json_object();
  svc_set_int(o, "id", c->id);
  svc_set_str(o, "direction", "in");
  svc_set_int(o, "account_id", c->account_id);
  svc_set_str(o, "channel", c->channel);
  svc_set_str(o, "kind", c->kind);
  svc_set(o, "suggested_kind", opt_str(c->suggested_kind));
  svc_set(o, "suggested_phrase", opt_str(c->suggested_phrase));
  svc_set(o, "received_on", svc_date_json(c->received_on));
  svc_set(o, "subject", opt_str(c->subject));
  svc_set(o, "has_body_text", json_boolean(c->has_body_text));
  svc_set(o, "has_document", json_boolean(c->document_id != 0));
  json_t *doc = json_null();
  if (c->document_id != 0) {
    char url[96];
    snprintf(url, sizeof url, "/api/v1/correspondence/%lld/document", (long long)c->id);
    doc = json_object();
    svc_set_int(doc, "id", c->document_id);
    svc_set_str(doc, "file_name", c->document.file_name);
    svc_set_str(doc, "content_type", c->document.content_type);
    svc_set_int(doc, "size_bytes", c->document.size_bytes);
    svc_set_str(doc, "sha256", c->document.sha256);
    svc_set_str(doc, "url", url);
  }
  svc_set(o, "document", doc);
  json_t *ev = json_null();
  if (c->event_id != 0) {
    ev = json_object();
    svc_set_int(ev, "id", c->event_id);
    svc_set_str(ev, "type", c->event_type);
    svc_set_str(ev, "at", c->event_at);
    svc_set(ev, "released_at", opt_str(c->event_released_at));
  }
  svc_set(o, "event", ev);
  svc_set_str(o, "created_at", c->created_at);
  svc_set_str(o, "actor", c->actor);
  return o;
}

/* Loads item id, checking the caller may read its account. */
static arr_rc load_item(arr_svc *svc, int64_t id, arr_correspondence *c, arr_err *err) {
  arr_rc rc = arr_store_correspondence_get(svc->db, id, c, err);
  if (rc == ARR_ERR_NOTFOUND) {
    return arr_err_set(err, rc, "correspondence %lld not found", (long long)id);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  char ref[24];
  snprintf(ref, sizeof ref, "%lld", (long long)c->account_id);
  int64_t account_id = 0;
  return arr_svc_account_resolve(svc, ref, &account_id, err);
}

/* ---- use cases ---- */

/* Writes the document and the item (and its event) inside the open transaction. */
static arr_rc file_item(arr_svc *svc, arr_correspondence *c, const arr_corr_request *req,
                        arr_document *doc, const char *b64, arr_err *err) {
  arr_rc rc = ARR_OK;
  if (b64 != NULL) {
    rc = arr_store_document_insert(svc->db, doc, b64, err);
    c->document_id = doc->id;
  }
  if (rc == ARR_OK) {
    rc = arr_store_correspondence_insert(svc->db, c, req->body_text, err);
  }
  arr_corr_kind k = ARR_CORR_OTHER;
  arr_corr_kind_parse(c->kind, &k);
  const char *type = event_type_of(k);
  if (rc == ARR_OK && type[0] != '\0') {
    char note[96];
    snprintf(note, sizeof note, "correspondence %lld (%s)", (long long)c->id, c->channel);
    rc = svc_event_add(svc, c->account_id, type, event_time(svc, c->received_on), note,
                       NULL, &c->event_id, err);
    if (rc == ARR_OK) {
      rc = arr_store_correspondence_set_kind(svc->db, c->id, c->kind, c->event_id, err);
    }
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack(
        "{s:I,s:s,s:s,s:o,s:s,s:o,s:o}", "account_id", (json_int_t)c->account_id,
        "channel", c->channel, "kind", c->kind, "suggested_kind",
        opt_str(c->suggested_kind), "received_on", req->received_on, "event_id",
        c->event_id != 0 ? json_integer(c->event_id) : json_null(), "document",
        b64 == NULL ? json_null()
                    : json_pack("{s:s,s:s,s:I,s:s}", "file_name", doc->file_name,
                                "content_type", doc->content_type, "size_bytes",
                                (json_int_t)doc->size_bytes, "sha256", doc->sha256));
    rc = svc_audit(svc, "correspondence.add", "correspondence", c->id, d, err);
  }
  return rc;
}

/* Hashes and base64-encodes the request's document into doc and *b64 (malloc'd). */
static arr_rc encode_document(arr_svc *svc, const arr_corr_request *req,
                              arr_document *doc, char **b64, arr_err *err) {
  *b64 = NULL;
  if (req->data == NULL) {
    return ARR_OK;
  }
  svc_strcpy(doc->file_name, sizeof doc->file_name, req->file_name);
  svc_strcpy(doc->content_type, sizeof doc->content_type, req->content_type);
  doc->size_bytes = (int64_t)req->data_len;
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, req->data, req->data_len);
  sodium_bin2hex(doc->sha256, sizeof doc->sha256, h, sizeof h);
  svc_strcpy(doc->created_at, sizeof doc->created_at, svc->now_iso);
  svc_strcpy(doc->actor, sizeof doc->actor, svc->actor);
  size_t cap = sodium_base64_ENCODED_LEN(req->data_len, sodium_base64_VARIANT_ORIGINAL);
  *b64 = malloc(cap);
  if (*b64 == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory encoding the document");
  }
  sodium_bin2base64(*b64, cap, req->data, req->data_len, sodium_base64_VARIANT_ORIGINAL);
  return ARR_OK;
}

arr_rc arr_svc_correspondence_add(arr_svc *svc, const arr_corr_request *req, json_t **out,
                                  arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "filing correspondence", STAFF, err);
  arr_date received = ARR_DATE_NONE;
  const content_type_def *type = NULL;
  if (rc == ARR_OK) {
    rc = check_request(svc, req, &received, &type, err);
  }
  arr_correspondence c;
  memset(&c, 0, sizeof c);
  if (rc == ARR_OK) {
    rc = arr_svc_account_resolve(svc, req->account, &c.account_id, err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  arr_corr_kind sugg;
  const char *phrase = NULL;
  suggest(req, type, &sugg, &phrase);
  svc_strcpy(c.channel, sizeof c.channel, req->channel);
  svc_strcpy(c.kind, sizeof c.kind,
             req->kind != NULL ? req->kind : arr_corr_kind_name(sugg));
  svc_strcpy(c.suggested_kind, sizeof c.suggested_kind, arr_corr_kind_name(sugg));
  svc_strcpy(c.suggested_phrase, sizeof c.suggested_phrase, phrase != NULL ? phrase : "");
  c.received_on = received;
  svc_strcpy(c.subject, sizeof c.subject, req->subject != NULL ? req->subject : "");
  svc_strcpy(c.created_at, sizeof c.created_at, svc->now_iso);
  svc_strcpy(c.actor, sizeof c.actor, svc->actor);
  arr_document doc;
  memset(&doc, 0, sizeof doc);
  char *b64 = NULL;
  rc = encode_document(svc, req, &doc, &b64, err);
  if (rc == ARR_OK) {
    rc = svc_begin(svc, err);
  }
  if (rc == ARR_OK) {
    arr_account a;
    rc = arr_store_account_get(svc->db, c.account_id, &a, err);
    if (rc == ARR_OK && a.placed_on != ARR_DATE_NONE &&
        received < arr_date_add_months(a.placed_on, -12)) {
      rc = arr_err_field(err, ARR_ERR_INVALID, "received_on",
                         "received_on must not be more than a year before the account "
                         "was placed");
    }
    if (rc == ARR_OK) {
      rc = file_item(svc, &c, req, &doc, b64, err);
    }
    if (rc == ARR_OK) {
      rc = svc_commit(svc, err);
    } else {
      svc_rollback(svc);
    }
  }
  free(b64);
  if (rc == ARR_OK) {
    rc = arr_store_correspondence_get(svc->db, c.id, &c, err);
  }
  if (rc == ARR_OK) {
    *out = item_json(&c);
  }
  return rc;
}

arr_rc arr_svc_correspondence_list(arr_svc *svc, const char *account, int64_t before_id,
                                   int limit, json_t **out, arr_err *err) {
  if (limit < 1 || limit > PAGE_MAX) {
    return arr_err_field(err, ARR_ERR_INVALID, "limit", "limit must be from 1 to %d",
                         PAGE_MAX);
  }
  int64_t id = 0;
  arr_rc rc = arr_svc_account_resolve(svc, account, &id, err);
  if (rc != ARR_OK) {
    return rc;
  }
  arr_correspondence *rows = malloc(((size_t)limit + 1) * sizeof *rows);
  if (rows == NULL) {
    return arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  }
  int n = 0;
  rc = arr_store_correspondence_list(svc->db, id, before_id, rows, limit + 1, &n, err);
  if (rc == ARR_OK) {
    bool more = n > limit;
    int shown = more ? limit : n;
    json_t *items = json_array();
    for (int i = 0; i < shown; i++) {
      json_array_append_new(items, item_json(&rows[i]));
    }
    *out = json_pack("{s:o,s:o}", "items", items, "next_after",
                     more ? json_integer(rows[shown - 1].id) : json_null());
  }
  free(rows);
  return rc;
}

arr_rc arr_svc_correspondence_show(arr_svc *svc, int64_t id, json_t **out, arr_err *err) {
  arr_correspondence c;
  arr_rc rc = load_item(svc, id, &c, err);
  char *text = NULL;
  if (rc == ARR_OK) {
    rc = arr_store_correspondence_body(svc->db, id, &text, err);
  }
  if (rc == ARR_OK) {
    *out = item_json(&c);
    svc_set(*out, "body_text", text != NULL ? json_string(text) : json_null());
  }
  free(text);
  return rc;
}

void arr_svc_corr_document_free(arr_corr_document *doc) {
  free(doc->data);
  doc->data = NULL;
  doc->len = 0;
}

arr_rc arr_svc_correspondence_document(arr_svc *svc, int64_t id, arr_corr_document *doc,
                                       arr_err *err) {
  memset(doc, 0, sizeof *doc);
  arr_correspondence c;
  arr_rc rc = load_item(svc, id, &c, err);
  if (rc == ARR_OK && c.document_id == 0) {
    rc = arr_err_set(err, ARR_ERR_NOTFOUND, "correspondence %lld has no document",
                     (long long)id);
  }
  arr_document d;
  char *b64 = NULL;
  size_t b64_len = 0;
  if (rc == ARR_OK) {
    rc = arr_store_document_get(svc->db, c.document_id, &d, &b64, &b64_len, err);
  }
  if (rc == ARR_OK) {
    size_t cap = b64_len / 4 * 3 + 3;
    doc->data = malloc(cap > 0 ? cap : 1);
    size_t len = 0;
    if (doc->data == NULL) {
      rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory reading the document");
    } else if (b64 == NULL ||
               sodium_base642bin(doc->data, cap, b64, b64_len, NULL, &len, NULL,
                                 sodium_base64_VARIANT_ORIGINAL) != 0 ||
               (int64_t)len != d.size_bytes) {
      rc = arr_err_set(err, ARR_ERR_INTEGRITY,
                       "document %lld is damaged (its stored content does not decode to "
                       "%lld bytes)",
                       (long long)d.id, (long long)d.size_bytes);
    }
    doc->len = len;
    svc_strcpy(doc->file_name, sizeof doc->file_name, d.file_name);
    svc_strcpy(doc->content_type, sizeof doc->content_type, d.content_type);
    svc_strcpy(doc->sha256, sizeof doc->sha256, d.sha256);
  }
  free(b64);
  if (rc != ARR_OK) {
    arr_svc_corr_document_free(doc);
  }
  return rc;
}

/* Writes all of data to fd. */
static bool write_all(int fd, const unsigned char *data, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, data, n);
    if (w < 0 && errno == EINTR) {
      continue;
    }
    if (w <= 0) {
      return false;
    }
    data += w;
    n -= (size_t)w;
  }
  return true;
}

arr_rc arr_svc_correspondence_save(arr_svc *svc, int64_t id, const char *path,
                                   json_t **out, arr_err *err) {
  arr_rc rc = svc_check_output_path(svc, path, err);
  arr_corr_document doc;
  memset(&doc, 0, sizeof doc);
  if (rc == ARR_OK) {
    rc = arr_svc_correspondence_document(svc, id, &doc, err);
  }
  char tmp[4200];
  if (rc == ARR_OK && (size_t)snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path,
                                       (long)getpid()) >= sizeof tmp) {
    rc = arr_err_set(err, ARR_ERR_INVALID, "the output path is too long");
  }
  if (rc == ARR_OK) {
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && write_all(fd, doc.data, doc.len);
    ok = fd >= 0 && close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
      rc = arr_err_set(err, ARR_ERR_IO, "cannot write %s: %s", path, strerror(errno));
      unlink(tmp);
    }
  }
  if (rc == ARR_OK) {
    *out = json_pack("{s:I,s:s,s:s,s:I,s:s,s:s}", "id", (json_int_t)id, "file_name",
                     doc.file_name, "content_type", doc.content_type, "size_bytes",
                     (json_int_t)doc.len, "sha256", doc.sha256, "path", path);
  }
  arr_svc_corr_document_free(&doc);
  return rc;
}

arr_rc arr_svc_correspondence_classify(arr_svc *svc, int64_t id, const char *kind,
                                       json_t **out, arr_err *err) {
  arr_rc rc = arr_svc_require(svc, "reclassifying correspondence", OVERSEERS, err);
  arr_corr_kind k = ARR_CORR_OTHER;
  if (rc == ARR_OK && !arr_corr_kind_parse(kind, &k)) {
    rc = arr_err_field(err, ARR_ERR_INVALID, "kind",
                       "kind must be dispute, cease, payment, bankruptcy, attorney or "
                       "other, not \"%s\"",
                       kind != NULL ? kind : "");
  }
  arr_correspondence c;
  if (rc == ARR_OK) {
    rc = load_item(svc, id, &c, err);
  }
  if (rc != ARR_OK || strcmp(c.kind, kind) == 0) {
    if (rc == ARR_OK) {
      *out = item_json(&c);
    }
    return rc;
  }
  rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  const char *type = event_type_of(k);
  int64_t event_id = 0;
  if (type[0] != '\0') {
    char note[96];
    snprintf(note, sizeof note, "correspondence %lld (%s), reclassified", (long long)id,
             c.channel);
    rc = svc_event_add(svc, c.account_id, type, event_time(svc, c.received_on), note,
                       NULL, &event_id, err);
  }
  if (rc == ARR_OK) {
    rc = arr_store_correspondence_set_kind(svc->db, id, kind, event_id, err);
  }
  if (rc == ARR_OK) {
    json_t *d = json_pack(
        "{s:I,s:s,s:s,s:o,s:o}", "account_id", (json_int_t)c.account_id, "from", c.kind,
        "to", kind, "event_id", event_id ? json_integer(event_id) : json_null(),
        "previous_event_id", c.event_id ? json_integer(c.event_id) : json_null());
    rc = svc_audit(svc, "correspondence.classify", "correspondence", id, d, err);
  }
  if (rc != ARR_OK) {
    svc_rollback(svc);
    return rc;
  }
  rc = svc_commit(svc, err);
  if (rc == ARR_OK) {
    rc = load_item(svc, id, &c, err);
  }
  if (rc == ARR_OK) {
    *out = item_json(&c);
  }
  return rc;
}
