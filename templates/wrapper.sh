#!/bin/bash
# Delayed-container wrapper (CSC pattern): the module sets SING_IMAGE and puts this directory
# first on PATH; the container starts only when python/pip is called, also in each srun task.
# One file serves python, python3, pip and pip3: the command is this script's own name. Inside,
# WITH_CONDA is applied when the module sets it (CSC's conda images); without it, an image's venv
# /opt/venv is activated when there is one (LUMI AI Factory images have no conda).
set -u

cmd=$(basename "$0")
self_dir=$(cd "$(dirname "$0")" && pwd)

# 1. Only usable after `module load`. The image: SING_IMAGE (CSC-style modules), else SIF (modules
#    in the style of LUMI's EasyBuild container modules, which set no SING_IMAGE).
if [ -z "${SING_IMAGE:-}" ] && [ -n "${SIF:-}" ]; then SING_IMAGE=$SIF; fi
if [ -z "${SING_IMAGE:-}" ]; then
  echo "$cmd: SING_IMAGE (or SIF) is not set: load the container module first (module load ...)" >&2
  exit 1
fi

# 2. Already inside a container: run the container's own command, never a second container.
if [ -d /.singularity.d ] || [ -n "${SINGULARITY_CONTAINER:-}" ] || [ -n "${APPTAINER_CONTAINER:-}" ]; then
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

# 6. Arguments kept exactly (printf %q), WITH_CONDA or /opt/venv applied inside (single quotes), exec -a so
#    that sys.executable is this wrapper and venvs made through it work; exit code passed through.
args=$(printf ' %q' "$@")
# shellcheck disable=SC2016  # single quotes on purpose: expands inside the container
exec "$runtime" exec -B "$bind_list" "$SING_IMAGE" bash -c 'eval "${WITH_CONDA:-}"; if [ -z "${WITH_CONDA:-}" ] && [ -f /opt/venv/bin/activate ]; then . /opt/venv/bin/activate; fi; exec -a "$1" "$2"'"$args" bash "$0" "$cmd"
