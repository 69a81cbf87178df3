/*
 * classify.c — the keyword classifier of inbound correspondence (see classify.h for
 * the rules and why the precedence is what it is).
 *
 * One pass over the text: at each word start, every phrase whose first letter fits is
 * tried; the first match of each kind is remembered. A bankruptcy phrase outranks
 * everything, so the first one ends the pass. Cost: O(bytes x phrases starting with
 * that letter), bounded by ARR_CLASSIFY_MAX_BYTES.
 */
#include "core/classify.h"

#include <stdint.h>
#include <string.h>

typedef struct {
  arr_corr_kind kind;
  const char *phrase; /* lower-case ASCII; ' ' = any whitespace run; '\'' = ' or ’ */
  bool whole;         /* must end at a word end */
} phrase_def;

static const phrase_def PHRASES[] = {
    /* bankruptcy */
    {ARR_CORR_BANKRUPTCY, "bankruptcy", false},
    {ARR_CORR_BANKRUPTCY, "bankrupt", true},
    {ARR_CORR_BANKRUPTCY, "chapter 7", true},
    {ARR_CORR_BANKRUPTCY, "chapter 13", true},
    {ARR_CORR_BANKRUPTCY, "automatic stay", false},
    {ARR_CORR_BANKRUPTCY, "case no", true},
    {ARR_CORR_BANKRUPTCY, "bancarrota", false},
    {ARR_CORR_BANKRUPTCY, "quiebra", false},
    /* cease */
    {ARR_CORR_CEASE, "cease", false},
    {ARR_CORR_CEASE, "stop contacting", false},
    {ARR_CORR_CEASE, "stop calling", false},
    {ARR_CORR_CEASE, "do not contact", false},
    {ARR_CORR_CEASE, "don't contact", false},
    {ARR_CORR_CEASE, "do not call", true},
    {ARR_CORR_CEASE, "don't call", true},
    {ARR_CORR_CEASE, "dejen de", true},
    {ARR_CORR_CEASE, "no me llamen", true},
    {ARR_CORR_CEASE, "no me contacten", true},
    /* attorney */
    {ARR_CORR_ATTORNEY, "attorney", false},
    {ARR_CORR_ATTORNEY, "law office", false},
    {ARR_CORR_ATTORNEY, "law firm", false},
    {ARR_CORR_ATTORNEY, "represent", true},
    {ARR_CORR_ATTORNEY, "represents", true},
    {ARR_CORR_ATTORNEY, "represented", true},
    {ARR_CORR_ATTORNEY, "representing", true},
    {ARR_CORR_ATTORNEY, "counsel", true},
    {ARR_CORR_ATTORNEY, "abogado", false},
    {ARR_CORR_ATTORNEY, "abogada", false},
    /* dispute */
    {ARR_CORR_DISPUTE, "dispute", false},
    {ARR_CORR_DISPUTE, "disputing", true},
    {ARR_CORR_DISPUTE, "not my debt", false},
    {ARR_CORR_DISPUTE, "do not owe", false},
    {ARR_CORR_DISPUTE, "don't owe", false},
    {ARR_CORR_DISPUTE, "verify", false},
    {ARR_CORR_DISPUTE, "verification", false},
    {ARR_CORR_DISPUTE, "validation", false},
    {ARR_CORR_DISPUTE, "disputo", false},
    {ARR_CORR_DISPUTE, "no es mi deuda", false},
    {ARR_CORR_DISPUTE, "no debo", true},
    /* payment */
    {ARR_CORR_PAYMENT, "payment", false},
    {ARR_CORR_PAYMENT, "check enclosed", false},
    {ARR_CORR_PAYMENT, "money order", false},
    {ARR_CORR_PAYMENT, "enclosed", true},
    {ARR_CORR_PAYMENT, "pago", false},
};
enum { NPHRASES = (int)(sizeof PHRASES / sizeof PHRASES[0]), NKINDS = 6 };

const char *arr_corr_kind_name(arr_corr_kind k) {
  switch (k) {
  case ARR_CORR_PAYMENT: return "payment";
  case ARR_CORR_DISPUTE: return "dispute";
  case ARR_CORR_ATTORNEY: return "attorney";
  case ARR_CORR_CEASE: return "cease";
  case ARR_CORR_BANKRUPTCY: return "bankruptcy";
  case ARR_CORR_OTHER: break;
  }
  return "other";
}

bool arr_corr_kind_parse(const char *s, arr_corr_kind *out) {
  for (int k = 0; k < NKINDS; k++) {
    if (s != NULL && strcmp(s, arr_corr_kind_name((arr_corr_kind)k)) == 0) {
      *out = (arr_corr_kind)k;
      return true;
    }
  }
  return false;
}

int arr_corr_kind_rank(arr_corr_kind k) {
  /* The enum is declared in precedence order. */
  return (int)k;
}

/* ---- characters ---- */

static unsigned char lower(unsigned char c) {
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool ascii_alnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The code point of the UTF-8 sequence starting at s[i] (n bytes in all); *size its
 * length. A malformed sequence reads as one byte, code point 0xFFFD. */
static uint32_t decode(const unsigned char *s, size_t n, size_t i, size_t *size) {
  unsigned char c = s[i];
  size_t len = c < 0x80         ? 1
               : (c >> 5) == 6  ? 2
               : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4
                                : 0;
  *size = 1;
  if (len == 1) {
    return c;
  }
  if (len == 0 || i + len > n) {
    return 0xFFFD;
  }
  uint32_t cp = c & (0x7F >> len);
  for (size_t k = 1; k < len; k++) {
    if ((s[i + k] & 0xC0) != 0x80) {
      return 0xFFFD;
    }
    cp = (cp << 6) | (s[i + k] & 0x3F);
  }
  *size = len;
  return cp;
}

/* Whether a code point is part of a word: ASCII letters and digits, and any non-ASCII
 * character except Latin-1 punctuation and spaces (U+0080..U+00BF: ¡ ¿ « » and the
 * no-break space) and General Punctuation (U+2000..U+206F: typographic quotes, dashes,
 * spaces). */
static bool word_cp(uint32_t cp) {
  if (cp < 0x80) {
    return ascii_alnum((unsigned char)cp);
  }
  return !(cp <= 0xBF || (cp >= 0x2000 && cp <= 0x206F) || cp == 0xFFFD);
}

/* Whether s[i] starts a word: its first byte is an ASCII letter or digit and the
 * character before it (if any) is not part of a word. */
static bool word_start(const unsigned char *s, size_t n, size_t i) {
  if (!ascii_alnum(s[i])) {
    return false;
  }
  if (i == 0) {
    return true;
  }
  size_t b = i - 1;
  for (int k = 0; k < 3 && b > 0 && (s[b] & 0xC0) == 0x80; k++) {
    b--;
  }
  size_t size = 0;
  uint32_t cp = decode(s, n, b, &size);
  if (b + size != i) { /* malformed: judge by the byte itself */
    return !ascii_alnum(s[i - 1]) && s[i - 1] < 0x80;
  }
  return !word_cp(cp);
}

/* Length of a run of whitespace at s[i] (ASCII whitespace and U+00A0), 0 if none. */
static size_t space_run(const unsigned char *s, size_t n, size_t i) {
  size_t j = i;
  while (j < n) {
    unsigned char c = s[j];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v') {
      j++;
    } else if (c == 0xC2 && j + 1 < n && s[j + 1] == 0xA0) {
      j += 2;
    } else {
      break;
    }
  }
  return j - i;
}

/* Where phrase p ends when it matches at s[i]; 0 when it does not match. */
static size_t match_at(const unsigned char *s, size_t n, size_t i, const phrase_def *p) {
  size_t j = i;
  for (const char *q = p->phrase; *q != '\0'; q++) {
    if (*q == ' ') {
      size_t run = space_run(s, n, j);
      if (run == 0) {
        return 0;
      }
      j += run;
    } else if (*q == '\'') {
      if (j < n && s[j] == '\'') {
        j++;
      } else if (j + 3 <= n && s[j] == 0xE2 && s[j + 1] == 0x80 && s[j + 2] == 0x99) {
        j += 3;
      } else {
        return 0;
      }
    } else if (j >= n || lower(s[j]) != (unsigned char)*q) {
      return 0;
    } else {
      j++;
    }
  }
  if (p->whole && j < n) {
    size_t size = 0;
    if (word_cp(decode(s, n, j, &size))) {
      return 0;
    }
  }
  return j;
}

void arr_classify_correspondence(const char *text, size_t len, arr_corr_kind *kind,
                                 const char **phrase, size_t *at) {
  const phrase_def *first[NKINDS] = {NULL};
  size_t first_at[NKINDS] = {0};
  const unsigned char *s = (const unsigned char *)text;
  size_t n = text == NULL                   ? 0
             : len < ARR_CLASSIFY_MAX_BYTES ? len
                                            : ARR_CLASSIFY_MAX_BYTES;
  for (size_t i = 0; i < n && first[ARR_CORR_BANKRUPTCY] == NULL; i++) {
    if (!word_start(s, n, i)) {
      continue;
    }
    unsigned char c = lower(s[i]);
    for (int k = 0; k < NPHRASES; k++) {
      const phrase_def *p = &PHRASES[k];
      if ((unsigned char)p->phrase[0] != c || first[p->kind] != NULL) {
        continue;
      }
      if (match_at(s, n, i, p) != 0) {
        first[p->kind] = p;
        first_at[p->kind] = i;
      }
    }
  }
  *kind = ARR_CORR_OTHER;
  *phrase = NULL;
  *at = 0;
  for (int k = NKINDS - 1; k > 0; k--) {
    if (first[k] != NULL) {
      *kind = (arr_corr_kind)k;
      *phrase = first[k]->phrase;
      *at = first_at[k];
      return;
    }
  }
}
