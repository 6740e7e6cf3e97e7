#!/bin/sh
# rfc-runner: the host-side backup runner installed by restic-fleet-console.
#
#   rfc-runner.sh run  <env-file>   hooks, restic backup, offsite copy, status, alert
#   rfc-runner.sh copy <env-file>   only the offsite copy (on demand from the console)
#
# Its timer (systemd) or crontab entry runs `rfc-runner.sh run <env-file>`.
# The env file is written by the console over SSH (mode 0600): every value
# single-quoted, so sourcing it runs nothing. It holds the repository
# password and S3 keys; they are exported to restic only (in a subshell),
# never to the hooks, never on a command line, never in the status file.
#
# Status: one JSON file per plan in RFC_STATUS_DIR, replaced atomically
# (written next to it, then renamed). POSIX sh only; no bashisms.
set -eu
umask 077

RFC_RUNNER_VERSION=1

die() {
	printf 'rfc-runner: %s\n' "$1" >&2
	exit 2
}

[ $# -eq 2 ] || die "usage: rfc-runner.sh run|copy <env-file>"
mode=$1
env_file=$2
case $mode in run | copy) ;; *) die "unknown mode: $mode" ;; esac
[ -f "$env_file" ] || die "env file not found: $env_file"

# The env file sets plain shell variables (not exported).
# shellcheck disable=SC1090
. "$env_file"

: "${RFC_PLAN_ID:?}" "${RFC_HOST_NAME:?}" "${RFC_STATUS_DIR:?}" "${RFC_RESTIC:=restic}"
: "${RFC_BUSINESS:=}" "${RFC_PLAN_NAME:=}" "${RFC_PATH_COUNT:=0}" "${RFC_EXCLUDE_COUNT:=0}" "${RFC_TAG_COUNT:=0}"
: "${RFC_PRE_HOOK_COUNT:=0}" "${RFC_POST_HOOK_COUNT:=0}" "${RFC_ALERT_URL:=}" "${RFC_ALERT_KIND:=webhook}"
: "${RFC_OFFSITE_REPOSITORY:=}" "${RFC_OFFSITE_PASSWORD:=}" "${RFC_SECRET_ENV_COUNT:=0}" "${RFC_HOOK_TIMEOUT:=0}"
: "${RESTIC_REPOSITORY:?}" "${RESTIC_PASSWORD:?}" "${RESTIC_CACHE_DIR:=$RFC_STATUS_DIR/cache}"

mkdir -p "$RFC_STATUS_DIR"
status_file="$RFC_STATUS_DIR/$RFC_PLAN_ID.json"
copy_file="$RFC_STATUS_DIR/$RFC_PLAN_ID.copy.json"
work=$(mktemp -d "$RFC_STATUS_DIR/.run-$RFC_PLAN_ID.XXXXXX")
lock_dir="$RFC_STATUS_DIR/.lock-$RFC_PLAN_ID"
have_lock=0
backup_pid=
cleanup() {
	# Stopped while the backup runs in the background (the runner killed or
	# cancelled): stop restic too, with SIGINT so it removes its lock, and wait.
	if [ -n "$backup_pid" ] && kill -0 "$backup_pid" 2>/dev/null; then
		kill -INT "$(cat "$work/restic.pid" 2>/dev/null)" 2>/dev/null || true
		wait "$backup_pid" 2>/dev/null || true
	fi
	rm -rf "$work"
	if [ "$have_lock" = 1 ]; then rm -rf "$lock_dir"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now() { date -u +%Y-%m-%dT%H:%M:%SZ; }

# A JSON string literal of $1: backslash, quote and control characters escaped, lines joined by \n.
json_str() {
	printf '%s' "$1" | tr -d '\000-\010\013-\037' | tr '\t' ' ' |
		sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' |
		awk 'BEGIN { printf "\"" } { if (NR > 1) printf "\\n"; printf "%s", $0 } END { printf "\"" }'
}

# The n-th value of a numbered list variable (RFC_PATH_1, …): n is always a number here.
nth() {
	eval "printf '%s' \"\${$1_$2}\""
}

# Only one run of a plan at a time; a lock left by a dead run is taken over.
take_lock() {
	if mkdir "$lock_dir" 2>/dev/null; then
		have_lock=1
		echo $$ >"$lock_dir/pid"
		return 0
	fi
	old=$(cat "$lock_dir/pid" 2>/dev/null || echo)
	if [ -n "$old" ] && kill -0 "$old" 2>/dev/null; then
		return 1
	fi
	rm -rf "$lock_dir"
	mkdir "$lock_dir" 2>/dev/null || return 1
	have_lock=1
	echo $$ >"$lock_dir/pid"
}

# restic with the repository's secrets exported in a subshell only. $1: primary | offsite-copy
restic_with() {
	target=$1
	shift
	(
		i=1
		while [ "$i" -le "$RFC_SECRET_ENV_COUNT" ]; do
			name=$(nth RFC_SECRET_ENV_NAME "$i")
			value=$(nth RFC_SECRET_ENV_VALUE "$i")
			export "$name=$value"
			i=$((i + 1))
		done
		export RESTIC_CACHE_DIR
		if [ "$target" = offsite-copy ]; then
			if "$RFC_RESTIC" copy --help 2>/dev/null | grep -q -- '--from-repo'; then
				# restic >= 0.14: the destination is the repository, the source is --from-repo.
				RESTIC_FROM_REPOSITORY=$RESTIC_REPOSITORY RESTIC_FROM_PASSWORD=$RESTIC_PASSWORD
				RESTIC_REPOSITORY=$RFC_OFFSITE_REPOSITORY RESTIC_PASSWORD=$RFC_OFFSITE_PASSWORD
				export RESTIC_FROM_REPOSITORY RESTIC_FROM_PASSWORD RESTIC_REPOSITORY RESTIC_PASSWORD
			else
				# restic 0.10-0.13: the source is the repository, the destination is --repo2.
				RESTIC_REPOSITORY2=$RFC_OFFSITE_REPOSITORY RESTIC_PASSWORD2=$RFC_OFFSITE_PASSWORD
				export RESTIC_REPOSITORY RESTIC_PASSWORD RESTIC_REPOSITORY2 RESTIC_PASSWORD2
			fi
		else
			export RESTIC_REPOSITORY RESTIC_PASSWORD
		fi
		# restic's pid (sh -c's $$, kept by exec) for the quota watch; its argv holds no secret.
		exec sh -c 'echo $$ >"$0"; exec "$@"' "$work/restic.pid" "$RFC_RESTIC" "$@"
	)
}

# Runs the hooks of one phase (pre | post); records failures in $work/hooks.
# Hooks are the plan's own shell commands; they get no repository secrets.
run_hooks() {
	phase=$1
	count=$2
	i=1
	while [ "$i" -le "$count" ]; do
		if [ "$phase" = pre ]; then hook=$(nth RFC_PRE_HOOK "$i"); else hook=$(nth RFC_POST_HOOK "$i"); fi
		set +e
		if [ "$RFC_HOOK_TIMEOUT" -gt 0 ] && command -v timeout >/dev/null 2>&1; then
			timeout "$RFC_HOOK_TIMEOUT" sh -c "$hook" >"$work/hook.out" 2>&1 </dev/null
		else
			sh -c "$hook" >"$work/hook.out" 2>&1 </dev/null
		fi
		rc=$?
		set -e
		if [ "$rc" -ne 0 ]; then
			out=$(tail -n 5 "$work/hook.out")
			if [ -s "$work/hooks" ]; then printf ',' >>"$work/hooks"; fi
			printf '{"phase":"%s","index":%s,"exitCode":%s,"command":%s,"output":%s}' \
				"$phase" "$i" "$rc" "$(json_str "$hook")" "$(json_str "$out")" >>"$work/hooks"
			hook_failed="$phase hook $i exited $rc"
			if [ -n "$out" ]; then hook_failed="$hook_failed: $(printf '%s' "$out" | tail -n 1)"; fi
			return 1
		fi
		i=$((i + 1))
	done
	return 0
}

# The offsite copy of this plan's snapshots (restic copies only what the offsite repository lacks);
# its own status file, <plan>.copy.json, replaced atomically.
run_copy() {
	[ -n "$RFC_OFFSITE_REPOSITORY" ] || return 0
	c_start=$(now)
	set +e
	restic_with offsite-copy copy --host "$RFC_HOST_NAME" --tag "plan:$RFC_PLAN_ID" >"$work/copy.out" 2>"$work/copy.err"
	c_rc=$?
	set -e
	c_reason=
	if [ "$c_rc" -ne 0 ]; then c_reason=$(tail -n 3 "$work/copy.err"); fi
	c_state=ok
	if [ "$c_rc" -ne 0 ]; then c_state=failed; fi
	printf '{"format":1,"plan":%s,"host":%s,"state":"%s","start":"%s","end":"%s","exitCode":%s,"reason":%s}\n' \
		"$(json_str "$RFC_PLAN_ID")" "$(json_str "$RFC_HOST_NAME")" "$c_state" "$c_start" "$(now)" "$c_rc" \
		"$(json_str "$c_reason")" >"$copy_file.tmp"
	mv -f "$copy_file.tmp" "$copy_file"
	return "$c_rc"
}

# Posts $1 (the message) to the alert channel with curl or wget; the URL goes on stdin, never in argv.
post_alert() {
	[ -n "$RFC_ALERT_URL" ] || return 0
	msg=$1
	case $RFC_ALERT_KIND in
	dingtalk) printf '{"msgtype":"text","text":{"content":%s}}' "$(json_str "$msg")" >"$work/alert.json" ;;
	slack) printf '{"text":%s}' "$(json_str "$msg")" >"$work/alert.json" ;;
	*)
		# The console's generic shape (electron/core/alerts/payloads.ts), plus the plan's name and exit code.
		printf '{"event":"backup-failed","business":%s,"host":%s,"plan":%s,"status":"failing","reason":%s,"at":"%s","console":%s,"planName":%s,"exitCode":%s}' \
			"$(json_str "$RFC_BUSINESS")" "$(json_str "$RFC_HOST_NAME")" "$(json_str "$RFC_PLAN_ID")" \
			"$(json_str "$reason")" "$(now)" "$(json_str "runner@$RFC_HOST_NAME")" \
			"$(json_str "$RFC_PLAN_NAME")" "$exit_code" >"$work/alert.json"
		;;
	esac
	if command -v curl >/dev/null 2>&1; then
		# curl reads the URL from a config on stdin ("url = \"…\""), quotes and backslashes escaped.
		printf 'url = "%s"\n' "$(printf '%s' "$RFC_ALERT_URL" | sed -e 's/\\/\\\\/g' -e 's/"/\\"/g')" |
			curl -fsS -m 20 -K - -H 'Content-Type: application/json' --data-binary "@$work/alert.json" -o /dev/null
	elif command -v wget >/dev/null 2>&1; then
		printf '%s\n' "$RFC_ALERT_URL" |
			wget -q -T 20 -O /dev/null --header='Content-Type: application/json' --post-file="$work/alert.json" -i -
	else
		echo "neither curl nor wget is installed" >&2
		return 127
	fi
}

write_status() {
	tmp="$RFC_STATUS_DIR/.$RFC_PLAN_ID.json.tmp"
	{
		printf '{"format":1,"runner":%s,"plan":%s,"host":%s,"business":%s,' \
			"$RFC_RUNNER_VERSION" "$(json_str "$RFC_PLAN_ID")" "$(json_str "$RFC_HOST_NAME")" "$(json_str "$RFC_BUSINESS")"
		printf '"mode":"%s","state":"%s","start":"%s","end":"%s","exitCode":%s,' "$mode" "$state" "$start" "$(now)" "$exit_code"
		printf '"resticVersion":%s,"errorCount":%s,"reason":%s,' "$(json_str "$restic_version")" "$error_count" "$(json_str "$reason")"
		printf '"summary":%s,"hookFailures":[%s],' "$summary" "$(cat "$work/hooks" 2>/dev/null || true)"
		printf '"alert":%s}\n' "$alert"
	} >"$tmp"
	mv -f "$tmp" "$status_file"
}

start=$(now)
state=failed
exit_code=0
error_count=0
reason=
summary=null
alert=null
hook_failed=
restic_version=$("$RFC_RESTIC" version 2>/dev/null | awk '{ print $2; exit }' || true)
: >"$work/hooks"

if ! take_lock; then
	echo "rfc-runner: another run of plan $RFC_PLAN_ID is in progress" >&2
	exit 75
fi

if [ "$mode" = copy ]; then
	if [ -z "$RFC_OFFSITE_REPOSITORY" ]; then
		echo "rfc-runner: no offsite repository is configured for this plan" >&2
		exit 2
	fi
	set +e
	run_copy
	exit_code=$?
	set -e
	cat "$copy_file"
	exit "$exit_code"
fi

# A status saying "running" first, so a run that dies half-way is visible.
state=running
write_status

if run_hooks pre "$RFC_PRE_HOOK_COUNT"; then
	set -- backup --json --host "$RFC_HOST_NAME" --tag "plan:$RFC_PLAN_ID"
	i=1
	while [ "$i" -le "$RFC_TAG_COUNT" ]; do
		set -- "$@" --tag "$(nth RFC_TAG "$i")"
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$RFC_EXCLUDE_COUNT" ]; do
		set -- "$@" --exclude "$(nth RFC_EXCLUDE "$i")"
		i=$((i + 1))
	done
	set -- "$@" --
	i=1
	while [ "$i" -le "$RFC_PATH_COUNT" ]; do
		set -- "$@" "$(nth RFC_PATH "$i")"
		i=$((i + 1))
	done
	set +e
	restic_with primary "$@" >"$work/backup.out" 2>"$work/backup.err" &
	backup_pid=$!
	# A full bucket does not empty by retrying, yet restic retries an upload
	# for up to 15 minutes: stop it (SIGINT, so it removes its lock) at once.
	quota_hit=
	while kill -0 "$backup_pid" 2>/dev/null; do
		if [ -z "$quota_hit" ] && grep -q -e 'Bucket quota exceeded' -e 'BucketQuotaExceeded' "$work/backup.err"; then
			quota_hit=1
			kill -INT "$(cat "$work/restic.pid" 2>/dev/null)" 2>/dev/null
		fi
		sleep 1
	done
	wait "$backup_pid"
	exit_code=$?
	backup_pid=
	set -e
	line=$(grep '"message_type":"summary"' "$work/backup.out" | tail -n 1 || true)
	case $line in "{"*"}") summary=$line ;; esac
	json_errors=$(grep -c '"message_type":"error"' "$work/backup.out" || true)
	text_errors=$(grep -c '^error' "$work/backup.err" || true)
	error_count=$((json_errors + text_errors))
	case $exit_code in
	0) state=ok ;;
	3)
		state=partial
		reason="restic could not read some files ($error_count errors)"
		;;
	*)
		state=failed
		reason="restic backup exited $exit_code: $(grep -v '^$' "$work/backup.err" | tail -n 2)"
		;;
	esac
	if [ -n "$quota_hit" ]; then
		state=failed
		if [ "$exit_code" -eq 0 ]; then exit_code=1; fi
		reason="bucket quota exceeded: the repository's bucket refused the upload, no snapshot was made (raise the quota or forget and prune old snapshots)"
	fi
	if ! run_hooks post "$RFC_POST_HOOK_COUNT"; then
		state=failed
		reason=$hook_failed
		if [ "$exit_code" -eq 0 ]; then exit_code=1; fi
	fi
	if [ "$state" != failed ]; then
		set +e
		run_copy
		set -e
	fi
else
	state=failed
	exit_code=1
	reason=$hook_failed
fi

if [ "$state" = failed ] && [ -n "$RFC_ALERT_URL" ]; then
	set +e
	post_alert "backup of $RFC_PLAN_NAME ($RFC_PLAN_ID) on $RFC_HOST_NAME failed: $reason" 2>"$work/alert.err"
	a_rc=$?
	set -e
	if [ "$a_rc" -eq 0 ]; then
		alert='{"sent":true}'
	else
		alert=$(printf '{"sent":false,"reason":%s}' "$(json_str "$(tail -n 1 "$work/alert.err")")")
	fi
fi

write_status
if [ "$state" = failed ]; then
	echo "rfc-runner: $reason" >&2
	if [ "$exit_code" -eq 0 ]; then exit_code=1; fi
	exit "$exit_code"
fi
exit 0
