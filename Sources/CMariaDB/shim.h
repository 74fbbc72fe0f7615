// The MariaDB Connector/C (libmariadb-dev), found through pkg-config `libmariadb`.
#include <mysql.h>
