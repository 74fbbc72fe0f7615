#compdef strata

__strata_complete() {
    local -ar non_empty_completions=("${@:#(|:*)}")
    local -ar empty_completions=("${(M)@:#(|:*)}")
    _describe -V '' non_empty_completions -- empty_completions -P $'\'\''
}

__strata_custom_complete() {
    local -a completions
    completions=("${(@f)"$("${command_name}" "${@}" "${command_line[@]}")"}")
    if [[ "${#completions[@]}" -gt 1 ]]; then
        __strata_complete "${completions[@]:0:-1}"
    fi
}

__strata_cursor_index_in_current_word() {
    if [[ -z "${QIPREFIX}${IPREFIX}${PREFIX}" ]]; then
        printf 0
    else
        printf %s "${#${(z)LBUFFER}[-1]}"
    fi
}

_strata() {
    emulate -RL zsh -G
    setopt extendedglob nullglob numericglobsort
    unsetopt aliases banghist

    local -xr SAP_SHELL=zsh
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(builtin emulate zsh -c 'printf %s "${ZSH_VERSION}"')"
    local -r SAP_SHELL_VERSION

    local context state state_descr line
    local -A opt_args

    local -r command_name="${words[1]}"
    local -ar command_line=("${words[@]}")
    local -ir current_word_index="$((CURRENT - 1))"

    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'init:Write strata.yml and create db/migrations and db/seeders.'
            'generate:Write a new timestamped migration file.'
            'migrate:Apply pending migrations, in version order.'
            'undo:Revert applied migrations, newest first (default: the last one).'
            'redo:Revert the last migration(s) and apply them again, under one lock.'
            'status:List migrations (and seeders) as applied, baseline, pending, changed, missing or dirty.'
            'resolve:Settle a dirty migration after repairing the database by hand.'
            'seed:Apply pending seeders (or revert them with --undo).'
            'backup:Back up the environment'\''s database into the backups directory.'
            'restore:Restore a backup into the environment'\''s database, keeping a safety copy of what it replaces.'
            'deploy:Wait for the database, back up if configured, migrate, then exec the server.'
            'wait:Wait until the environment'\''s database accepts connections.'
            'db:Create, drop, rebuild or prepare the environment'\''s database.'
            'baseline:Record migrations as applied without running them, to adopt an existing database.'
            'import:Take over another migration tool'\''s history: its applied migrations become baseline.'
            'schema:Dump the schema to a file, load it into an empty database, or check the database against it.'
            'verify:Prove on a scratch database that every migration'\''s down section undoes its up section.'
            'lint:Check the migrations not yet applied (or the files given) for destructive, incompatible or lock-heavy changes.'
            'help:Show subcommand help information.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        init|generate|migrate|undo|redo|status|resolve|seed|backup|restore|deploy|wait|db|baseline|import|schema|verify|lint|help)
            "_strata_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_strata_init() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion init -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--force[Overwrite an existing configuration file.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_generate() {
    local -i ret=1
    local -ar ___template=('blank' 'create-table' 'modify-table')
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion generate -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        ':name:'
        '--template[The starting content\: blank, create-table or modify-table.]:template:{__strata_complete "${___template[@]}"}'
        '--seeder[Write a seeder in the seeders directory instead of a migration.]'
        '--swift[Write a Swift migration in the Schema API (needs --output) instead of a SQL file.]'
        '--output[The directory of the Swift migrations and their Migrations.swift registry.]:dir:'
        '--from-schema[Write the migration from the schema the migrations build to the declared schema.]'
        '--model[With --from-schema\: the declared schema (default\: model\:, else db/model.sql).]:file:'
        '--dry-run[With --from-schema\: print the migration instead of writing it.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_migrate() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion migrate -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--to[Apply pending migrations up to and including this version.]:version:{__strata_custom_complete ---completion migrate -- --to "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--step[Apply at most this many migrations.]:n:'
        '--dry-run[Print what would be applied, and its SQL, without applying it.]'
        '--allow-changed[Proceed although an applied migration'\''s file changed since.]'
        '--allow-missing[Proceed although an applied migration'\''s file is gone.]'
        '--resume[Continue a dirty migration (or seeder) after its last completed statement.]'
        '--from-statement[With --resume\: continue at this statement (1-based) instead, e.g. after the one a stopped run had already run.]:n:'
        '--backup[Back up before applying anything (as backup_before_migrate\: true does).]'
        '--atomic[Apply every pending migration in one transaction\: all or nothing.]'
        '--json[Print the result as JSON.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_undo() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion undo -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--step[Revert this many migrations.]:n:'
        '--to[Revert the migrations newer than this version.]:version:{__strata_custom_complete ---completion undo -- --to "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--all[Revert every applied migration.]'
        '--dry-run[Print what would be reverted, and its SQL, without reverting it.]'
        '--allow-changed[Revert even if a migration'\''s file changed since it was applied.]'
        '--allow-baseline[Revert baselined migrations too (recorded by baseline or import; their down sections never ran here).]'
        '--resume[Continue a dirty migration (or seeder) after its last completed statement.]'
        '--from-statement[With --resume\: continue at this statement (1-based) instead, e.g. after the one a stopped run had already run.]:n:'
        '--json[Print the result as JSON.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_redo() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion redo -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--step[Redo this many migrations.]:n:'
        '--allow-changed[Redo even if a migration'\''s file changed since it was applied.]'
        '--allow-baseline[Redo baselined migrations too (recorded by baseline or import; their down sections never ran here).]'
        '--json[Print the result as JSON.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_status() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion status -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--json[Print {"migrations"\:\[{"version","name","state","applied_at"}…\],"seeders"\:\[…\]}.]'
        '--exit-code[Exit 3 if migrations are pending, 5 if one changed, is missing or is dirty.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_resolve() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion resolve -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        ':version:{__strata_custom_complete ---completion resolve -- positional@0 "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--rolled-back[Its partial changes were reverted by hand.]'
        '--applied[Its remaining statements were completed by hand.]'
        '--seeder[The dirty one is a seeder, not a migration.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_seed() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion seed -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--undo[Revert seeders instead\: the last one, --step N, or --all.]'
        '--all[With --undo\: revert every applied seeder.]'
        '--step[Apply (or with --undo, revert) at most this many seeders.]:n:'
        '--dry-run[Print what would run, and its SQL, without running it.]'
        '--resume[Continue a dirty migration (or seeder) after its last completed statement.]'
        '--from-statement[With --resume\: continue at this statement (1-based) instead, e.g. after the one a stopped run had already run.]:n:'
        '--allow-changed[Proceed although an applied seeder'\''s file changed since.]'
        '--json[Print the result as JSON.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_backup() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion backup -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--output[Write the backup to this path instead.]:path:'
        '--keep[Keep only the newest N backups of the environment (of each tenant, with tenants).]:n:'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_restore() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion restore -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        ':file:'
        '--yes[Do not ask for confirmation.]'
        '--allow-other-database[Restore a backup of another environment or database (its manifest or dump names it).]'
        '--tenant[Restore into this tenant of the environment (its `tenants\:`).]:name:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_deploy() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion deploy -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--wait-timeout[Seconds to wait for the database to accept connections.]:seconds:'
        '--backup[Back up before migrating even if the environment does not say backup_before_migrate.]'
        '*:command:'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_wait() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion wait -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--timeout[Seconds to wait at most.]:seconds:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_db() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'create:Create the environment'\''s database (nothing happens if it exists).'
            'drop:Drop the environment'\''s database with everything in it.'
            'reset:Drop the database, create it again and bring it to the newest migration.'
            'prepare:Bring the database to the newest migration with the least work: before a test suite, in CI.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        create|drop|reset|prepare)
            "_strata_db_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_strata_db_create() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion db create -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_db_drop() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion db drop -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--yes[Confirm dropping a production database.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_db_reset() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion db reset -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--yes[Confirm resetting a production database (db prepare may reset it).]'
        '--schema[The schema dump to load (default\: schema_dump, else db/schema.sql, when it exists).]:file:'
        '--no-schema[Apply the migrations; load no schema dump.]'
        '--no-template[Neither clone a template of the database nor keep one.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_db_prepare() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion db prepare -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        '--yes[Confirm resetting a production database (db prepare may reset it).]'
        '--schema[The schema dump to load (default\: schema_dump, else db/schema.sql, when it exists).]:file:'
        '--no-schema[Apply the migrations; load no schema dump.]'
        '--no-template[Neither clone a template of the database nor keep one.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_baseline() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion baseline -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        ':version:{__strata_custom_complete ---completion baseline -- positional@0 "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--from-database[Write a migration NAME whose up section creates the database'\''s schema as it is, and record it as baseline.]:name:'
        '--dry-run[Print what would be recorded, and record nothing.]'
        '--json[Print the result as JSON.]'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_import() {
    local -i ret=1
    local -ar _tool=('sequelize' 'schema-migrations')
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion import -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        ':tool:{__strata_complete "${_tool[@]}"}'
        '--table[The history table (default\: SequelizeMeta, or schema_migrations).]:name:'
        '--allow-unmatched[Record the rows that match and leave the others, instead of refusing.]'
        '--dry-run[Print what would be recorded, and record nothing.]'
        '--json[Print the result as JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_schema() {
    local -i ret=1
    local -ar arg_specs=(
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
        '(-): :->command'
        '(-)*:: :->arg'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0
    case "${state}" in
    command)
        local -ar subcommands=(
            'dump:Write the database'\''s schema and applied migrations to a file.'
            'load:Create the schema of a dump in an empty database and record its migrations as applied.'
            'check:Compare the database with a dump, object by object; exit 3 when they differ.'
        )
        _describe -V subcommand subcommands && ret=0
        ;;
    arg)
        case "${words[1]}" in
        dump|load|check)
            "_strata_schema_${words[1]}" && ret=0
            ;;
        esac
        ;;
    esac

    return "${ret}"
}

_strata_schema_dump() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion schema dump -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '(--output -o)'{--output,-o}'[The file (default\: schema_dump, else db/schema.sql).]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_schema_load() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion schema load -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--lock-timeout[Seconds to wait for another run'\''s migration lock.]:seconds:'
        ':file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_schema_check() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion schema check -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        ':file:'
        '--all-tenants[Run on every tenant of the environment (its `tenants\:` in strata.yml).]'
        '*--tenant[Run on this tenant only; repeat for several.]:name:'
        '--concurrency[With tenants\: how many run at once (default\: min(8, tenants)).]:k:'
        '--fail-fast[With tenants\: start no further tenant after one fails.]'
        '--against-model[Check that the migrations build the declared schema instead (exit 3 when they do not).]'
        '--model[With --against-model\: the declared schema (default\: model\:, else db/model.sql).]:file:'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_verify() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion verify -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '--scratch-url[An empty database to verify on, instead of a new scratch database.]:url:'
        '--json[Print the result as JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_lint() {
    local -i ret=1
    local -ar arg_specs=(
        '--env[The environment to use.]:name:{__strata_custom_complete ---completion lint -- --env "${current_word_index}" "$(__strata_cursor_index_in_current_word)"}'
        '--config[The configuration file (default\: strata.yml).]:path:'
        '-C[Run as if strata was started in <dir>.]:dir:'
        '(--quiet -q)'{--quiet,-q}'[Print only errors.]'
        '(--verbose -v)'{--verbose,-v}'[Log every step and SQL statement to standard error.]'
        '*:path:'
        '--json[Print the findings as JSON.]'
        '--version[Show the version.]'
        '(-h --help)'{-h,--help}'[Show help information.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

_strata_help() {
    local -i ret=1
    local -ar arg_specs=(
        '*:subcommands:'
        '--version[Show the version.]'
    )
    _arguments -w -s -S : "${arg_specs[@]}" && ret=0

    return "${ret}"
}

if [[ "${funcstack[1]}" = _strata ]]; then
    _strata "${@}"
else
    compdef _strata strata
fi
