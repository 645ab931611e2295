# lumi-modules: follows Slurm job $1 from the login node (run by `bash -l -c`; not a template to
# change). Streams the job's stdout/stderr files to this process's stdout/stderr and reports the
# job's state as event records on stderr: \036 NONCE \037 kind \037 fields... \n.
# One writer, whole records: an event never lands inside a chunk of the job's own output.
# $1 job id, $2 nonce, $3 seconds between state polls (scontrol is an RPC to slurmctld: keep it
# modest), $4 seconds between output reads (local stat of two files).
# Only the job's own output is streamed: a file is read once the job has started and the file was
# created or truncated at or after that start (its inode/size/mtime differ from what was seen
# while the job was pending, and its mtime is not before StartTime). An existing file of an older
# job (a fixed --output, a resubmission) is never shown. Controller timeouts are retried.
id=$1 nonce=$2 state_every=$3 read_every=$4
event() { local IFS=$'\037'; printf '\036%s\037%s\n' "$nonce" "$*" >&2; }
# Everything before these markers is the login shell's (banners, profile noise): dropped.
printf '\036%s\037start\n' "$nonce"
event start
out_file='' err_file='' out_off=0 err_off=0 last='' shown_running=''
out_base='' err_base='' out_own='' err_own='' start_epoch='' end_epoch='' stalled=''
ident() { stat -c '%i %s %.9Y' -- "$1" 2>/dev/null || echo none; }
# Is FILE (baseline in $2) the job's: changed since the job was pending, not older than its start?
owned() {
  [ -n "$1" ] && [ -n "$start_epoch" ] && [ -f "$1" ] || return 1
  local now mtime
  now=$(ident "$1")
  [ "$now" != none ] || return 1
  [ -z "$2" ] || [ "$now" != "$2" ] || return 1
  mtime=${now##* }
  mtime=${mtime%.*}
  [ "$mtime" -ge $((start_epoch - 1)) ]
}
# Prints what FILE gained since the offset held in variable $2, to fd $3; a file that shrank
# (truncated again: a requeued job) is read from its start.
read_new() {
  local -n off=$2
  [ -n "$1" ] && [ -f "$1" ] || return 0
  local size
  size=$(stat -c %s -- "$1" 2>/dev/null) || return 0
  [ "$size" -ge "$off" ] || off=0
  [ "$size" -gt "$off" ] || return 0
  tail -c +"$((off + 1))" -- "$1" | head -c "$((size - off))" >&"$3"
  off=$size
}
read_all() {
  [ -n "$out_own" ] || ! owned "$out_file" "$out_base" || out_own=1
  [ -n "$err_own" ] || ! owned "$err_file" "$err_base" || err_own=1
  [ -z "$out_own" ] || read_new "$out_file" out_off 1
  [ "$err_file" = "$out_file" ] || [ -z "$err_own" ] || read_new "$err_file" err_off 2
}
# Slurm's file name patterns that scontrol may leave unexpanded.
expand() {
  local f=$1
  f=${f//'%j'/$id}
  f=${f//'%x'/$job_name}
  f=${f//'%u'/$user}
  printf '%s' "$f"
}
to_epoch() { case $1 in ''|Unknown|None|N/A) ;; *) date -d "$1" +%s 2>/dev/null ;; esac; }
# Job state from scontrol; after MinJobAge slurmctld forgets the job: then sacct (accounting).
# A controller that does not answer (timed out, refused, restarting) is asked again with backoff
# for as long as the job may run; only "Invalid job id" with no accounting record means gone.
poll() {
  local info line acct delay=1 field
  for (( ; ; )); do
    state='' reason='' nodes='' exit_code=''
    if info=$(scontrol show job "$id" 2>&1); then
      while IFS= read -r line; do
        line=${line#"${line%%[! ]*}"}
        case $line in
          JobState=*) state=${line#JobState=}; reason=${state#* Reason=}; reason=${reason%% *}; state=${state%% *} ;;
          NodeList=*) nodes=${line#NodeList=} ;;
          StdOut=*) [ -n "$out_file" ] || out_raw=${line#StdOut=} ;;
          StdErr=*) [ -n "$err_file" ] || err_raw=${line#StdErr=} ;;
          *ExitCode=*) [[ $line =~ (^|\ )ExitCode=([0-9]+:[0-9]+) ]] && exit_code=${BASH_REMATCH[2]} ;;
        esac
      done <<< "$info"
      [[ $info =~ (^|[[:space:]])JobName=([^$'\n']*) ]] && job_name=${BASH_REMATCH[2]}
      [[ $info =~ (^|[[:space:]])UserId=([^\( ]*) ]] && user=${BASH_REMATCH[2]}
      for field in StartTime EndTime; do
        [[ $info =~ (^|[[:space:]])$field=([^ $'\n']*) ]] || continue
        case $field in
          StartTime) [ "$state" = PENDING ] || start_epoch=$(to_epoch "${BASH_REMATCH[2]}") ;;
          EndTime) end_epoch=$(to_epoch "${BASH_REMATCH[2]}") ;;
        esac
      done
      [ -n "$out_file" ] || [ -z "${out_raw:-}" ] || out_file=$(expand "$out_raw")
      [ -n "$err_file" ] || [ -z "${err_raw:-}" ] || err_file=$(expand "$err_raw")
      [ -z "$stalled" ] || event resumed
      stalled=''
      return 0
    fi
    case $info in
      *'Invalid job id'*)
        if acct=$(sacct -n -P -X -j "$id" -o State,ExitCode,NodeList 2>/dev/null) && [ -n "$acct" ]; then
          IFS='|' read -r state exit_code nodes <<< "${acct%%$'\n'*}"
          state=${state%% *}
          return 0
        fi
        event gone "${info//$'\n'/ }"
        exit 3 ;;
    esac
    if [ -n "$end_epoch" ] && [ "$(date +%s)" -gt $((end_epoch + 900)) ]; then
      event gone "the Slurm controller has not answered since the job's end time: ${info//$'\n'/ }"
      exit 3
    fi
    [ -n "$stalled" ] || event stalled "${info//$'\n'/ }"
    stalled=1
    sleep "$delay"
    delay=$((delay * 2 > 30 ? 30 : delay * 2))
  done
}
ticks_per_poll=$(awk -v s="$state_every" -v r="$read_every" 'BEGIN { t = int(s / r + 0.5); print (t < 1 ? 1 : t) }')
tick=0
while :; do
  if [ "$tick" -eq 0 ]; then
    poll
    if [ -z "$last" ]; then
      event files "$out_file" "$err_file"
      # What the files are while the job waits: a file that is still this one is not the job's.
      if [ "$state" = PENDING ]; then
        out_base=$(ident "$out_file")
        err_base=$(ident "$err_file")
      fi
    fi
    case $state in
      PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|RESIZING|SIGNALING|STAGE_OUT|STOPPED|RESV_DEL_HOLD|SPECIAL_EXIT|'') ;;
      *)
        read_all
        # A job that ran and ended between two polls was never seen RUNNING: its output file
        # is its own, so say where it ran before its end (the state sequence stays whole).
        if [ -z "$shown_running" ] && [ -n "$out_own$err_own" ]; then
          event state RUNNING '' "$nodes"
        fi
        if [ -z "$out_own" ] && { [ -n "$shown_running" ] || [ "$state" = COMPLETED ] || [ "$state" = FAILED ]; }; then
          event nooutput "$out_file"
        fi
        event end "$state" "$exit_code"; exit 0 ;;
    esac
    if [ "$state|$reason|$nodes" != "$last" ]; then
      last="$state|$reason|$nodes"
      event state "$state" "$reason" "$nodes"
      [ "$state" != RUNNING ] || shown_running=1
    else
      event alive # when the follower is gone, this write ends the loop (SIGPIPE)
    fi
  fi
  read_all
  tick=$(( (tick + 1) % ticks_per_poll ))
  # slurmstepd creates or truncates the output file when the job starts: that change brings the
  # next state poll forward, so RUNNING shows within one read interval.
  if [ "$state" = PENDING ] && [ -n "$out_file" ] && [ "$(ident "$out_file")" != "$out_base" ]; then
    tick=0
  fi
  sleep "$read_every"
done
