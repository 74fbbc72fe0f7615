#!/usr/bin/env python3
"""The servers of Examples/TodoApp, run for real against SQLite and PostgreSQL.

For the Hummingbird app (`todo-server`, migrated by the app's `migrate` executable) and
the Vapor app (`todo-vapor`, whose `todo-vapor strata …` is the migration tool), on each
engine, in a fresh database:

1. the app refuses to start while migrations are pending: exit status 3, the pending
   migrations and the command to run named, nothing listening on its port;
2. `… deploy -- <app>` migrates, then the server runs in deploy's own process (the PID
   deploy was started with is the server's: /proc/PID/exe and the app's /health say so)
   and GET /todos answers from the table the migrations made;
3. with a failing migration added, deploy exits 1 saying the server was not started, and
   nothing listens on the port; the app alone then refuses to start, naming it;
4. `MIGRATE_ON_START=1` (development) applies what is pending and serves.

The PostgreSQL databases are dropped as `production` — the same database under that name —
where `db drop` is refused without `--yes`: through `todo-vapor strata`, that checks that the
`--yes` ConsoleKit takes for itself reaches strata.

Usage: example_servers.py BIN_DIR (the example's `swift build --show-bin-path`). Needs
STRATA_POSTGRES_URL (scripts/start-databases). Exits non-zero at the first failure.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
APP = os.path.join(ROOT, "Examples", "TodoApp")
MIGRATIONS = ["20261124232202-create-users", "20261124232203-create-todos",
              "20261124232204-add-status-to-todos", "20261124232205-create-open-todos-view"]
BROKEN = "29991231000000-broken"


def fail(message):
    print(f"example-servers: {message}", file=sys.stderr)
    sys.exit(1)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening(port):
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def get(port, path):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
        return response.status, response.read().decode()


class Project:
    """A scratch copy of the example's configuration and SQL migrations, on one engine."""

    def __init__(self, bin_dir, framework, engine):
        self.bin_dir = bin_dir
        self.framework = framework
        self.engine = engine
        self.directory = tempfile.mkdtemp(prefix=f"todoapp-{framework}-{engine}-")
        shutil.copytree(os.path.join(APP, "db", "migrations"), os.path.join(self.directory, "db", "migrations"))
        self.database = None
        if engine == "sqlite":
            url = "sqlite:db/todo.sqlite3"
        else:
            server = os.environ.get("STRATA_POSTGRES_URL") or fail("STRATA_POSTGRES_URL is not set (scripts/start-databases)")
            self.database = f"todoapp_{framework}_{uuid.uuid4().hex[:8]}"
            url = urllib.parse.urlunsplit(urllib.parse.urlsplit(server)._replace(path="/" + self.database))
        with open(os.path.join(self.directory, "strata.yml"), "w") as file:
            file.write(f"environments:\n  {engine}:\n    url: {url}\n")
            if self.database:
                file.write(f"  production:\n    url: {url}\n")
        self.env = dict(os.environ, STRATA_ENV=engine, PORT=str(free_port()))
        self.env.pop("MIGRATE_ON_START", None)
        self.port = int(self.env["PORT"])

    @property
    def app(self):
        """The app's command line, as it is started to serve."""
        if self.framework == "hummingbird":
            return [os.path.join(self.bin_dir, "todo-server")]
        return [os.path.join(self.bin_dir, "todo-vapor"), "serve"]

    @property
    def migrate_tool(self):
        """The app's migration tool: its `migrate` executable, or `todo-vapor strata`."""
        if self.framework == "hummingbird":
            return [os.path.join(self.bin_dir, "migrate")]
        return [os.path.join(self.bin_dir, "todo-vapor"), "strata"]

    def run(self, command, expected, extra_env=None):
        result = subprocess.run(command, cwd=self.directory, env=dict(self.env, **(extra_env or {})),
                                capture_output=True, text=True, timeout=300)
        output = result.stdout + result.stderr
        if result.returncode != expected:
            fail(f"{self}: `{' '.join(os.path.basename(part) for part in command)}` exited {result.returncode}, "
                 f"expected {expected}:\n{output}")
        return output

    def serve(self, command, extra_env=None):
        """Starts `command`, waits until its server answers /health; returns the process."""
        process = subprocess.Popen(command, cwd=self.directory, env=dict(self.env, **(extra_env or {})),
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if process.poll() is not None:
                fail(f"{self}: `{' '.join(map(os.path.basename, command))}` exited {process.returncode} instead of serving:\n"
                     f"{process.stdout.read()}")
            try:
                status, body = get(self.port, "/health")
                if status == 200:
                    return process, body
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.2)
        process.kill()
        fail(f"{self}: the server did not answer /health within 120 s")

    def stop(self, process):
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            fail(f"{self}: the server did not stop on SIGTERM within 30 s")

    def sql(self, statement):
        """Runs `statement` with the engine's own client."""
        if self.engine == "sqlite":
            subprocess.run(["sqlite3", os.path.join(self.directory, "db", "todo.sqlite3"), statement], check=True)
        else:
            server = urllib.parse.urlsplit(os.environ["STRATA_POSTGRES_URL"])
            subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", server.hostname, "-p", str(server.port or 5432),
                            "-U", server.username, "-d", self.database, "-c", statement],
                           check=True, env=dict(os.environ, PGPASSWORD=urllib.parse.unquote(server.password or "")))

    def cleanup(self):
        if self.database:
            production = {"STRATA_ENV": "production"}
            refused = self.run(self.migrate_tool + ["db", "drop"], 2, production)
            if "Refusing to drop the production database" not in refused or "without --yes" not in refused:
                fail(f"{self}: `db drop` of production without --yes was not refused as expected:\n{refused}")
            self.run(self.migrate_tool + ["db", "drop", "--yes"], 0, production)
        shutil.rmtree(self.directory, ignore_errors=True)

    def __str__(self):
        return f"{self.framework} on {self.engine}"


def check(project):
    print(f"== {project}")
    if project.database:
        project.run(project.migrate_tool + ["db", "create"], 0)

    # 1. Behind: the app refuses to start, naming what is pending and what to run.
    output = project.run(project.app, 3)
    for migration in MIGRATIONS:
        if migration not in output:
            fail(f"{project}: the refusal does not name {migration}:\n{output}")
    if "Pending (4)" not in output or f"migrate --env {project.engine}" not in output:
        fail(f"{project}: the refusal does not say how many are pending and what to run:\n{output}")
    if listening(project.port):
        fail(f"{project}: something listens on port {project.port} although the app refused to start")
    if project.framework == "vapor":
        # Help is not serving: no check; `todo-vapor strata <command> --help` is strata's help.
        if "strata" not in project.run([project.app[0], "--help"], 0):
            fail(f"{project}: `todo-vapor --help` does not list the strata command")
        if "Apply pending migrations" not in project.run(project.migrate_tool + ["migrate", "--help"], 0):
            fail(f"{project}: `todo-vapor strata migrate --help` does not print migrate's help")
    status = project.run(project.migrate_tool + ["status", "--exit-code"], 3)
    if status.count("pending") < 4:
        fail(f"{project}: status does not list the 4 pending migrations:\n{status}")

    # 2. deploy migrates, then becomes the server: same PID, answering from the new table.
    process, health = project.serve(project.migrate_tool + ["deploy", "--"] + project.app)
    if health.strip() != f"ok pid={process.pid}":
        fail(f"{project}: the server's PID is not deploy's ({process.pid}): /health says {health!r}")
    executable = os.path.basename(os.readlink(f"/proc/{process.pid}/exe"))
    if executable != os.path.basename(project.app[0]):
        fail(f"{project}: process {process.pid} runs {executable}, not the app")
    project.sql("INSERT INTO users (id, name, \"createdAt\", \"updatedAt\") VALUES (1, 'Ada', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    project.sql("INSERT INTO todos (id, title, \"userId\", \"createdAt\", \"updatedAt\") "
                "VALUES (7, 'Write the migration', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")
    status_code, body = get(project.port, "/todos")
    if status_code != 200 or body != '[{"id":7,"status":"open","title":"Write the migration"}]':
        fail(f"{project}: GET /todos answered {status_code} {body!r}")
    project.stop(process)
    project.run(project.migrate_tool + ["status", "--exit-code"], 0)

    # 3. A failing migration: deploy stops before the server, which then refuses to start.
    broken = os.path.join(project.directory, "db", "migrations", f"{BROKEN}.sql")
    with open(broken, "w") as file:
        file.write("-- migrate:up\nINSERT INTO no_such_table (id) VALUES (1);\n-- migrate:down\n")
    output = project.run(project.migrate_tool + ["deploy", "--"] + project.app, 1)
    if "The server was not started" not in output or "no_such_table" not in output:
        fail(f"{project}: the failed deploy does not say what failed and that the server was not started:\n{output}")
    if listening(project.port):
        fail(f"{project}: a server listens on port {project.port} after a failed deploy")
    output = project.run(project.app, 3)
    if BROKEN not in output or "Pending (1)" not in output:
        fail(f"{project}: the refusal does not name the one pending migration:\n{output}")
    os.remove(broken)

    # 4. Development: MIGRATE_ON_START=1 applies what is pending, then serves.
    project.run(project.migrate_tool + ["undo"], 0)
    process, _ = project.serve(project.app, {"MIGRATE_ON_START": "1"})
    project.stop(process)
    project.run(project.migrate_tool + ["status", "--exit-code"], 0)
    print(f"ok: {project}")


def main():
    if len(sys.argv) != 2:
        fail("usage: example_servers.py BIN_DIR")
    bin_dir = os.path.abspath(sys.argv[1])
    for framework in ["hummingbird", "vapor"]:
        for engine in ["sqlite", "postgres"]:
            project = Project(bin_dir, framework, engine)
            try:
                check(project)
            finally:
                project.cleanup()
    print("example-servers: both apps on both engines refused, deployed, served and failed safely.")


if __name__ == "__main__":
    main()
