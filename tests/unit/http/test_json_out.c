/*
 * test_json_out.c — the server's JSON writer must say exactly what json_dumps says:
 * random trees (nested objects and arrays, every integer edge, strings with quotes,
 * backslashes, control characters, multi-byte UTF-8 and U+2028/U+2029) are written,
 * parsed back with jansson, and compared with json_equal; fixed cases check the
 * escapes byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "http/internal.h"

static uint64_t rng = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static json_t *random_string(void) {
  static const char *const PIECES[] = {
      "a",       "Z",    "0",    " ",    "\"", "\\", "/", "\n",           "\r",
      "\t",      "\x01", "\x1f", "\x7f", "é",  "€",  "😀", "\xe2\x80\xa8", "\xe2\x80\xa9",
      "O'Brien", "<"};
  char buf[256] = "";
  int n = (int)(rnd() % 12);
  for (int i = 0; i < n; i++) {
    strcat(buf, PIECES[rnd() % (sizeof PIECES / sizeof PIECES[0])]);
  }
  return json_string(buf);
}

static json_t *random_value(int depth) {
  static const json_int_t INTS[] = {
      0, 1, -1, 9, 10, -10, 1234567, INT64_MAX, INT64_MIN, INT64_MIN + 1, 999999999999};
  switch (depth > 3 ? rnd() % 5 : rnd() % 7) {
  case 0: return json_integer(INTS[rnd() % (sizeof INTS / sizeof INTS[0])]);
  case 1: return random_string();
  case 2: return json_null();
  case 3: return json_boolean(rnd() % 2);
  case 4: return json_integer((json_int_t)(rnd() >> 1) * (rnd() % 2 ? 1 : -1));
  case 5: {
    json_t *a = json_array();
    for (int i = (int)(rnd() % 5); i > 0; i--) {
      json_array_append_new(a, random_value(depth + 1));
    }
    return a;
  }
  default: {
    json_t *o = json_object();
    for (int i = (int)(rnd() % 5); i > 0; i--) {
      json_t *k = random_string();
      json_object_set_new(o, json_string_value(k), random_value(depth + 1));
      json_decref(k);
    }
    return o;
  }
  }
}

static void test_round_trip(void **state) {
  (void)state;
  for (int i = 0; i < 5000; i++) {
    json_t *v = random_value(0);
    size_t len = 0;
    char *text = http_json_text(v, &len);
    assert_non_null(text);
    assert_int_equal(len, strlen(text));
    json_error_t e;
    json_t *back = json_loadb(text, len, JSON_DECODE_ANY, &e);
    if (back == NULL || !json_equal(v, back)) {
      fail_msg("round trip %d differs: %s (%s)", i, text, back == NULL ? e.text : "");
    }
    /* Same bytes as jansson's compact dump, except the line separators we escape. */
    char *ref = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (strstr(ref, "\xe2\x80\xa8") == NULL && strstr(ref, "\xe2\x80\xa9") == NULL) {
      assert_string_equal(text, ref);
    }
    free(ref);
    free(text);
    json_decref(back);
    json_decref(v);
  }
}

static void test_escapes(void **state) {
  (void)state;
  json_t *v = json_pack("{s:s,s:I,s:[b,n]}", "a\"b", "x\\y\n\x01\xe2\x80\xa8z", "n",
                        (json_int_t)INT64_MIN, "l", 1);
  size_t len = 0;
  char *text = http_json_text(v, &len);
  assert_string_equal(text, "{\"a\\\"b\":\"x\\\\y\\n\\u0001\\u2028z\",\"n\":"
                            "-9223372036854775808,\"l\":[true,null]}");
  free(text);
  json_decref(v);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_round_trip),
      cmocka_unit_test(test_escapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
