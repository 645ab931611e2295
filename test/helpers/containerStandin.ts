// A stand-in for the Singularity/Apptainer container runtime, built on bubblewrap (bwrap).
// No package registry here has Singularity or Apptainer, yet the wrapper scripts our scaffolder
// writes should be tested end to end. The stand-in imitates the part of `singularity exec` that
// the wrappers rely on: an image whose root filesystem is not the host's (`/.singularity.d` and
// `/opt/conda` exist only inside), the default binds (/usr, /etc, /tmp, $HOME, the working
// directory, /proc, /dev), user binds (-B/--bind, SINGULARITY_BIND), the environment (host
// variables pass through, SINGULARITY_CONTAINER/NAME and APPTAINER_* are set, SINGULARITYENV_FOO
// becomes FOO), byte-exact arguments and the command's own exit status; instances (`instance
// start/list/stop`, `exec instance://NAME`) and what a new container costs: a start-up delay that
// stands for mounting the image and setting up the namespaces, none for joining a running instance.
//
// Layout under `baseDir` (a temp dir the caller owns):
//   root/        the "image": .singularity.d/{env,actions,runscript,labels.json}, /opt/conda with a
//                `conda` shell function and envs whose python is the host's /usr/bin/python3
//   bin/         singularity (a standalone bash script: no node needed to run it) and
//                apptainer -> singularity
//   starts.log   one line per new container (`exec IMAGE CMD`, `instance-start IMAGE NAME`) and per
//                command run in a running instance (`join instance://NAME CMD`): see countStarts
//   instances/   the running instances (Singularity keeps them per user and host in ~/.singularity)
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../../core/shell/quote';

export interface ContainerStandin {
  /** Directory holding `singularity` and `apptainer`: put it on PATH. */
  binDir: string;
  /**
   * One line per new container (`exec IMAGE CMD`, `instance-start IMAGE NAME`) and per join (`join
   * instance://NAME CMD`).
   */
  logFile: string;
  /** The container's root filesystem (bound as `/` inside). */
  root: string;
  /**
   * Stops the instances still running, removes bin/, root/, instances/ and the log: everything the stand-in
   * created under baseDir.
   */
  dispose(): void;
}

const CONDA_SH = `# conda.sh of the container stand-in (test/helpers/containerStandin.ts): a shell function
# \`conda\` that knows \`conda activate [ENV]\` and \`conda deactivate\`, like the real one for PATH,
# CONDA_DEFAULT_ENV and CONDA_PREFIX. Sourced by bash (WITH_CONDA) and POSIX sh alike.
conda() {
  case "\${1:-}" in
    activate)
      _conda_env=\${2:-base}
      if [ "$_conda_env" = base ]; then _conda_prefix=/opt/conda; else _conda_prefix=/opt/conda/envs/$_conda_env; fi
      if [ ! -d "$_conda_prefix/bin" ]; then
        echo "EnvironmentNameNotFound: Could not find conda environment: $_conda_env" >&2
        echo "You can list all discoverable environments with \\\`conda info --envs\\\`." >&2
        unset _conda_env _conda_prefix
        return 1
      fi
      PATH="$_conda_prefix/bin:$PATH"
      CONDA_DEFAULT_ENV=$_conda_env
      CONDA_PREFIX=$_conda_prefix
      export PATH CONDA_DEFAULT_ENV CONDA_PREFIX
      unset _conda_env _conda_prefix
      ;;
    deactivate)
      if [ -n "\${CONDA_PREFIX:-}" ]; then
        PATH=$(printf '%s' "$PATH" | tr ':' '\\n' | grep -vxF "$CONDA_PREFIX/bin" | paste -sd: -)
        export PATH
      fi
      unset CONDA_DEFAULT_ENV CONDA_PREFIX
      ;;
    *)
      echo "conda (container stand-in): only 'conda activate [ENV]' and 'conda deactivate' exist here" >&2
      return 1
      ;;
  esac
}
`;

// What Singularity 3.x images run for `exec`: source the image's env scripts, then the command.
const ACTION_EXEC = `#!/bin/sh
for script in /.singularity.d/env/*.sh; do
    if [ -f "$script" ]; then
        # shellcheck source=/dev/null
        . "$script"
    fi
done
if ! command -v "$1" >/dev/null 2>&1; then
    echo "FATAL:   \\"$1\\": executable file not found in \\$PATH" >&2
    exit 255
fi
exec "$@"
`;

const RUNSCRIPT = `#!/bin/sh
exec /bin/bash "$@"
`;

/**
 * The `singularity` script; ROOT, LOG, STATE and the start-up delay are baked in. Standalone bash, checked by
 * shellcheck.
 */
function runtimeScript(root: string, logFile: string, stateDir: string, startupDelayMs: number): string {
  const delaySeconds = (startupDelayMs / 1000).toFixed(3);
  return `#!/bin/bash
# Stand-in for the Singularity/Apptainer container runtime (\`singularity\`, \`apptainer\`), used by the
# tests of lumi-container-modules because no package registry here has Singularity or Apptainer.
# Written by test/helpers/containerStandin.ts; runs without node (also on an ssh test "remote").
#
# Implements, on top of bubblewrap (bwrap):
#   singularity --version | version
#   singularity exec [-B|--bind SRC[:DST[:ro|rw]][,...]]... [--bind=LIST] IMAGE CMD [ARGS...]
#   singularity instance start [-B|--bind ...]... IMAGE NAME
#   singularity instance list [NAME-PATTERN]
#   singularity instance stop NAME
#   singularity exec instance://NAME CMD [ARGS...]
# IMAGE must be an existing file (its contents are ignored): the container's root filesystem is
# always the skeleton in ROOT below, bound as /, read-only (like a SIF), so /.singularity.d and
# /opt/conda exist only inside. Bound like Singularity's defaults: /usr and /etc read-only,
# /bin /lib /lib64 /sbin as on the host, /proc, /dev, /tmp, $HOME and the working directory; then
# SINGULARITY_BIND/APPTAINER_BIND(PATH) entries and -B/--bind entries (a missing source is FATAL,
# exit 255). The host environment passes through; SINGULARITY_CONTAINER/APPTAINER_CONTAINER
# (absolute image path) and SINGULARITY_NAME/APPTAINER_NAME (its basename) are set;
# SINGULARITYENV_FOO / APPTAINERENV_FOO become FOO (PREPEND_PATH/APPEND_PATH edit PATH).
# CMD runs through /.singularity.d/actions/exec as in real images. Arguments are passed as an
# array, never re-parsed; CMD's exit status is passed through.
#
# Cost: every new container (exec IMAGE, instance start) first sleeps STARTUP_DELAY seconds. It
# stands for what Singularity does before the command runs: mounting the SIF's squashfs, setting
# up the namespaces and the binds (seconds on LUMI for a large image on Lustre). Joining a running
# instance (exec instance://NAME) skips it, as Singularity only enters the instance's namespaces.
#
# Instances, as Singularity's: \`instance start\` runs the container in the background under NAME
# (binds fixed at start; a NAME already running is FATAL), \`instance list\` prints
# \`INSTANCE NAME  PID  IP  IMAGE\` rows, \`instance stop\` ends all its processes,
# \`exec instance://NAME\` runs CMD in the instance's mount namespace (nsenter) with the caller's
# environment and working directory (the environment handled as for exec IMAGE). Singularity keeps
# instances per user and host (~/.singularity/instances/sing/HOST/USER); the stand-in keeps them in
# STATE/HOST/UID. Names: letters, digits, . _ - (a subset of what Singularity accepts).
#
# LOG gets one line per event: \`exec IMAGE CMD\` and \`instance-start IMAGE NAME\` (new containers),
# \`join instance://NAME CMD\` (a command run in a running instance: no new container).
# Anything else: message on stderr, exit 255.
set -u

ROOT=${shellQuote(root)}
LOG=${shellQuote(logFile)}
STATE=${shellQuote(stateDir)}
STARTUP_DELAY=${delaySeconds}

prog=\${0##*/}

fatal() {
  printf 'FATAL:   %s\\n' "$*" >&2
  exit 255
}

usage_error() {
  printf '%s (container stand-in): %s\\n' "$prog" "$*" >&2
  printf 'Implemented: %s --version | %s exec [-B|--bind SRC[:DST[:ro|rw]][,...]]... IMAGE|instance://NAME CMD [ARGS...] | %s instance start|list|stop\\n' "$prog" "$prog" "$prog" >&2
  exit 255
}

# Bind lists from the environment, then -B/--bind options; leaves the remaining words in rest_args.
bind_lists=()
cli_binds=0
rest_args=()
parse_binds() {
  local var
  for var in SINGULARITY_BINDPATH SINGULARITY_BIND APPTAINER_BINDPATH APPTAINER_BIND; do
    if [ -n "\${!var:-}" ]; then bind_lists+=("\${!var}"); fi
  done
  while [ $# -gt 0 ]; do
    case "$1" in
      -B | --bind)
        if [ $# -lt 2 ]; then usage_error "flag needs an argument: $1"; fi
        bind_lists+=("$2")
        cli_binds=1
        shift 2
        ;;
      --bind=*) bind_lists+=("\${1#--bind=}"); cli_binds=1; shift ;;
      -B?*) bind_lists+=("\${1#-B}"); cli_binds=1; shift ;;
      --) shift; break ;;
      -*) usage_error "unsupported option: $1" ;;
      *) break ;;
    esac
  done
  rest_args=("$@")
}

check_image() {
  local image=$1
  if [ ! -e "$image" ]; then
    fatal "could not open image $image: failed to retrieve path for $image: lstat $image: no such file or directory"
  fi
  if [ ! -f "$image" ]; then
    fatal "could not open image $image: image format not recognized (the stand-in takes only image files)"
  fi
  case "$image" in
    /*) image_abs=$image ;;
    *) image_abs=$PWD/$image ;;
  esac
  image_name=\${image_abs##*/}
  if ! command -v bwrap >/dev/null 2>&1; then
    fatal "bwrap (bubblewrap) is not on PATH: the container stand-in needs it"
  fi
  if [ ! -d "$ROOT/.singularity.d" ]; then
    fatal "container stand-in root $ROOT is missing"
  fi
}

# bwrap's arguments for a new container: the image's root, Singularity's default binds, the user's.
args=()
add_bind() {
  local spec=$1 src dst opts='' rest
  src=\${spec%%:*}
  dst=$src
  if [ "$src" != "$spec" ]; then
    rest=\${spec#*:}
    dst=\${rest%%:*}
    if [ "$dst" != "$rest" ]; then opts=\${rest#*:}; fi
    if [ "$dst" = ro ] || [ "$dst" = rw ]; then opts=$dst; dst=$src; fi
  fi
  if [ -z "$src" ]; then fatal "bind path $spec: empty source"; fi
  case "$src" in /*) ;; *) src=$PWD/$src ;; esac
  case "$dst" in
    /) fatal "bind path $spec: cannot bind over /" ;;
    /*) ;;
    *) fatal "bind path $spec: destination $dst must be an absolute path" ;;
  esac
  if [ ! -e "$src" ]; then
    fatal "container creation failed: mount hook function failure: mount $src->$dst error: while mounting $src: mount source $src doesn't exist"
  fi
  case "$opts" in
    '' | rw) args+=(--bind "$src" "$dst") ;;
    ro) args+=(--ro-bind "$src" "$dst") ;;
    *) fatal "bind path $spec: unsupported bind option $opts (the stand-in knows ro and rw)" ;;
  esac
}

container_args() {
  local dir target list rest item
  args=(--bind "$ROOT" /)
  for dir in /bin /sbin /lib /lib32 /lib64 /libx32; do
    if [ -L "$dir" ]; then
      target=$(readlink "$dir")
      # bwrap refuses to make a symlink that exists already (the skeleton has them).
      if [ ! -L "$ROOT$dir" ] || [ "$(readlink "$ROOT$dir")" != "$target" ]; then
        args+=(--symlink "$target" "$dir")
      fi
    elif [ -d "$dir" ]; then
      args+=(--ro-bind "$dir" "$dir")
    fi
  done
  args+=(--ro-bind /usr /usr --ro-bind /etc /etc --proc /proc --dev /dev --bind /tmp /tmp)
  if [ -n "\${HOME:-}" ] && [ "$HOME" != / ] && [ -d "$HOME" ]; then
    args+=(--bind "$HOME" "$HOME")
  fi
  case "$PWD" in
    / | /usr | /usr/* | /etc | /etc/* | /proc | /proc/* | /dev | /dev/*) ;; # already inside (or never bound)
    *) args+=(--bind "$PWD" "$PWD") ;;
  esac
  for list in \${bind_lists[@]+"\${bind_lists[@]}"}; do
    rest=$list
    while [ -n "$rest" ]; do
      item=\${rest%%,*}
      if [ "$item" = "$rest" ]; then rest=''; else rest=\${rest#*,}; fi
      if [ -n "$item" ]; then add_bind "$item"; fi
    done
  done
  # Like a SIF image, the container's own files are read-only; the binds above stay writable.
  args+=(--remount-ro / --chdir "$PWD")
}

# The environment inside: the host's passes through; Singularity's runtime variables are added,
# SINGULARITYENV_/APPTAINERENV_ variables become their names. As \`env\` arguments.
env_args=()
container_env() {
  local image_abs=$1 image_name=$2 path prefix var name
  env_args=("SINGULARITY_CONTAINER=$image_abs" "SINGULARITY_NAME=$image_name" "APPTAINER_CONTAINER=$image_abs" "APPTAINER_NAME=$image_name")
  path=\${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
  for prefix in SINGULARITYENV_ APPTAINERENV_; do
    while IFS= read -r var; do
      case "$var" in
        "$prefix"?*) ;;
        *) continue ;;
      esac
      name=\${var#"$prefix"}
      env_args=(-u "$var" "\${env_args[@]}")
      case "$name" in
        PREPEND_PATH) path=\${!var}:$path ;;
        APPEND_PATH) path=$path:\${!var} ;;
        PATH) path=\${!var} ;;
        *) env_args+=("$name=\${!var}") ;;
      esac
    done < <(compgen -e)
  done
  env_args+=("PATH=$path")
}

# What a new container costs before its command runs (see the header).
startup_cost() {
  sleep "$STARTUP_DELAY"
}

instance_dir() {
  printf '%s/%s/%s' "$STATE" "$(uname -n)" "$(id -u)"
}

valid_name() {
  case "$1" in
    '' | *[!A-Za-z0-9._-]*) fatal "$1 is not a valid instance name: use letters, digits, . _ -" ;;
  esac
}

# Reads instance NAME's state into inst_pid/inst_image; fails when it is not running (stale state removed).
load_instance() {
  local file
  file=$(instance_dir)/$1
  inst_pid='' inst_image=''
  if [ ! -f "$file" ]; then return 1; fi
  { IFS= read -r inst_pid && IFS= read -r inst_image; } <"$file" || return 1
  if [ -z "$inst_pid" ] || ! kill -0 "$inst_pid" 2>/dev/null; then
    rm -f "$file"
    return 1
  fi
}

instance_start() {
  parse_binds "$@"
  set -- \${rest_args[@]+"\${rest_args[@]}"}
  if [ $# -ne 2 ]; then usage_error "instance start requires 2 arg(s): IMAGE NAME (the stand-in runs no startscript arguments)"; fi
  local name=$2 dir ready pid
  valid_name "$name"
  check_image "$1"
  dir=$(instance_dir)
  mkdir -p "$dir"
  if load_instance "$name"; then fatal "instance $name already exists"; fi
  container_args
  startup_cost
  printf 'instance-start %s %s\\n' "$1" "$name" >>"$LOG"
  ready=$(mktemp "$dir/.start.XXXXXX")
  # The instance: a process holding the container's namespaces until stopped (the image has no
  # startscript). Detached, in its own session, like Singularity's instance. It reports its pid
  # from inside, i.e. once the container is set up (bwrap's own --info-fd comes before the mounts).
  # shellcheck disable=SC2016  # expands inside the instance
  setsid bwrap "\${args[@]}" -- /bin/sh -c 'echo "$$" >&4; exec 4>&-; exec sleep infinity' \\
    4>"$ready" </dev/null >/dev/null 2>&1 &
  for _ in $(seq 400); do
    pid=$(cat "$ready")
    if [ -n "$pid" ]; then break; fi
    sleep 0.05
  done
  rm -f "$ready"
  if [ -z "\${pid:-}" ] || ! kill -0 "$pid" 2>/dev/null; then fatal "failed to start instance $name"; fi
  printf '%s\\n%s\\n' "$pid" "$image_abs" >"$dir/$name"
  echo "INFO:    instance started successfully" >&2
}

instance_list() {
  local pattern=\${1:-*} file name
  printf '%-16s %-8s %-6s %s\\n' 'INSTANCE NAME' PID IP IMAGE
  for file in "$(instance_dir)"/*; do
    if [ ! -f "$file" ]; then continue; fi
    name=\${file##*/}
    # shellcheck disable=SC2053  # a glob pattern on purpose, like \`instance list 'test*'\`
    if [[ $name != $pattern ]]; then continue; fi
    if load_instance "$name"; then printf '%-16s %-8s %-6s %s\\n' "$name" "$inst_pid" '' "$inst_image"; fi
  done
}

instance_stop() {
  if [ $# -ne 1 ]; then usage_error "instance stop requires 1 arg: NAME"; fi
  local name=$1
  valid_name "$name"
  if ! load_instance "$name"; then fatal "no instance found with name $name"; fi
  echo "INFO:    Stopping $name instance of $inst_image (PID=$inst_pid)" >&2
  # Every process of the instance ends with it: the holder and what runs inside (same mount namespace).
  local ns pid proc
  ns=$(readlink "/proc/$inst_pid/ns/mnt")
  for proc in /proc/[0-9]*; do
    pid=\${proc#/proc/}
    if [ "$pid" != "$inst_pid" ] && [ "$(readlink "$proc/ns/mnt" 2>/dev/null)" = "$ns" ]; then kill "$pid" 2>/dev/null; fi
  done
  kill "$inst_pid" 2>/dev/null
  for _ in $(seq 100); do
    if ! kill -0 "$inst_pid" 2>/dev/null; then break; fi
    sleep 0.05
  done
  rm -f "$(instance_dir)/$name"
}

exec_instance() {
  local name=\${1#instance://} userns=()
  shift
  valid_name "$name"
  if ! load_instance "$name"; then fatal "no instance found with name $name"; fi
  container_env "$inst_image" "\${inst_image##*/}"
  printf 'join instance://%s %s\\n' "$name" "$1" >>"$LOG"
  # Root owns no user namespace of its own here; an unprivileged user joins the instance's.
  if [ "$(readlink "/proc/$inst_pid/ns/user")" != "$(readlink /proc/self/ns/user)" ]; then userns=(--user --preserve-credentials); fi
  # In the instance, the caller's working directory when the instance has it (else /, as Singularity).
  # shellcheck disable=SC2016  # expands inside the instance
  exec nsenter --target "$inst_pid" --mount --root \${userns[@]+"\${userns[@]}"} -- /usr/bin/env "\${env_args[@]}" /bin/sh -c 'cd "$1" 2>/dev/null || cd /; shift; exec /.singularity.d/actions/exec "$@"' sh "$PWD" "$@"
}

case "\${1:-}" in
  --version | version)
    if [ "$prog" = apptainer ]; then echo 'apptainer version 1.3.4-standin'; else echo 'singularity-ce version 4.1.5-standin'; fi
    exit 0
    ;;
  exec) shift ;;
  instance)
    shift
    case "\${1:-}" in
      start) shift; instance_start "$@"; exit 0 ;;
      list) shift; instance_list "$@"; exit 0 ;;
      stop) shift; instance_stop "$@"; exit 0 ;;
      *) usage_error "unsupported instance command: \${1:-}" ;;
    esac
    ;;
  '') usage_error 'no command given' ;;
  *) usage_error "unsupported command or option: $1" ;;
esac

parse_binds "$@"
set -- \${rest_args[@]+"\${rest_args[@]}"}
if [ $# -lt 2 ]; then usage_error "exec requires at least 2 arg(s): IMAGE CMD"; fi
case "$1" in
  instance://*)
    # The instance's binds were fixed when it started: SINGULARITY_BIND has no effect here.
    if [ "$cli_binds" = 1 ]; then usage_error "bind options with instance:// (binds are fixed when the instance starts)"; fi
    exec_instance "$@"
    ;;
esac

image=$1
shift
check_image "$image"
container_args
container_env "$image_abs" "$image_name"
startup_cost
printf 'exec %s %s\\n' "$image" "$1" >>"$LOG"
exec bwrap "\${args[@]}" --die-with-parent -- /usr/bin/env "\${env_args[@]}" /.singularity.d/actions/exec "$@"
`;
}

function write(path: string, text: string, mode = 0o644) {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

/**
 * The default cost of a new container (see the runtime script's header): small, so that tests stay quick, yet
 * measurable.
 */
export const DEFAULT_STARTUP_DELAY_MS = 150;

/**
 * New containers (fresh `exec IMAGE` and `instance start`) in the log; joins of a running instance are not
 * starts.
 */
export function countStarts(standin: ContainerStandin): number {
  return readFileSync(standin.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('exec ') || l.startsWith('instance-start ')).length;
}

export function createContainerStandin(
  baseDir: string,
  options: { condaEnvs?: string[]; venv?: boolean; startupDelayMs?: number } = {},
): ContainerStandin {
  const condaEnvs = options.condaEnvs ?? ['pytorch'];
  const root = join(baseDir, 'root');
  const binDir = join(baseDir, 'bin');
  const logFile = join(baseDir, 'starts.log');
  const stateDir = join(baseDir, 'instances');

  // The image's .singularity.d, laid out like one `singularity build` makes.
  const sd = join(root, '.singularity.d');
  for (const d of ['env', 'actions', 'libs']) mkdirSync(join(sd, d), { recursive: true });
  write(join(sd, 'env', '01-base.sh'), '#!/bin/sh\n# Custom environment shell code should follow\n', 0o755);
  write(
    join(sd, 'env', '90-environment.sh'),
    '#!/bin/sh\n# Custom environment shell code should follow\n',
    0o755,
  );
  write(join(sd, 'actions', 'exec'), ACTION_EXEC, 0o755);
  write(join(sd, 'runscript'), RUNSCRIPT, 0o755);
  write(
    join(sd, 'labels.json'),
    `${JSON.stringify({ 'org.label-schema.build-arch': 'amd64', 'org.label-schema.schema-version': '1.0', 'org.label-schema.usage.singularity.version': '4.1.5-standin', 'org.label-schema.description': 'container stand-in for lumi-container-modules tests' }, null, 2)}\n`,
  );
  writeFileSync(join(sd, 'Singularity'), 'bootstrap: localimage\nfrom: none (container stand-in)\n');

  // The host's top-level symlinks (/bin -> usr/bin, ...) mirrored, so that bwrap's --symlink finds
  // them already in place; host directories become mount points instead.
  for (const d of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    const host = `/${d}`;
    if (!existsSync(host)) continue;
    if (lstatSync(host).isSymbolicLink()) symlinkSync(readlinkSync(host), join(root, d));
    else mkdirSync(join(root, d));
  }
  for (const d of ['usr', 'etc', 'proc', 'dev', 'tmp', 'sys', 'home', 'root', 'var'])
    mkdirSync(join(root, d), { recursive: true });

  // /opt/conda: conda.sh, a base env and the requested envs, their python being the host's.
  const conda = join(root, 'opt', 'conda');
  mkdirSync(join(conda, 'etc', 'profile.d'), { recursive: true });
  write(join(conda, 'etc', 'profile.d', 'conda.sh'), CONDA_SH);
  for (const prefix of [conda, ...condaEnvs.map((e) => join(conda, 'envs', e))]) {
    const envBin = join(prefix, 'bin');
    mkdirSync(envBin, { recursive: true });
    symlinkSync('/usr/bin/python3', join(envBin, 'python'));
    symlinkSync('/usr/bin/python3', join(envBin, 'python3'));
    // A conda env's pip is an entry-point script (not a python symlink), so `pip --version`
    // really is pip; it uses the host python's pip module.
    const inside = prefix.slice(root.length);
    write(
      join(envBin, 'pip'),
      `#!${inside}/bin/python\nimport sys\nfrom pip._internal.cli.main import main\nif __name__ == "__main__":\n    sys.exit(main())\n`,
      0o755,
    );
  }

  // venv: a LUMI AI Factory image's python, the venv /opt/venv (no conda), over the host's python.
  if (options.venv) {
    const venvBin = join(root, 'opt', 'venv', 'bin');
    mkdirSync(venvBin, { recursive: true });
    symlinkSync('/usr/bin/python3', join(venvBin, 'python'));
    symlinkSync('/usr/bin/python3', join(venvBin, 'python3'));
    write(
      join(venvBin, 'activate'),
      'VIRTUAL_ENV=/opt/venv\nexport VIRTUAL_ENV\nPATH="$VIRTUAL_ENV/bin:$PATH"\nexport PATH\n',
    );
  }

  mkdirSync(binDir, { recursive: true });
  write(
    join(binDir, 'singularity'),
    runtimeScript(root, logFile, stateDir, options.startupDelayMs ?? DEFAULT_STARTUP_DELAY_MS),
    0o755,
  );
  symlinkSync('singularity', join(binDir, 'apptainer'));
  writeFileSync(logFile, '');

  return {
    binDir,
    logFile,
    root,
    dispose() {
      stopInstances(stateDir);
      for (const p of [binDir, root, logFile, stateDir]) rmSync(p, { recursive: true, force: true });
    },
  };
}

/** Ends every instance a test left running (their holders run detached, in their own sessions). */
function stopInstances(stateDir: string): void {
  if (!existsSync(stateDir)) return;
  for (const host of readdirSync(stateDir)) {
    for (const uid of readdirSync(join(stateDir, host))) {
      for (const name of readdirSync(join(stateDir, host, uid))) {
        const pid = Number(readFileSync(join(stateDir, host, uid, name), 'utf8').split('\n')[0]);
        if (Number.isInteger(pid) && pid > 1) {
          try {
            process.kill(pid);
          } catch {
            // already gone
          }
        }
      }
    }
  }
}
