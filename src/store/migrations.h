/*
 * migrations.h — the numbered schema migrations compiled into the binary (generated
 * from src/store/migrations/NNNN_name.sql by scripts/embed-sql).
 */
#ifndef ARR_MIGRATIONS_H
#define ARR_MIGRATIONS_H

typedef struct {
  int version;
  const char *name;
  const char *sql; /* may contain {{ID}} and {{KEY}}, replaced per engine */
} arr_migration;

extern const arr_migration arr_migrations[];
extern const int arr_migration_count;

#endif
