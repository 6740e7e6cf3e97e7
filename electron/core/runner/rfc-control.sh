# rfc-control: what the console runs over SSH to install, inspect and remove
# the runner of one plan. Run as `sh -c "<this text>" rfc-control <command> <plan-id>`.
#
#   detect     the layout (where files go), the scheduler, restic's path, the time zone
#   install    files and schedule from base64 payloads in the environment
#              (RFC_B64_SCRIPT, RFC_B64_ENV — the secret one —, RFC_B64_SERVICE,
#              RFC_B64_TIMER, RFC_B64_CRON, RFC_SCHEDULER); a re-install replaces
#   uninstall  schedule, env file, status files; the script when no plan is left
#   status     whether it is installed and scheduled, then the status files
#   run|copy   the installed runner in the foreground (as its timer would run it)
#
# Paths: as root /usr/local/lib/rfc-runner, /etc/rfc-runner, /var/lib/rfc-runner;
# otherwise under the user's XDG folders. RFC_RUNNER_PREFIX (from the host's
# environment) puts everything under another root, for hosts whose / is not
# writable; systemd is not used then (it would not see the units).
# POSIX sh only.
set -eu
umask 077

cmd=${1:?command}
plan=${2:?plan id}
case $plan in "" | -* | *[!A-Za-z0-9._:-]*)
	echo "rfc-control: bad plan id" >&2
	exit 2
	;;
esac

prefix=${RFC_RUNNER_PREFIX:-}
if [ "$(id -u)" = 0 ]; then
	scope=system
	lib=$prefix/usr/local/lib/rfc-runner
	conf=$prefix/etc/rfc-runner
	state=$prefix/var/lib/rfc-runner
	units=$prefix/etc/systemd/system
else
	scope=user
	: "${HOME:?HOME is not set}"
	lib=$prefix${XDG_DATA_HOME:-$HOME/.local/share}/rfc-runner
	conf=$prefix${XDG_CONFIG_HOME:-$HOME/.config}/rfc-runner
	state=$prefix${XDG_STATE_HOME:-$HOME/.local/state}/rfc-runner
	units=$prefix${XDG_CONFIG_HOME:-$HOME/.config}/systemd/user
fi
status_dir=$state/status
script=$lib/rfc-runner.sh
env_file=$conf/$plan.env
unit=rfc-runner-$plan
marker="# rfc-runner:$plan"

systemctl_scope() {
	if [ "$scope" = user ]; then systemctl --user "$@"; else systemctl "$@"; fi
}

scheduler() {
	if [ -z "$prefix" ] && [ -d /run/systemd/system ] && command -v systemctl >/dev/null 2>&1; then
		if [ "$scope" = system ] || systemctl --user show-environment >/dev/null 2>&1; then
			echo systemd
			return
		fi
	fi
	if command -v crontab >/dev/null 2>&1; then
		echo cron
		return
	fi
	echo none
}

# Removes this plan's crontab line(s), keeping every other line as it was.
cron_remove() {
	command -v crontab >/dev/null 2>&1 || return 0
	current=$(crontab -l 2>/dev/null || true)
	case $current in *"$marker"*) ;; *) return 0 ;; esac
	printf '%s\n' "$current" | grep -vF "$marker" | crontab -
}

systemd_remove() {
	if [ -f "$units/$unit.timer" ] || [ -f "$units/$unit.service" ]; then
		if [ -z "$prefix" ] && command -v systemctl >/dev/null 2>&1; then
			systemctl_scope disable --now "$unit.timer" >/dev/null 2>&1 || true
		fi
		rm -f "$units/$unit.timer" "$units/$unit.service"
		if [ -z "$prefix" ] && command -v systemctl >/dev/null 2>&1; then
			systemctl_scope daemon-reload >/dev/null 2>&1 || true
		fi
	fi
}

b64() {
	printf '%s' "$1" | base64 -d
}

case $cmd in
detect)
	restic_path=$(command -v "${RFC_RESTIC:-restic}" 2>/dev/null || true)
	tz=$(cat /etc/timezone 2>/dev/null || true)
	if [ -z "$tz" ] && [ -L /etc/localtime ]; then
		tz=$(readlink /etc/localtime | sed -n 's|.*/zoneinfo/||p')
	fi
	printf 'scope=%s\nlib=%s\nconf=%s\nstatus=%s\nunits=%s\nscheduler=%s\n' \
		"$scope" "$lib" "$conf" "$status_dir" "$units" "$(scheduler)"
	printf 'restic=%s\ntz=%s\nverify=%s\n' "$restic_path" "$tz" \
		"$(command -v systemd-analyze >/dev/null 2>&1 && echo yes || echo no)"
	printf 'notify=%s\n' "$(command -v curl >/dev/null 2>&1 && echo curl || { command -v wget >/dev/null 2>&1 && echo wget || echo none; })"
	;;
install)
	sched=$(scheduler)
	if [ "$sched" = none ]; then
		echo "__rfc_no_scheduler__" >&2
		exit 3
	fi
	if [ "$sched" != "${RFC_SCHEDULER:?}" ]; then
		echo "rfc-control: the host's scheduler changed to $sched; detect again" >&2
		exit 4
	fi
	mkdir -p "$lib" "$conf" "$status_dir"
	chmod 700 "$conf" "$state" "$status_dir"
	b64 "${RFC_B64_SCRIPT:?}" >"$script.tmp"
	chmod 755 "$script.tmp"
	mv -f "$script.tmp" "$script"
	chmod 755 "$lib"
	# A failure from here on removes the settings file (it holds the secrets):
	# the status then says "settings missing; re-install it" instead of a half install.
	trap 'rc=$?; if [ "$rc" -ne 0 ]; then rm -f "$env_file" "$env_file.tmp"; fi' EXIT
	b64 "${RFC_B64_ENV:?}" >"$env_file.tmp"
	unset RFC_B64_ENV
	chmod 600 "$env_file.tmp"
	mv -f "$env_file.tmp" "$env_file"
	# A re-install replaces whatever schedule this plan had, of either kind.
	cron_remove
	systemd_remove
	if [ "$sched" = systemd ]; then
		mkdir -p "$units"
		b64 "${RFC_B64_SERVICE:?}" >"$units/$unit.service"
		b64 "${RFC_B64_TIMER:?}" >"$units/$unit.timer"
		chmod 644 "$units/$unit.service" "$units/$unit.timer"
		if command -v systemd-analyze >/dev/null 2>&1; then
			if [ "$scope" = user ]; then verify_scope=--user; else verify_scope=--system; fi
			if ! out=$(systemd-analyze "$verify_scope" verify "$units/$unit.service" "$units/$unit.timer" 2>&1); then
				rm -f "$units/$unit.service" "$units/$unit.timer" "$env_file"
				printf '__rfc_verify_failed__ %s\n' "$out" >&2
				exit 5
			fi
		fi
		systemctl_scope daemon-reload
		systemctl_scope enable --now "$unit.timer" >/dev/null 2>&1
		echo "scheduled=systemd:$unit.timer"
	else
		line=$(b64 "${RFC_B64_CRON:?}")
		{
			crontab -l 2>/dev/null || true
			printf '%s %s\n' "$line" "$marker"
		} | crontab -
		crontab -l | grep -qF "$marker"
		echo "scheduled=cron"
	fi
	;;
uninstall)
	cron_remove
	systemd_remove
	rm -f "$env_file" "$status_dir/$plan.json" "$status_dir/$plan.copy.json"
	rm -rf "$status_dir/.lock-$plan"
	# The script stays while another plan's env file still uses it.
	if [ -d "$conf" ] && ! ls "$conf" 2>/dev/null | grep -q '\.env$'; then
		rm -f "$script"
		rmdir "$lib" 2>/dev/null || true
	fi
	echo "uninstalled"
	;;
status)
	printf 'script=%s\n' "$([ -f "$script" ] && echo yes || echo no)"
	printf 'env=%s\n' "$([ -f "$env_file" ] && echo yes || echo no)"
	if [ -f "$env_file" ]; then printf 'envMode=%s\n' "$(ls -l "$env_file" | cut -c1-10)"; fi
	sched=none
	if command -v crontab >/dev/null 2>&1 && crontab -l 2>/dev/null | grep -qF "$marker"; then sched=cron; fi
	if [ -f "$units/$unit.timer" ]; then sched=systemd; fi
	printf 'scheduled=%s\n' "$sched"
	if [ "$sched" = systemd ] && [ -z "$prefix" ] && command -v systemctl >/dev/null 2>&1; then
		printf 'timerActive=%s\n' "$(systemctl_scope is-active "$unit.timer" 2>/dev/null || true)"
	fi
	printf 'now=%s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
	if [ -f "$status_dir/.lock-$plan/pid" ]; then
		pid=$(cat "$status_dir/.lock-$plan/pid" 2>/dev/null || true)
		if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then printf 'runningPid=%s\n' "$pid"; fi
	fi
	echo "__rfc_status__"
	cat "$status_dir/$plan.json" 2>/dev/null || true
	echo "__rfc_copy__"
	cat "$status_dir/$plan.copy.json" 2>/dev/null || true
	;;
run | copy)
	[ -f "$script" ] && [ -f "$env_file" ] || {
		echo "__rfc_not_installed__" >&2
		exit 6
	}
	exec sh "$script" "$cmd" "$env_file"
	;;
*)
	echo "rfc-control: unknown command $cmd" >&2
	exit 2
	;;
esac
