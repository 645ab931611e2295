#!/bin/bash
# Delayed-container wrapper (CSC pattern): the module sets SING_IMAGE and puts this directory
# first on PATH; the container starts only when python/pip is called, also in each srun task.
# One file serves python, python3, pip and pip3: the command is this script's own name (and, with
# `lumi-modules scaffold --persistent`, container-start and container-stop, see step 6). Inside,
# WITH_CONDA is applied when the module sets it (CSC's conda images); without it, an image's venv
# /opt/venv is activated when there is one (LUMI AI Factory images have no conda).
set -u

cmd=$(basename "$0")
self_dir=$(cd "$(dirname "$0")" && pwd)

# 1. Only usable after `module load`. The image: SING_IMAGE (CSC-style modules), else SIF (modules
#    in the style of LUMI's EasyBuild container modules, which set no SING_IMAGE).
SING_IMAGE=${SING_IMAGE:-${SIF:-}}
if [ -z "${SING_IMAGE:-}" ]; then
  echo "$cmd: SING_IMAGE (or SIF) is not set: load the container module first (module load ...)" >&2
  exit 1
fi

# 2. Already inside a container: run the container's own command, never a second container.
if [ -d /.singularity.d ] || [ -n "${SINGULARITY_CONTAINER:-}" ] || [ -n "${APPTAINER_CONTAINER:-}" ]; then
  case "$cmd" in container-start | container-stop)
    echo "$cmd: already inside a container: run it outside" >&2
    exit 1
    ;;
  esac
  PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$self_dir" | paste -sd: -)
  export PATH
  eval "${WITH_CONDA:-}" # unset or empty: no conda step
  # shellcheck disable=SC1091  # the image's file, not ours to follow
  if [ -z "${WITH_CONDA:-}" ] && [ -f /opt/venv/bin/activate ]; then . /opt/venv/bin/activate; fi
  exec -a "$0" "$cmd" "$@"
fi

# 3. Bind this directory and LUMI's shared locations when they exist.
binds=("$self_dir")
for dir in /appl/lumi /var/lib/project_info; do
  if [ -e "$dir" ]; then binds+=("$dir"); fi
done
bind_list=$(IFS=,; printf '%s' "${binds[*]}")

# 4. A venv's site-packages reach the container's python through PYTHONPATH.
if [ -n "${VIRTUAL_ENV:-}" ]; then
  for site in "$VIRTUAL_ENV"/lib/python*/site-packages; do # not lib*: lib64 links to lib
    if [ -d "$site" ]; then export PYTHONPATH="$site${PYTHONPATH:+:$PYTHONPATH}"; fi
  done
fi

# 5. singularity or apptainer, whichever this system has.
runtime=$(command -v singularity || command -v apptainer) || {
  echo "$cmd: neither singularity nor apptainer is on PATH" >&2
  exit 1
}

# 6. One container for many launches (opt-in: container-start and container-stop, links to this
#    file, exist only with --persistent). container-start starts an instance of the image with the
#    binds above; a command then runs in it (exec instance://NAME: no image mount, no new
#    namespaces) when it runs on this node, else in a fresh container. The instance is this
#    job step's and task's (SLURM_JOB_ID, SLURM_STEP_ID, SLURM_PROCID), so tasks never share one by
#    accident; outside a job, the user's, named with the starter's pid. A marker file names it, so
#    a wrapper without an instance asks the runtime nothing.
target=$SING_IMAGE
exec_binds=(-B "$bind_list")
if [ -e "$self_dir/container-start" ]; then
  image_key=${SING_IMAGE##*/}
  image_key=$(printf '%s' "${image_key%.sif}" | tr -c 'A-Za-z0-9._-' '_' | cut -c1-40)-$(printf '%s' "$SING_IMAGE" | cksum | cut -d' ' -f1)
  if [ -n "${SLURM_JOB_ID:-}" ]; then
    slot=$image_key-j${SLURM_JOB_ID}.${SLURM_STEP_ID:-batch}.t${SLURM_PROCID:-0}
    new_name=$slot
  else
    user=$(printf '%s' "$(id -un)" | tr -c 'A-Za-z0-9._-' '_')
    slot=$image_key-$user
    new_name=$slot-p$$
  fi
  state_dir=${XDG_RUNTIME_DIR:-/tmp}/lumi-container-instances-$UID
  marker=$state_dir/$slot
  running=''
  # Only a marker in our own directory counts (/tmp is shared); the runtime says whether it runs here.
  if [ -O "$state_dir" ] && [ -f "$marker" ] && IFS= read -r name <"$marker" &&
    "$runtime" instance list "$name" | awk -v n="$name" 'NR > 1 && $1 == n { found = 1 } END { exit !found }'; then
    running=$name
  fi
  case "$cmd" in
    container-start)
      if [ -n "$running" ]; then
        echo "$cmd: instance $running of $SING_IMAGE is already running" >&2
        exit 0
      fi
      if ! { [ -d "$state_dir" ] || mkdir -m 700 "$state_dir"; } || [ ! -O "$state_dir" ]; then
        echo "$cmd: $state_dir is not a directory of your own" >&2
        exit 1
      fi
      "$runtime" instance start -B "$bind_list" "$SING_IMAGE" "$new_name" || exit
      printf '%s\n' "$new_name" >"$marker.$$" && mv -f "$marker.$$" "$marker"
      echo "$cmd: python, pip, ... now run in instance $new_name (container-stop ends it)" >&2
      exit 0
      ;;
    container-stop)
      rm -f "$marker"
      if [ -z "$running" ]; then
        echo "$cmd: no instance of $SING_IMAGE is running for this job step" >&2
        exit 0
      fi
      exec "$runtime" instance stop "$running"
      ;;
  esac
  if [ -n "$running" ]; then
    target=instance://$running
    exec_binds=() # fixed when the instance started
  fi
fi

# 7. Arguments kept exactly (printf %q), WITH_CONDA or /opt/venv applied inside (single quotes), exec -a so
#    that sys.executable is this wrapper and venvs made through it work; exit code passed through.
args=$(printf ' %q' "$@")
# shellcheck disable=SC2016  # single quotes on purpose: expands inside the container
exec "$runtime" exec ${exec_binds[@]+"${exec_binds[@]}"} "$target" bash -c 'eval "${WITH_CONDA:-}"; if [ -z "${WITH_CONDA:-}" ] && [ -f /opt/venv/bin/activate ]; then . /opt/venv/bin/activate; fi; exec -a "$1" "$2"'"$args" bash "$0" "$cmd"
