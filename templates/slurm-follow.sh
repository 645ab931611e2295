# lumi-modules: follows Slurm job $1 from the login node (run by `bash -l -c`; not a template to
# change). Streams the growth of the job's stdout/stderr files to this process's stdout/stderr and
# reports the job's state as event records on stderr: \036 NONCE \037 kind \037 fields... \n.
# One writer, whole records: an event never lands inside a chunk of the job's own output.
# $1 job id, $2 nonce, $3 seconds between state polls (scontrol is an RPC to slurmctld: keep it
# modest), $4 seconds between output reads (local stat of two files). slurmstepd creates the output
# file when the job starts: its appearance brings the next state poll forward, so RUNNING shows
# within one read interval instead of one state interval.
id=$1 nonce=$2 state_every=$3 read_every=$4
event() { local IFS=$'\037'; printf '\036%s\037%s\n' "$nonce" "$*" >&2; }
out_file='' err_file='' out_off=0 err_off=0 last='' started='' shown_running=''
# Prints what FILE gained since the offset held in variable $2, to fd $3.
read_new() {
  local -n off=$2
  [ -n "$1" ] && [ -f "$1" ] || return 0
  local size
  size=$(stat -c %s -- "$1" 2>/dev/null) || return 0
  [ "$size" -gt "$off" ] || return 0
  tail -c +"$((off + 1))" -- "$1" | head -c "$((size - off))" >&"$3"
  off=$size
}
read_all() {
  read_new "$out_file" out_off 1
  [ "$err_file" = "$out_file" ] || read_new "$err_file" err_off 2
}
# Job state from scontrol; after MinJobAge slurmctld forgets the job: then sacct (accounting).
poll() {
  local info line
  state='' reason='' nodes='' exit_code=''
  if info=$(scontrol show job "$id" 2>&1); then
    while IFS= read -r line; do
      line=${line#"${line%%[! ]*}"}
      case $line in
        JobState=*) state=${line#JobState=}; reason=${state#* Reason=}; reason=${reason%% *}; state=${state%% *} ;;
        NodeList=*) nodes=${line#NodeList=} ;;
        StdOut=*) [ -n "$out_file" ] || out_file=${line#StdOut=} ;;
        StdErr=*) [ -n "$err_file" ] || err_file=${line#StdErr=} ;;
        *ExitCode=*) [[ $line =~ (^|\ )ExitCode=([0-9]+:[0-9]+) ]] && exit_code=${BASH_REMATCH[2]} ;;
      esac
    done <<< "$info"
    return 0
  fi
  local acct
  if acct=$(sacct -n -P -X -j "$id" -o State,ExitCode,NodeList 2>/dev/null) && [ -n "$acct" ]; then
    IFS='|' read -r state exit_code nodes <<< "${acct%%$'\n'*}"
    state=${state%% *}
    return 0
  fi
  event gone "${info//$'\n'/ }"
  exit 3
}
ticks_per_poll=$(awk -v s="$state_every" -v r="$read_every" 'BEGIN { t = int(s / r + 0.5); print (t < 1 ? 1 : t) }')
tick=0
while :; do
  if [ "$tick" -eq 0 ]; then
    poll
    [ -n "$last" ] || event files "$out_file" "$err_file"
    case $state in
      PENDING|CONFIGURING|RUNNING|COMPLETING|SUSPENDED|REQUEUED|REQUEUE_HOLD|REQUEUE_FED|RESIZING|SIGNALING|STAGE_OUT|STOPPED|RESV_DEL_HOLD|SPECIAL_EXIT|'') ;;
      *)
        # A job that ran and ended between two polls was never seen RUNNING: its output file
        # exists, so say where it ran before its end (the state sequence stays whole).
        if [ -z "$shown_running" ] && [ -n "$out_file" ] && [ -e "$out_file" ]; then
          event state RUNNING '' "$nodes"
        fi
        read_all; event end "$state" "$exit_code"; exit 0 ;;
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
  if [ -z "$started" ] && [ -n "$out_file" ] && [ -e "$out_file" ]; then
    started=1
    [ "$state" != PENDING ] || { tick=0; continue; }
  fi
  sleep "$read_every"
done
