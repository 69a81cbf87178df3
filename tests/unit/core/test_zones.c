/*
 * test_zones.c — candidate time zones: the ZIP table (real ZIPs on both sides of zone
 * lines, ZIP+4 forms, malformed and unknown input, and the generated table's own
 * invariants), states and area codes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/tz.h"
#include "core/zones.h"

static const char *zip(const char *s) {
  return arr_zone_of_zip(s, strlen(s));
}

static int has_zone(const char *const *zones, const char *name) {
  for (; zones != NULL && *zones != NULL; zones++) {
    if (strcmp(*zones, name) == 0) {
      return 1;
    }
  }
  return 0;
}

static void test_zip_real_cases(void **state) {
  (void)state;
  static const struct {
    const char *zip, *zone;
  } cases[] = {
      {"33101", "America/New_York"},  /* Miami */
      {"32501", "America/Chicago"},   /* Pensacola: the Florida panhandle */
      {"10001", "America/New_York"},  /* New York */
      {"60601", "America/Chicago"},   /* Chicago */
      {"85001", "America/Phoenix"},   /* Phoenix: no DST */
      {"86515", "America/Denver"},    /* Window Rock: the Navajo Nation keeps DST */
      {"96813", "Pacific/Honolulu"},  /* Honolulu */
      {"99501", "America/Anchorage"}, /* Anchorage */
      {"79901", "America/Denver"},    /* El Paso: west Texas */
      {"97914", "America/Boise"},     /* Ontario, Oregon: Mountain like Boise */
      {"46320", "America/Chicago"},   /* Hammond: Indiana's Chicago corner */
      {"46204", "America/Indiana/Indianapolis"}, /* Indianapolis */
      {"00501", "America/New_York"},             /* Holtsville IRS: the first range */
      {"00901", "America/Puerto_Rico"},          /* San Juan */
      {"99950", "America/Sitka"},                /* Ketchikan: the last range */
      /* Phenix City keeps Eastern time de facto (scripts/gen-zip-zones, EXTRA). */
      {"36867", "America/New_York"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const char *got = zip(cases[i].zip);
    assert_non_null(got);
    assert_string_equal(got, cases[i].zone);
  }
}

static void test_zip_plus_four(void **state) {
  (void)state;
  assert_string_equal(zip("33101-1234"), "America/New_York");
  assert_string_equal(zip("325019999"), "America/Chicago");
  assert_string_equal(zip("00501-0001"), "America/New_York"); /* leading zeros */
  /* Only len bytes are read: a longer buffer, no NUL needed after the ZIP. */
  assert_string_equal(arr_zone_of_zip("85001 and more", 5), "America/Phoenix");
  assert_string_equal(arr_zone_of_zip("79901-0000xyz", 10), "America/Denver");
}

static void test_zip_malformed(void **state) {
  (void)state;
  static const char *const bad[] = {
      "",       "1234",       "123456",     "abcde",      "1234a",      "12345-67",
      "12345-", "12345 6789", "1234-56789", "12345-678a", "12345--678", "+1234",
      " 33101", "33101 ",     "3310\xff",   "12345678",   "1234567890", "33101-12345",
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_null(zip(bad[i]));
  }
  assert_null(arr_zone_of_zip(NULL, 0));
  assert_null(arr_zone_of_zip(NULL, 5));
  assert_null(arr_zone_of_zip("33101", 4)); /* len says four digits */
}

static void test_zip_unknown(void **state) {
  (void)state;
  assert_null(zip("00000"));
  assert_null(zip("00000-0000"));
  assert_null(zip("99999"));
  assert_null(zip("00500")); /* just before the first range */
  assert_null(zip("00609")); /* a gap between two Puerto Rico ranges */
  assert_null(zip("09001")); /* military APO (AE): says nothing of where one lives */
  assert_null(zip("96960")); /* Majuro: Pacific/Majuro is not in the tz table */
}

static void test_zip_table(void **state) {
  (void)state;
  assert_true(arr_zip_range_count > 1000);
  assert_true(arr_zip_zone_count > 0 && arr_zip_zone_count <= 255);
  for (int i = 0; i < arr_zip_range_count; i++) {
    const arr_zip_range *r = &arr_zip_ranges[i];
    assert_true(r->first <= r->last);
    assert_true(r->last <= 99999);
    assert_true(r->zone < arr_zip_zone_count);
    if (i > 0) {
      /* Sorted and disjoint: the binary search relies on it. */
      assert_true(arr_zip_ranges[i - 1].last < r->first);
    }
  }
  /* Every zone named is one the tz table can convert with. */
  for (int i = 0; i < arr_zip_zone_count; i++) {
    assert_non_null(arr_tz_find(arr_zip_zone_names[i]));
    if (i > 0) {
      assert_true(strcmp(arr_zip_zone_names[i - 1], arr_zip_zone_names[i]) < 0);
    }
  }
}

static void test_zip_every_range(void **state) {
  (void)state;
  /* Both ends of every range find that range's zone, and the ZIP past its end is either
   * unknown or the start of the next range. */
  char buf[6];
  for (int i = 0; i < arr_zip_range_count; i++) {
    const arr_zip_range *r = &arr_zip_ranges[i];
    const char *want = arr_zip_zone_names[r->zone];
    snprintf(buf, sizeof buf, "%05u", (unsigned)r->first);
    assert_string_equal(zip(buf), want);
    snprintf(buf, sizeof buf, "%05u", (unsigned)r->last);
    assert_string_equal(zip(buf), want);
    if (r->last < 99999) {
      snprintf(buf, sizeof buf, "%05u", (unsigned)(r->last + 1));
      if (i + 1 < arr_zip_range_count && arr_zip_ranges[i + 1].first == r->last + 1) {
        assert_string_equal(zip(buf), arr_zip_zone_names[arr_zip_ranges[i + 1].zone]);
      } else {
        assert_null(zip(buf));
      }
    }
  }
}

static void test_states(void **state) {
  (void)state;
  const char *const *fl = arr_zones_of_state("FL");
  assert_non_null(fl);
  assert_true(has_zone(fl, "America/New_York"));
  assert_true(has_zone(fl, "America/Chicago"));
  const char *const *ny = arr_zones_of_state("NY");
  assert_non_null(ny);
  assert_string_equal(ny[0], "America/New_York");
  assert_null(ny[1]);
  assert_true(has_zone(arr_zones_of_state("PR"), "America/Puerto_Rico"));
  assert_null(arr_zones_of_state("XX"));
  assert_null(arr_zones_of_state(""));
}

static void test_area_codes(void **state) {
  (void)state;
  const char *const *p850 = arr_zones_of_area_code(850); /* the Florida panhandle */
  assert_non_null(p850);
  assert_true(has_zone(p850, "America/New_York"));
  assert_true(has_zone(p850, "America/Chicago"));
  const char *const *p212 = arr_zones_of_area_code(212);
  assert_non_null(p212);
  assert_string_equal(p212[0], "America/New_York");
  assert_null(p212[1]);
  assert_true(has_zone(arr_zones_of_area_code(808), "Pacific/Honolulu"));
  assert_null(arr_zones_of_area_code(0));
  assert_null(arr_zones_of_area_code(1000));
  for (int i = 1; i < arr_area_code_count; i++) {
    assert_true(arr_area_codes[i - 1].code < arr_area_codes[i].code);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_zip_real_cases), cmocka_unit_test(test_zip_plus_four),
      cmocka_unit_test(test_zip_malformed),  cmocka_unit_test(test_zip_unknown),
      cmocka_unit_test(test_zip_table),      cmocka_unit_test(test_zip_every_range),
      cmocka_unit_test(test_states),         cmocka_unit_test(test_area_codes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
