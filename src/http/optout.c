/*
 * optout.c — the public email opt-out page, /optout/TOKEN (1006.6(e): every email
 * carries a simple way to stop emails). No session, no JavaScript: a small page
 * rendered here, its text HTML-escaped.
 *
 *   GET  /optout/TOKEN   the masked address (a***@example.com) and a "Stop emails"
 *                        button (a POST form to the same URL), or "already stopped"
 *   POST /optout/TOKEN   records the opt-out (service/email.c, arr_svc_optout) and
 *                        confirms; any body, so the one-click POST a mail provider
 *                        sends (RFC 8058, body "List-Unsubscribe=One-Click") works
 *
 * A token that is malformed (not 43 base64url characters) or unknown gets the same
 * 404 page, which says nothing about why. The token is removed from the path before
 * the access log sees it, and pages are not cached (Cache-Control: no-store) or
 * indexed; Referrer-Policy: no-referrer comes with every response.
 */
#include <stdio.h>
#include <string.h>

#include "http/internal.h"

enum { PAGE_MAX_BYTES = 8192 };

static const char PAGE_HEAD[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<meta name=\"robots\" content=\"noindex\"><title>%s</title><style>"
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#1f2933;"
    "background:#f5f7fa;margin:0}main{max-width:34rem;margin:4rem auto;padding:2rem;"
    "background:#fff;border-radius:.5rem;box-shadow:0 1px 3px rgba(0,0,0,.12);"
    "line-height:1.5}h1{font-size:1.4rem;margin-top:0}button{font-size:1rem;"
    "padding:.6rem 1.4rem;border:0;border-radius:.3rem;background:#1d4ed8;color:#fff;"
    "cursor:pointer}button:focus{outline:3px solid #93c5fd}</style></head>\n"
    "<body><main>\n";
static const char PAGE_TAIL[] = "</main></body></html>\n";

/* s with & < > " ' escaped, in the request's arena; NULL when out of memory. */
static char *html_escape(http_req *r, const char *s) {
  size_t n = 0;
  for (const char *p = s; *p != '\0'; p++) {
    n += strchr("&<>\"'", *p) != NULL ? 6 : 1;
  }
  char *out = arr_arena_alloc(&r->arena, n + 1), *o = out;
  if (out == NULL) {
    return NULL;
  }
  for (const char *p = s; *p != '\0'; p++) {
    const char *e = *p == '&'    ? "&amp;"
                    : *p == '<'  ? "&lt;"
                    : *p == '>'  ? "&gt;"
                    : *p == '"'  ? "&quot;"
                    : *p == '\'' ? "&#39;"
                                 : NULL;
    if (e != NULL) {
      size_t k = strlen(e);
      memcpy(o, e, k);
      o += k;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

/* Sets the response to the page: title (escaped here) and body (already HTML). */
static void page(http_req *r, unsigned status, const char *title, const char *body) {
  char *t = html_escape(r, title);
  char *buf = arr_arena_alloc(&r->arena, PAGE_MAX_BYTES);
  int n = -1;
  if (t != NULL && buf != NULL) {
    n = snprintf(buf, PAGE_MAX_BYTES, PAGE_HEAD, t);
  }
  if (n > 0 && (size_t)n < PAGE_MAX_BYTES) {
    int m = snprintf(buf + n, PAGE_MAX_BYTES - (size_t)n, "%s%s", body, PAGE_TAIL);
    n = m > 0 && (size_t)m < PAGE_MAX_BYTES - (size_t)n ? n + m : -1;
  }
  if (n <= 0 || (size_t)n >= PAGE_MAX_BYTES) {
    http_error(r, 500, "internal", "the page could not be built", NULL);
    return;
  }
  r->status = status;
  r->content_type = "text/html; charset=utf-8";
  r->resp_body = buf;
  r->resp_len = (size_t)n;
  r->resp_free = false;
  http_header_add(r, "Cache-Control", "no-store");
  http_header_add(r, "X-Robots-Tag", "noindex");
}

static void not_found(http_req *r) {
  page(r, 404, "Link not found",
       "<h1>Link not found</h1>\n<p>This link is not valid. If you copied it from an "
       "email, check that you copied all of it.</p>\n");
}

static void failed(http_req *r, const arr_err *err) {
  fprintf(stderr, "arrears serve: %s /optout: %s\n", r->method, err->msg);
  page(r, 500, "Something went wrong",
       "<h1>Something went wrong</h1>\n<p>Your request could not be completed. Please "
       "try again later.</p>\n");
}

/* The page for a service result {status, masked_email, agency}. */
static void result_page(http_req *r, json_t *res) {
  const char *status = json_string_value(json_object_get(res, "status"));
  const char *agency = json_string_value(json_object_get(res, "agency"));
  const char *masked = json_string_value(json_object_get(res, "masked_email"));
  char *who = html_escape(r, agency != NULL ? agency : "us");
  char *addr = html_escape(r, masked != NULL ? masked : "");
  char *body = arr_arena_alloc(&r->arena, PAGE_MAX_BYTES / 2);
  char title[300];
  if (who == NULL || addr == NULL || body == NULL) {
    http_error(r, 500, "internal", "out of memory", NULL);
    return;
  }
  if (status != NULL && strcmp(status, "active") == 0) {
    snprintf(title, sizeof title, "Stop emails from %s", agency != NULL ? agency : "us");
    snprintf(body, PAGE_MAX_BYTES / 2,
             "<h1>Stop emails from %s?</h1>\n<p>We send emails about your account to "
             "<strong>%s</strong>. Press the button and we will stop sending emails to "
             "this address.</p>\n<form method=\"post\"><input type=\"hidden\" "
             "name=\"List-Unsubscribe\" value=\"One-Click\"><button type=\"submit\">"
             "Stop emails</button></form>\n",
             who, addr);
  } else if (status != NULL && strcmp(status, "stopped") == 0) {
    snprintf(title, sizeof title, "Emails stopped");
    snprintf(body, PAGE_MAX_BYTES / 2,
             "<h1>Emails stopped</h1>\n<p>You will no longer receive emails from %s at "
             "<strong>%s</strong>.</p>\n",
             who, addr);
  } else {
    snprintf(title, sizeof title, "Emails already stopped");
    snprintf(body, PAGE_MAX_BYTES / 2,
             "<h1>Emails already stopped</h1>\n<p>Emails from %s to <strong>%s</strong> "
             "are already stopped. You do not need to do anything else.</p>\n",
             who, addr);
  }
  page(r, 200, title, body);
}

void http_optout(http_req *r) {
  const char *token = r->path + strlen("/optout/");
  char tok[48];
  bool plausible = strlen(token) < sizeof tok && strchr(token, '/') == NULL;
  snprintf(tok, sizeof tok, "%s", plausible ? token : "");
  r->path = "/optout/(token)"; /* the access log never sees a token */
  bool is_get = strcmp(r->method, "GET") == 0 || strcmp(r->method, "HEAD") == 0;
  if (!is_get && strcmp(r->method, "POST") != 0) {
    page(r, 405, "Method not allowed", "<h1>Method not allowed</h1>\n");
    http_header_add(r, "Allow", "GET, HEAD, POST");
    return;
  }
  if (r->svc == NULL) {
    arr_err err;
    arr_err_set(&err, ARR_ERR_IO, "no database connection");
    failed(r, &err);
    return;
  }
  arr_err err;
  arr_err_clear(&err);
  json_t *res = NULL;
  arr_rc rc = is_get ? arr_svc_optout_peek(r->svc, tok, &res, &err)
                     : arr_svc_optout(r->svc, tok, &res, &err);
  if (rc == ARR_ERR_NOTFOUND) {
    not_found(r);
  } else if (rc != ARR_OK) {
    failed(r, &err);
  } else {
    result_page(r, res);
  }
  json_decref(res);
}
