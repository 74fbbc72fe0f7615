#!/bin/bash

__strata_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__strata_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__strata_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__strata_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_strata() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __strata_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    init|generate|migrate|undo|redo|status|resolve|seed|backup|restore|deploy|wait|db|baseline|import|schema|verify|lint|help)
        # Offer subcommand argument completions
        "_strata_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'init generate migrate undo redo status resolve seed backup restore deploy wait db baseline import schema verify lint help' -- "${cur}"))
        ;;
    esac
}

_strata_init() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --force --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion init -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    esac
}

_strata_generate() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --seeder --swift --from-schema --dry-run --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --template --output --model)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion generate -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--template')
        __strata_add_completions -W 'blank'$'\n''create-table'$'\n''modify-table'
        return
        ;;
    '--output')
        return
        ;;
    '--model')
        return
        ;;
    esac
}

_strata_migrate() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --dry-run --allow-changed --allow-missing --resume --backup --atomic --json --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --to --step --from-statement --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion migrate -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--to')
        __strata_add_completions -W "$(__strata_custom_complete ---completion migrate -- --to "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--step')
        return
        ;;
    '--from-statement')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_undo() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --all --dry-run --allow-changed --allow-baseline --resume --json --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --step --to --from-statement --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion undo -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--step')
        return
        ;;
    '--to')
        __strata_add_completions -W "$(__strata_custom_complete ---completion undo -- --to "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--from-statement')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_redo() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --allow-changed --allow-baseline --json --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --step --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion redo -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--step')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_status() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --json --exit-code --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion status -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_resolve() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --rolled-back --applied --seeder --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --lock-timeout)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion resolve -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __strata_add_completions -W "$(__strata_custom_complete ---completion resolve -- positional@0 "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_strata_seed() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --undo --all --dry-run --resume --allow-changed --json --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --step --from-statement --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion seed -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--step')
        return
        ;;
    '--from-statement')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_backup() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --output --keep --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion backup -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--output')
        return
        ;;
    '--keep')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_restore() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --yes --allow-other-database --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --tenant)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion restore -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--tenant')
        return
        ;;
    esac
}

_strata_deploy() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --backup --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --wait-timeout --concurrency)
    __strata_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion deploy -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--wait-timeout')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_wait() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --timeout)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion wait -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--timeout')
        return
        ;;
    esac
}

_strata_db() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __strata_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|drop|reset|prepare)
        # Offer subcommand argument completions
        "_strata_db_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create drop reset prepare' -- "${cur}"))
        ;;
    esac
}

_strata_db_create() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion db create -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    esac
}

_strata_db_drop() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --yes --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion db drop -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    esac
}

_strata_db_reset() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --yes --no-schema --no-template --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --schema --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion db reset -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--schema')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_db_prepare() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --yes --no-schema --no-template --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --schema --concurrency)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion db prepare -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--schema')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac
}

_strata_baseline() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --dry-run --json --all-tenants --fail-fast --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --lock-timeout --from-database --concurrency)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion baseline -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--from-database')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __strata_add_completions -W "$(__strata_custom_complete ---completion baseline -- positional@0 "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_strata_import() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --allow-unmatched --dry-run --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --lock-timeout --table)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion import -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    '--table')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __strata_add_completions -W 'sequelize'$'\n''schema-migrations'
        return
        ;;
    esac
}

_strata_schema() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __strata_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    dump|load|check)
        # Offer subcommand argument completions
        "_strata_schema_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'dump load check' -- "${cur}"))
        ;;
    esac
}

_strata_schema_dump() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --output -o)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion schema dump -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--output'|'-o')
        return
        ;;
    esac
}

_strata_schema_load() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --lock-timeout)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion schema load -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--lock-timeout')
        return
        ;;
    esac
}

_strata_schema_check() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --all-tenants --fail-fast --against-model --version -h --help)
    repeating_options=(--tenant)
    non_repeating_options=(--env --config -C --concurrency --model)
    __strata_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion schema check -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--tenant')
        return
        ;;
    '--concurrency')
        return
        ;;
    '--model')
        return
        ;;
    esac
}

_strata_verify() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C --scratch-url)
    __strata_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion verify -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    '--scratch-url')
        return
        ;;
    esac
}

_strata_lint() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --verbose -v --json --version -h --help)
    repeating_options=()
    non_repeating_options=(--env --config -C)
    __strata_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--env')
        __strata_add_completions -W "$(__strata_custom_complete ---completion lint -- --env "${COMP_CWORD}" "$(__strata_cursor_index_in_current_word)")"
        return
        ;;
    '--config')
        return
        ;;
    '-C')
        return
        ;;
    esac
}

_strata_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __strata_offer_flags_options -1
}

complete -o filenames -F _strata strata
