/*
 * users.c — the people who work in arrears, for attribution and permissions.
 *
 * A user has a role (collector, supervisor, compliance, admin, or client for a
 * creditor's read-only portal, tied to one client). The command line acts as the user
 * named by --as / ARREARS_USER; actions that need a permission (revealing full PII)
 * check that user's role here. Passwords, sessions and tokens come with the HTTP
 * workstation.
 */
#include <string.h>

#include "service/internal.h"

static const char *const ROLES[] = {"collector", "supervisor", "compliance",
                                    "admin",     "client",     NULL};

static bool valid_username(const char *u) {
  size_t n = strlen(u);
  if (n == 0 || n > 64) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    char c = u[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
          c == '-')) {
      return false;
    }
  }
  return true;
}

arr_rc arr_svc_user_add(arr_svc *svc, const char *username, const char *display_name,
                        const char *role, const char *client_code, int64_t *id_out,
                        arr_err *err) {
  arr_user u;
  memset(&u, 0, sizeof u);
  if (!valid_username(username)) {
    return arr_err_field(err, ARR_ERR_INVALID, "username",
                         "username must be 1 to 64 of a-z, 0-9, '.', '_' and '-'");
  }
  if (display_name == NULL || display_name[0] == '\0' || strlen(display_name) > 128) {
    return arr_err_field(err, ARR_ERR_INVALID, "display_name",
                         "name must be 1 to 128 characters");
  }
  bool known = false;
  for (int i = 0; ROLES[i] != NULL; i++) {
    known = known || strcmp(role, ROLES[i]) == 0;
  }
  if (!known) {
    return arr_err_field(
        err, ARR_ERR_INVALID, "role",
        "role \"%s\" is not one of collector, supervisor, compliance, admin, "
        "client",
        role);
  }
  if ((strcmp(role, "client") == 0) != (client_code != NULL)) {
    return arr_err_field(
        err, ARR_ERR_INVALID, "client",
        "a client user needs --client CODE, and only a client user has one");
  }
  svc_strcpy(u.username, sizeof u.username, username);
  svc_strcpy(u.display_name, sizeof u.display_name, display_name);
  svc_strcpy(u.role, sizeof u.role, role);
  arr_rc rc = svc_begin(svc, err);
  if (rc != ARR_OK) {
    return rc;
  }
  if (client_code != NULL) {
    arr_client c;
    rc = arr_store_client_by_code(svc->db, client_code, &c, err);
    u.client_id = c.id;
  }
  if (rc == ARR_OK) {
    rc = arr_store_user_insert(svc->db, &u, svc->now_iso, err);
    if (rc == ARR_ERR_CONFLICT) {
      arr_err_set(err, rc, "user %s already exists", username);
    }
  }
  if (rc == ARR_OK) {
    json_t *d =
        json_pack("{s:s,s:s,s:o}", "username", u.username, "role", u.role, "client",
                  client_code != NULL ? json_string(client_code) : json_null());
    rc = svc_audit(svc, "user.add", "user", u.id, d, err);
  }
  if (rc == ARR_OK) {
    *id_out = u.id;
    return svc_commit(svc, err);
  }
  svc_rollback(svc);
  return rc;
}

arr_rc svc_require_role(arr_svc *svc, const char *what, const char *const *roles,
                        arr_err *err) {
  char list[128] = "";
  for (int i = 0; roles[i] != NULL; i++) {
    size_t used = strlen(list);
    snprintf(list + used, sizeof list - used, "%s%s", i > 0 ? ", " : "", roles[i]);
  }
  if (svc->has_principal) {
    /* HTTP: the user was authenticated by the server, which audits every 403. */
    for (int i = 0; roles[i] != NULL; i++) {
      if (strcmp(svc->principal.role, roles[i]) == 0) {
        return ARR_OK;
      }
    }
    return arr_err_set(err, ARR_ERR_FORBIDDEN, "%s needs the role %s (you are %s)", what,
                       list, svc->principal.role);
  }
  arr_user u;
  arr_rc rc = arr_store_user_by_name(svc->db, svc->actor, &u, err);
  if (rc == ARR_OK) {
    for (int i = 0; roles[i] != NULL; i++) {
      if (strcmp(u.role, roles[i]) == 0) {
        return ARR_OK;
      }
    }
  } else if (rc != ARR_ERR_NOTFOUND) {
    return rc;
  }
  /* A refusal is itself worth recording: who tried to see what. */
  arr_err audit_err;
  if (svc_begin(svc, &audit_err) == ARR_OK) {
    json_t *d =
        json_pack("{s:s,s:s}", "wanted", what, "role", rc == ARR_OK ? u.role : "none");
    if (svc_audit(svc, "access.denied", "user", rc == ARR_OK ? u.id : 0, d, &audit_err) ==
        ARR_OK) {
      svc_commit(svc, &audit_err);
    } else {
      svc_rollback(svc);
    }
  }
  return arr_err_set(
      err, ARR_ERR_FORBIDDEN,
      "%s needs a user whose role is one of %s (acting as \"%s\"; use --as "
      "USER)",
      what, list, svc->actor);
}

arr_rc arr_svc_require(arr_svc *svc, const char *what, const char *const *roles,
                       arr_err *err) {
  if (!svc->has_principal) {
    return ARR_OK;
  }
  return svc_require_role(svc, what, roles, err);
}
