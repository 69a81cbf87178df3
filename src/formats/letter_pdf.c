/*
 * letter_pdf.c — a filled letter as a PDF (letter_pdf.h), with cairo and pango.
 *
 * Two passes. Measure: every block becomes pango layouts (wrapped to its column) and
 * a height. Place: a cursor walks the blocks down the pages and records drawing
 * operations ("lines l0..l1 of this layout with line l0's top at y on page p", a
 * rule, a box, the dashed cut line); this decides the page count. Draw: the header of
 * page 1, each page's operations, and each page's footer, which can now say "of Y".
 * The layouts made while measuring are the ones drawn, so text is shaped once.
 *
 * Geometry is in PDF points (1/72 in); pango's resolution is set to 72 so a 10 pt
 * font is 10 units. Hinting of metrics is off and glyph positions are not rounded, so
 * measuring (on a context not tied to any surface) and drawing agree exactly, and the
 * same input makes the same bytes on every machine with the same libraries and font.
 * Floating point is used only for this geometry, never for money.
 *
 * Each thread keeps one pango context and its font descriptions (thread-local; pango's
 * default font map is per thread too), so a run of 10,000 letters shapes with warm
 * font caches; they are freed when the thread ends (a pthread key's destructor) or
 * calls arr_letter_pdf_thread_done. The font is checked once per thread: when fontconfig
 * would substitute another font for DejaVu Sans, rendering fails rather than printing
 * letters in a font nobody chose.
 */
#include "formats/letter_pdf.h"

#include <assert.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

/* US Letter and its parts, in points. */
static const double PAGE_W = 612, PAGE_H = 792;
static const double MARGIN_L = 72, BODY_W = 468, BODY_R = 540;
static const double BODY_TOP_FIRST = 252, BODY_TOP = 72, BODY_BOTTOM = 720;
static const double SENDER_X = 45, SENDER_Y = 36, SENDER_W = 252;
static const double WIN_X = 72, WIN_Y = 153, WIN_W = 252, WIN_H = 63;
static const double FOOTER_BOTTOM = 756;
static const double BOX = 9, BOX_GAP = 6;

enum { PDF_MAX_BYTES = 64 << 20, RECIPIENT_SIZES = 5 };
static const char FONT_FAMILY[] = "DejaVu Sans";

typedef enum {
  F_BODY,
  F_BOLD,
  F_H1,
  F_H2,
  F_SMALL,
  F_SMALL_BOLD,
  F_FOOT,
  F_COUNT
} font_id;
static const char *const k_fonts[F_COUNT] = {
    "DejaVu Sans 10", "DejaVu Sans Bold 10", "DejaVu Sans Bold 14", "DejaVu Sans Bold 11",
    "DejaVu Sans 9",  "DejaVu Sans Bold 9",  "DejaVu Sans 8"};

/* ---- per-thread pango state ------------------------------------------------------- */

typedef struct {
  PangoContext *ctx;
  PangoFontDescription *font[F_COUNT];
} pdf_thread;

static _Thread_local pdf_thread tl;

/* A thread that ends without calling arr_letter_pdf_thread_done has it called by
 * this key's destructor (set while the thread holds a context). */
static pthread_once_t g_key_once = PTHREAD_ONCE_INIT;
static pthread_key_t g_key;

static void thread_exit(void *unused) {
  (void)unused;
  arr_letter_pdf_thread_done();
}

static void make_key(void) {
  if (pthread_key_create(&g_key, thread_exit) != 0) {
    abort(); /* only when the process is out of keys: nothing sensible to do */
  }
}

void arr_letter_pdf_thread_done(void) {
  for (int i = 0; i < F_COUNT; i++) {
    if (tl.font[i] != NULL) {
      pango_font_description_free(tl.font[i]);
      tl.font[i] = NULL;
    }
  }
  if (tl.ctx != NULL) {
    g_object_unref(tl.ctx);
    tl.ctx = NULL;
    pango_cairo_font_map_set_default(NULL); /* this thread's font map */
    pthread_setspecific(g_key, NULL);
  }
}

/* Whether fontconfig gives DejaVu Sans itself for our font descriptions. */
static bool font_present(PangoFontMap *fm, PangoContext *ctx) {
  PangoFont *f = pango_font_map_load_font(fm, ctx, tl.font[F_BODY]);
  if (f == NULL) {
    return false;
  }
  PangoFontDescription *d = pango_font_describe(f);
  const char *family = pango_font_description_get_family(d);
  bool ok = family != NULL && strcmp(family, FONT_FAMILY) == 0;
  pango_font_description_free(d);
  g_object_unref(f);
  return ok;
}

static arr_rc thread_init(arr_err *err) {
  if (tl.ctx != NULL) {
    return ARR_OK;
  }
  PangoFontMap *fm = pango_cairo_font_map_get_default(); /* owned by pango */
  PangoContext *ctx = pango_font_map_create_context(fm);
  pango_cairo_context_set_resolution(ctx, 72.0);
  cairo_font_options_t *fo = cairo_font_options_create();
  cairo_font_options_set_hint_style(fo, CAIRO_HINT_STYLE_NONE);
  cairo_font_options_set_hint_metrics(fo, CAIRO_HINT_METRICS_OFF);
  pango_cairo_context_set_font_options(ctx, fo);
  cairo_font_options_destroy(fo);
  pango_context_set_round_glyph_positions(ctx, FALSE);
  for (int i = 0; i < F_COUNT; i++) {
    tl.font[i] = pango_font_description_from_string(k_fonts[i]);
  }
  tl.ctx = ctx;
  pthread_once(&g_key_once, make_key);
  pthread_setspecific(g_key, &tl);
  if (!font_present(fm, ctx)) {
    arr_letter_pdf_thread_done();
    return arr_err_set(err, ARR_ERR_IO,
                       "the font %s is not installed (Debian package fonts-dejavu-core)",
                       FONT_FAMILY);
  }
  return ARR_OK;
}

/* ---- render state ----------------------------------------------------------------- */

typedef enum { OP_LINES, OP_RULE, OP_BOX, OP_DASH } op_kind;

typedef struct {
  op_kind kind;
  int page;
  double x, y, x2; /* OP_LINES: line l0's top at y; rules: from x to x2 at y */
  PangoLayout *lay;
  int l0, l1;
  double top0; /* line l0's top inside the layout */
} op;

/* A measured block. */
typedef struct {
  PangoLayout *main, *value;
  double h, gap;                      /* height; space above it unless it starts a page */
  double value_x;                     /* rows: where the value layout is drawn */
  double under_x0, under_x1, under_y; /* fill-in: the line to write on (y from top) */
} mblock;

typedef struct {
  const arr_letter_layout *lay;
  const arr_letter_doc *doc;
  arr_err *err;
  PangoLayout **layouts; /* every layout made, unref'd at the end */
  int nlayouts, caplayouts;
  op *ops;
  int nops, capops;
  mblock *mb;
  int page;
  double y;
  bool page_empty, oom;
} render;

static void *grow(void *arr, int n, int *cap, size_t sz) {
  if (n < *cap) {
    return arr;
  }
  int ncap = *cap == 0 ? 32 : *cap * 2;
  void *q = realloc(arr, (size_t)ncap * sz);
  if (q != NULL) {
    *cap = ncap;
  }
  return q;
}

static double units(int u) {
  return pango_units_to_double(u);
}

/* A new layout of text in font f, wrapped at width points (0: no wrapping, one
 * paragraph). NULL when out of memory (r->oom set). */
static PangoLayout *mk_desc(render *r, const PangoFontDescription *fd, const char *text,
                            double width) {
  PangoLayout **q = grow(r->layouts, r->nlayouts, &r->caplayouts, sizeof(PangoLayout *));
  if (q == NULL) {
    r->oom = true;
    return NULL;
  }
  r->layouts = q;
  PangoLayout *l = pango_layout_new(tl.ctx);
  r->layouts[r->nlayouts++] = l;
  pango_layout_set_font_description(l, fd);
  if (width > 0) {
    pango_layout_set_width(l, pango_units_from_double(width));
    pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
  } else {
    pango_layout_set_single_paragraph_mode(l, TRUE);
  }
  pango_layout_set_text(l, text != NULL ? text : "", -1);
  return l;
}

static PangoLayout *mk(render *r, font_id f, const char *text, double width) {
  return mk_desc(r, tl.font[f], text, width);
}

static void logical(PangoLayout *l, double *w, double *h) {
  PangoRectangle lg;
  pango_layout_get_extents(l, NULL, &lg);
  if (w != NULL) {
    *w = units(lg.width);
  }
  if (h != NULL) {
    *h = units(lg.height);
  }
}

static void push_op(render *r, op o) {
  op *q = grow(r->ops, r->nops, &r->capops, sizeof *q);
  if (q == NULL) {
    r->oom = true;
    return;
  }
  r->ops = q;
  o.page = r->page;
  r->ops[r->nops++] = o;
}

static void push_lines(render *r, PangoLayout *l, double x, double y) {
  push_op(r, (op){.kind = OP_LINES, .x = x, .y = y, .lay = l, .l0 = 0, .l1 = INT32_MAX});
}

/* ---- measuring -------------------------------------------------------------------- */

static bool is_row(arr_block_kind k) {
  return k == ARR_BLOCK_ROW || k == ARR_BLOCK_TOTAL;
}

/* Space between block kinds prev and cur on one page. */
static double gap_between(arr_block_kind prev, arr_block_kind cur) {
  if (cur == ARR_BLOCK_HEADING) {
    return 16;
  }
  if (cur == ARR_BLOCK_SUBHEADING) {
    return 12;
  }
  if (prev == ARR_BLOCK_HEADING || prev == ARR_BLOCK_SUBHEADING) {
    return 6;
  }
  if (is_row(prev) && is_row(cur)) {
    return cur == ARR_BLOCK_TOTAL ? 8 : 3;
  }
  if (prev == cur && cur == ARR_BLOCK_CHECKBOX) {
    return 6;
  }
  if (prev == cur && cur == ARR_BLOCK_FILLIN) {
    return 14;
  }
  return cur == ARR_BLOCK_TEAROFF ? 18 : 9;
}

static void measure_row(render *r, const arr_letter_block *b, mblock *m) {
  font_id f = b->kind == ARR_BLOCK_TOTAL ? F_BOLD : F_BODY;
  double vw, vh, lh;
  m->value = mk(r, f, b->value, 0);
  if (m->value == NULL) {
    return;
  }
  logical(m->value, &vw, &vh);
  m->value_x = BODY_R - vw;
  if (vw > BODY_W / 2) { /* a very long value wraps in the right half */
    pango_layout_set_single_paragraph_mode(m->value, FALSE);
    pango_layout_set_width(m->value, pango_units_from_double(BODY_W / 2));
    pango_layout_set_wrap(m->value, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(m->value, PANGO_ALIGN_RIGHT);
    vw = BODY_W / 2;
    m->value_x = BODY_R - vw;
    logical(m->value, NULL, &vh);
  }
  m->main = mk(r, f, b->text, BODY_W - vw - 12);
  if (m->main == NULL) {
    return;
  }
  logical(m->main, NULL, &lh);
  m->h = lh > vh ? lh : vh;
}

static void measure_fillin(render *r, const arr_letter_block *b, mblock *m) {
  double line_h = 16;
  m->under_x0 = MARGIN_L;
  m->under_x1 = BODY_R;
  if (b->text == NULL || b->text[0] == '\0') {
    m->h = line_h;
    m->under_y = line_h - 3;
    return;
  }
  m->main = mk(r, F_BODY, b->text, BODY_W);
  if (m->main == NULL) {
    return;
  }
  logical(m->main, NULL, &m->h);
  int n = pango_layout_get_line_count(m->main);
  PangoLayoutLine *last = pango_layout_get_line_readonly(m->main, n - 1);
  PangoRectangle lg;
  pango_layout_line_get_extents(last, NULL, &lg);
  double end = MARGIN_L + units(lg.x + lg.width) + 6;
  double baseline = m->h - units(lg.height) - units(lg.y); /* the last line's */
  if (BODY_R - end >= 108) { /* room to write on the same line */
    m->under_x0 = end;
    m->under_y = baseline + 1.5;
  } else {
    m->h += line_h;
    m->under_y = m->h - 3;
  }
}

static void measure(render *r, int i) {
  const arr_letter_block *b = &r->doc->blocks[i];
  mblock *m = &r->mb[i];
  memset(m, 0, sizeof *m);
  m->gap = i > 0 ? gap_between(r->doc->blocks[i - 1].kind, b->kind) : 0;
  switch (b->kind) {
  case ARR_BLOCK_HEADING:
  case ARR_BLOCK_SUBHEADING:
  case ARR_BLOCK_PARAGRAPH:
    m->main = mk(r,
                 b->kind == ARR_BLOCK_HEADING      ? F_H1
                 : b->kind == ARR_BLOCK_SUBHEADING ? F_H2
                                                   : F_BODY,
                 b->text, BODY_W);
    if (m->main != NULL) {
      logical(m->main, NULL, &m->h);
    }
    break;
  case ARR_BLOCK_ROW:
  case ARR_BLOCK_TOTAL: measure_row(r, b, m); break;
  case ARR_BLOCK_CHECKBOX:
    m->main = mk(r, F_BODY, b->text, BODY_W - BOX - BOX_GAP);
    if (m->main != NULL) {
      logical(m->main, NULL, &m->h);
      m->h = m->h > BOX + 2 ? m->h : BOX + 2;
    }
    break;
  case ARR_BLOCK_FILLIN: measure_fillin(r, b, m); break;
  case ARR_BLOCK_TEAROFF:
    m->main = mk(r, F_FOOT, arr_letter_tearoff_caption(r->lay->language), 0);
    if (m->main != NULL) {
      logical(m->main, NULL, &m->h);
      m->h += 5;
    }
    break;
  case ARR_BLOCK_PAGEBREAK: break;
  }
}

/* ---- placing ---------------------------------------------------------------------- */

static void new_page(render *r) {
  r->page++;
  r->y = BODY_TOP;
  r->page_empty = true;
}

/* Height of blocks i.. to the end, as if on one page. */
static double rest_height(const render *r, int i) {
  double h = r->mb[i].h;
  for (int j = i + 1; j < r->doc->nblocks; j++) {
    h += r->mb[j].gap + r->mb[j].h;
  }
  return h;
}

/* Space block i needs at the bottom of a page before it is moved to the next one:
 * the block; for a heading also the first line of what follows. */
static double keep_height(const render *r, int i) {
  const arr_letter_doc *d = r->doc;
  arr_block_kind k = d->blocks[i].kind;
  if (k == ARR_BLOCK_TEAROFF) {
    double h = rest_height(r, i);
    return h <= BODY_BOTTOM - BODY_TOP ? h : r->mb[i].h;
  }
  if (k == ARR_BLOCK_PARAGRAPH) {
    return 0; /* splits line by line */
  }
  double h = r->mb[i].h;
  if ((k == ARR_BLOCK_HEADING || k == ARR_BLOCK_SUBHEADING) && i + 1 < d->nblocks) {
    double next = r->mb[i + 1].h;
    h += r->mb[i + 1].gap + (next < 14 ? next : 14);
  }
  return h;
}

/* A paragraph's lines from r->y down, going on on a new page where the next line
 * does not fit (a line taller than an empty page is placed anyway). */
static void place_lines(render *r, PangoLayout *l) {
  PangoLayoutIter *it = pango_layout_get_iter(l);
  int k = 0, first = 0;
  double top0 = 0;  /* the top of line `first` in the layout */
  double y0 = r->y; /* where that top goes on the page */
  double end = y0;
  do {
    PangoRectangle lg;
    pango_layout_iter_get_line_extents(it, NULL, &lg);
    double top = units(lg.y), bottom = units(lg.y + lg.height);
    if (y0 + (bottom - top0) > BODY_BOTTOM + 0.01 && (k > first || !r->page_empty)) {
      if (k > first) {
        push_op(r, (op){.kind = OP_LINES,
                        .x = MARGIN_L,
                        .y = y0,
                        .lay = l,
                        .l0 = first,
                        .l1 = k,
                        .top0 = top0});
      }
      new_page(r);
      first = k;
      top0 = top;
      y0 = r->y;
    }
    end = y0 + (bottom - top0);
    r->page_empty = false;
    k++;
  } while (pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
  push_op(r, (op){.kind = OP_LINES,
                  .x = MARGIN_L,
                  .y = y0,
                  .lay = l,
                  .l0 = first,
                  .l1 = k,
                  .top0 = top0});
  r->y = end;
}

static void place_block(render *r, int i, double y) {
  const arr_letter_block *b = &r->doc->blocks[i];
  const mblock *m = &r->mb[i];
  switch (b->kind) {
  case ARR_BLOCK_TOTAL:
    push_op(r, (op){.kind = OP_RULE, .x = MARGIN_L, .x2 = BODY_R, .y = y - 4});
    /* fall through */
  case ARR_BLOCK_ROW:
    push_lines(r, m->main, MARGIN_L, y);
    push_lines(r, m->value, m->value_x, y);
    break;
  case ARR_BLOCK_CHECKBOX: {
    double base = units(pango_layout_get_baseline(m->main));
    push_op(r, (op){.kind = OP_BOX, .x = MARGIN_L, .y = y + base - BOX + 1});
    push_lines(r, m->main, MARGIN_L + BOX + BOX_GAP, y);
    break;
  }
  case ARR_BLOCK_FILLIN:
    if (m->main != NULL) {
      push_lines(r, m->main, MARGIN_L, y);
    }
    push_op(
        r,
        (op){.kind = OP_RULE, .x = m->under_x0, .x2 = m->under_x1, .y = y + m->under_y});
    break;
  case ARR_BLOCK_TEAROFF: {
    double cw;
    logical(m->main, &cw, NULL);
    push_op(r, (op){.kind = OP_DASH, .x = 18, .x2 = PAGE_W - 18, .y = y});
    push_lines(r, m->main, (PAGE_W - cw) / 2, y + 5);
    break;
  }
  default: push_lines(r, m->main, MARGIN_L, y); break;
  }
}

static void place(render *r) {
  r->page = 0;
  r->y = BODY_TOP_FIRST;
  r->page_empty = true;
  for (int i = 0; i < r->doc->nblocks && !r->oom; i++) {
    const arr_letter_block *b = &r->doc->blocks[i];
    const mblock *m = &r->mb[i];
    if (b->kind == ARR_BLOCK_PAGEBREAK) {
      if (!r->page_empty) {
        new_page(r);
      }
      continue;
    }
    double gap = r->page_empty ? 0 : m->gap;
    if (!r->page_empty && r->y + gap + keep_height(r, i) > BODY_BOTTOM + 0.01) {
      new_page(r);
      gap = 0;
    }
    r->y += gap;
    if (b->kind == ARR_BLOCK_PARAGRAPH) {
      place_lines(r, m->main);
    } else {
      place_block(r, i, r->y);
      r->y += m->h;
      r->page_empty = false;
    }
    if (r->page >= ARR_LETTER_PDF_MAX_PAGES) {
      return;
    }
  }
}

/* ---- drawing ---------------------------------------------------------------------- */

static void draw_at(cairo_t *cr, PangoLayout *l, double x, double y) {
  cairo_move_to(cr, x, y);
  pango_cairo_show_layout(cr, l);
}

static void draw_lines(cairo_t *cr, const op *o) {
  PangoLayoutIter *it = pango_layout_get_iter(o->lay);
  int k = 0;
  do {
    if (k >= o->l0) {
      PangoRectangle lg;
      pango_layout_iter_get_line_extents(it, NULL, &lg);
      double base = units(pango_layout_iter_get_baseline(it));
      cairo_move_to(cr, o->x + units(lg.x), o->y + base - o->top0);
      pango_cairo_show_layout_line(cr, pango_layout_iter_get_line_readonly(it));
    }
    k++;
  } while (k < o->l1 && pango_layout_iter_next_line(it));
  pango_layout_iter_free(it);
}

static void draw_op(cairo_t *cr, const op *o) {
  static const double dash[] = {4, 3};
  switch (o->kind) {
  case OP_LINES: draw_lines(cr, o); break;
  case OP_RULE:
  case OP_DASH:
    cairo_save(cr);
    cairo_set_line_width(cr, o->kind == OP_RULE ? 0.75 : 0.5);
    if (o->kind == OP_DASH) {
      cairo_set_dash(cr, dash, 2, 0);
    }
    cairo_move_to(cr, o->x, o->y);
    cairo_line_to(cr, o->x2, o->y);
    cairo_stroke(cr);
    cairo_restore(cr);
    break;
  case OP_BOX:
    cairo_set_line_width(cr, 0.75);
    cairo_rectangle(cr, o->x + 0.375, o->y + 0.375, BOX - 0.75, BOX - 0.75);
    cairo_stroke(cr);
    break;
  }
}

static const char *str(const char *s) {
  return s != NULL ? s : "";
}

/* The recipient in the envelope window: 10 pt, smaller down to 8 pt until it fits,
 * then lines cut with an ellipsis and lines past the window's bottom left out. */
static void draw_recipient(render *r, cairo_t *cr) {
  static const double sizes[RECIPIENT_SIZES] = {10, 9.5, 9, 8.5, 8};
  const arr_letter_layout *lay = r->lay;
  PangoLayout *ls[ARR_LETTER_LAYOUT_LINES] = {0};
  PangoFontDescription *fd = pango_font_description_copy(tl.font[F_BODY]);
  bool fits = false;
  for (int s = 0; s < RECIPIENT_SIZES && !fits && !r->oom; s++) {
    pango_font_description_set_size(fd, (gint)(sizes[s] * PANGO_SCALE));
    double tw = 0, th = 0, w, h;
    for (int i = 0; i < lay->nrecipient && !r->oom; i++) {
      ls[i] = mk_desc(r, fd, str(lay->recipient[i]), 0);
      if (ls[i] != NULL) {
        logical(ls[i], &w, &h);
        tw = w > tw ? w : tw;
        th += h;
      }
    }
    fits = tw <= WIN_W && th <= WIN_H;
  }
  pango_font_description_free(fd);
  double y = WIN_Y, h;
  for (int i = 0; i < lay->nrecipient && !r->oom; i++) {
    if (!fits) {
      pango_layout_set_width(ls[i], pango_units_from_double(WIN_W));
      pango_layout_set_ellipsize(ls[i], PANGO_ELLIPSIZE_END);
    }
    logical(ls[i], NULL, &h);
    if (y + h > WIN_Y + WIN_H + 0.01) {
      break;
    }
    draw_at(cr, ls[i], WIN_X, y);
    y += h;
  }
}

/* Page 1's top: sender block, date and reference, recipient. */
static void draw_header(render *r, cairo_t *cr) {
  const arr_letter_layout *lay = r->lay;
  double y = SENDER_Y, w, h;
  for (int i = 0; i < lay->nsender && !r->oom; i++) {
    PangoLayout *l = mk(r, i == 0 ? F_SMALL_BOLD : F_SMALL, str(lay->sender[i]), 0);
    if (l != NULL) {
      pango_layout_set_width(l, pango_units_from_double(SENDER_W));
      pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
      logical(l, NULL, &h);
      draw_at(cr, l, SENDER_X, y);
      y += h;
    }
  }
  y = SENDER_Y;
  const char *right[2] = {str(lay->date_line), str(lay->reference)};
  for (int i = 0; i < 2 && !r->oom; i++) {
    PangoLayout *l = mk(r, i == 0 ? F_BODY : F_SMALL, right[i], 0);
    if (l != NULL) {
      logical(l, &w, &h);
      draw_at(cr, l, BODY_R - w, y);
      y += h + 2;
    }
  }
  draw_recipient(r, cr);
}

static void draw_footer(render *r, cairo_t *cr, int page, int npages) {
  char label[64];
  bool es = r->lay->language != NULL && strcmp(r->lay->language, "es") == 0;
  snprintf(label, sizeof label, es ? "P\xC3\xA1gina %d de %d" : "Page %d of %d", page + 1,
           npages);
  PangoLayout *left = mk(r, F_FOOT, str(r->lay->footer), 0);
  PangoLayout *right = mk(r, F_FOOT, label, 0);
  if (left == NULL || right == NULL) {
    return;
  }
  double w, h;
  pango_layout_set_width(left, pango_units_from_double(BODY_W * 0.6));
  pango_layout_set_ellipsize(left, PANGO_ELLIPSIZE_END);
  logical(left, NULL, &h);
  draw_at(cr, left, MARGIN_L, FOOTER_BOTTOM - h);
  logical(right, &w, &h);
  draw_at(cr, right, BODY_R - w, FOOTER_BOTTOM - h);
}

typedef struct {
  unsigned char *p;
  size_t len, cap;
  bool fail;
} outbuf;

static cairo_status_t write_out(void *closure, const unsigned char *data,
                                unsigned int n) {
  outbuf *o = closure;
  if (o->fail || n > PDF_MAX_BYTES - o->len) {
    o->fail = true;
    return CAIRO_STATUS_WRITE_ERROR;
  }
  if (o->len + n > o->cap) {
    size_t ncap = o->cap == 0 ? (size_t)64 * 1024 : o->cap;
    while (ncap < o->len + n) {
      ncap *= 2;
    }
    unsigned char *q = realloc(o->p, ncap);
    if (q == NULL) {
      o->fail = true;
      return CAIRO_STATUS_NO_MEMORY;
    }
    o->p = q;
    o->cap = ncap;
  }
  memcpy(o->p + o->len, data, n);
  o->len += n;
  return CAIRO_STATUS_SUCCESS;
}

static void set_metadata(cairo_surface_t *s, const render *r) {
  time_t t = (time_t)r->lay->created_unix;
  struct tm tm;
  char iso[32] = "1970-01-01T00:00:00Z";
  if (gmtime_r(&t, &tm) != NULL) {
    snprintf(iso, sizeof iso, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  }
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATE_DATE, iso);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_MOD_DATE, iso);
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, str(r->doc->subject));
  cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "arrears");
}

static arr_rc draw(render *r, int npages, outbuf *out) {
  cairo_surface_t *s =
      cairo_pdf_surface_create_for_stream(write_out, out, PAGE_W, PAGE_H);
  set_metadata(s, r);
  cairo_t *cr = cairo_create(s);
  cairo_set_source_rgb(cr, 0, 0, 0);
  int k = 0;
  for (int p = 0; p < npages && !r->oom; p++) {
    if (p == 0) {
      draw_header(r, cr);
    }
    for (; k < r->nops && r->ops[k].page == p; k++) {
      draw_op(cr, &r->ops[k]);
    }
    draw_footer(r, cr, p, npages);
    cairo_show_page(cr);
  }
  cairo_status_t st = cairo_status(cr);
  cairo_destroy(cr);
  cairo_surface_finish(s);
  if (st == CAIRO_STATUS_SUCCESS) {
    st = cairo_surface_status(s);
  }
  cairo_surface_destroy(s);
  if (r->oom || st == CAIRO_STATUS_NO_MEMORY) {
    return arr_err_set(r->err, ARR_ERR_NOMEM, "out of memory");
  }
  if (out->fail || st != CAIRO_STATUS_SUCCESS) {
    return arr_err_set(r->err, ARR_ERR_IO, "the PDF could not be written: %s",
                       out->fail ? "it passed 64 MiB" : cairo_status_to_string(st));
  }
  return ARR_OK;
}

/* ---- checks and the entry point --------------------------------------------------- */

static arr_rc bad(arr_err *err, const char *field, const char *why) {
  return arr_err_field(err, ARR_ERR_INVALID, field, "%s: %s", field, why);
}

static bool utf8(const char *s) {
  return s == NULL || g_utf8_validate(s, -1, NULL);
}

static arr_rc check_input(const arr_letter_layout *lay, const arr_letter_doc *doc,
                          arr_err *err) {
  if (lay->nsender < 0 || lay->nsender > ARR_LETTER_LAYOUT_LINES) {
    return bad(err, "nsender", "must be 0 to 6");
  }
  if (lay->nrecipient < 0 || lay->nrecipient > ARR_LETTER_LAYOUT_LINES) {
    return bad(err, "nrecipient", "must be 0 to 6");
  }
  for (int i = 0; i < lay->nsender; i++) {
    if (!utf8(lay->sender[i])) {
      return bad(err, "sender", "is not valid UTF-8");
    }
  }
  for (int i = 0; i < lay->nrecipient; i++) {
    if (!utf8(lay->recipient[i])) {
      return bad(err, "recipient", "is not valid UTF-8");
    }
  }
  const char *names[] = {"date_line", "reference", "footer", "language"};
  const char *values[] = {lay->date_line, lay->reference, lay->footer, lay->language};
  for (int i = 0; i < 4; i++) {
    if (!utf8(values[i])) {
      return bad(err, names[i], "is not valid UTF-8");
    }
  }
  if (lay->created_unix < 0 || lay->created_unix > 253402300799) {
    return bad(err, "created_unix", "must be a time from 1970 to 9999");
  }
  if (doc->nblocks < 0 || (doc->nblocks > 0 && doc->blocks == NULL) ||
      !utf8(doc->subject)) {
    return bad(err, "doc", "is not a filled letter");
  }
  for (int i = 0; i < doc->nblocks; i++) {
    if ((unsigned)doc->blocks[i].kind > ARR_BLOCK_PAGEBREAK) {
      return bad(err, "doc", "is not a filled letter");
    }
    if (!utf8(doc->blocks[i].text) || !utf8(doc->blocks[i].value)) {
      return bad(err, "doc", "holds text that is not valid UTF-8");
    }
  }
  return ARR_OK;
}

arr_rc arr_letter_pdf(const arr_letter_layout *lay, const arr_letter_doc *doc,
                      unsigned char **pdf, size_t *len, int *pages, arr_err *err) {
  assert(lay != NULL && doc != NULL && pdf != NULL && len != NULL && pages != NULL);
  *pdf = NULL;
  *len = 0;
  *pages = 0;
  arr_rc rc = check_input(lay, doc, err);
  if (rc == ARR_OK) {
    rc = thread_init(err);
  }
  if (rc != ARR_OK) {
    return rc;
  }
  render r = {.lay = lay, .doc = doc, .err = err};
  outbuf out = {0};
  r.mb = calloc((size_t)doc->nblocks + 1, sizeof *r.mb);
  r.oom = r.mb == NULL;
  for (int i = 0; i < doc->nblocks && !r.oom; i++) {
    measure(&r, i);
  }
  if (!r.oom) {
    place(&r);
  }
  if (r.oom) {
    rc = arr_err_set(err, ARR_ERR_NOMEM, "out of memory");
  } else if (r.page >= ARR_LETTER_PDF_MAX_PAGES) {
    rc = arr_err_set(err, ARR_ERR_INVALID, "the letter is longer than %d pages",
                     ARR_LETTER_PDF_MAX_PAGES);
  } else {
    rc = draw(&r, r.page + 1, &out);
  }
  for (int i = 0; i < r.nlayouts; i++) {
    g_object_unref(r.layouts[i]);
  }
  free(r.layouts);
  free(r.ops);
  free(r.mb);
  if (rc != ARR_OK) {
    free(out.p);
    return rc;
  }
  *pdf = out.p;
  *len = out.len;
  *pages = r.page + 1;
  return ARR_OK;
}
