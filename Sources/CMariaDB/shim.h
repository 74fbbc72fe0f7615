// The MariaDB Connector/C (headers from libmariadb-dev), loaded when Strata first connects
// to MySQL rather than linked: a `strata` built with the MySQL trait starts as fast as one
// without it, and runs against SQLite and PostgreSQL on a machine with no connector.
#include <mariadb/mysql.h>
#include <dlfcn.h>
#include <stddef.h>

// Every connector function Strata calls.
#define STRATA_MARIADB_FUNCTIONS(X) \
    X(mysql_server_init) X(mysql_init) X(mysql_options) X(mysql_real_connect) X(mysql_close) \
    X(mysql_errno) X(mysql_sqlstate) X(mysql_error) X(mysql_real_query) X(mysql_store_result) \
    X(mysql_field_count) X(mysql_next_result) X(mysql_free_result) X(mysql_real_escape_string) \
    X(mysql_thread_id) X(mysql_num_fields) X(mysql_fetch_fields) X(mysql_fetch_row) X(mysql_fetch_lengths)

// The connector's functions, each typed as `mysql.h` declares it.
typedef struct strata_mariadb_api {
#define STRATA_MARIADB_POINTER(name) __typeof__(&name) _Nonnull name;
    STRATA_MARIADB_FUNCTIONS(STRATA_MARIADB_POINTER)
#undef STRATA_MARIADB_POINTER
} strata_mariadb_api;

// Opens the connector at `path` (a file name the dynamic loader searches for, or a path) and
// fills `api`. Returns NULL, or the loader's message saying what is missing; `api` is
// usable only after NULL.
static inline const char *_Nullable strata_mariadb_load(const char *_Nonnull path, strata_mariadb_api *_Nonnull api) {
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) return dlerror();
#define STRATA_MARIADB_LOOKUP(name) \
    if ((*(void **)&api->name = dlsym(library, #name)) == NULL) return dlerror();
    STRATA_MARIADB_FUNCTIONS(STRATA_MARIADB_LOOKUP)
#undef STRATA_MARIADB_LOOKUP
    return NULL;
}
