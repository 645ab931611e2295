// A stand-in for the Singularity/Apptainer container runtime, built on bubblewrap (bwrap).
// No package registry here has Singularity or Apptainer, yet the wrapper scripts our scaffolder
// writes should be tested end to end. The stand-in imitates the part of `singularity exec` that
// the wrappers rely on: an image whose root filesystem is not the host's (`/.singularity.d` and
// `/opt/conda` exist only inside), the default binds (/usr, /etc, /tmp, $HOME, the working
// directory, /proc, /dev), user binds (-B/--bind, SINGULARITY_BIND), the environment (host
// variables pass through, SINGULARITY_CONTAINER/NAME and APPTAINER_* are set, SINGULARITYENV_FOO
// becomes FOO), byte-exact arguments and the command's own exit status.
//
// Layout under `baseDir` (a temp dir the caller owns):
//   root/        the "image": .singularity.d/{env,actions,runscript,labels.json}, /opt/conda with a
//                `conda` shell function and envs whose python is the host's /usr/bin/python3
//   bin/         singularity (a standalone bash script: no node needed to run it) and
//                apptainer -> singularity
//   starts.log   one line `exec IMAGE CMD` per container start
import { chmodSync, existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellQuote } from '../../core/shell/quote';

export interface ContainerStandin {
  /** Directory holding `singularity` and `apptainer`: put it on PATH. */
  binDir: string;
  /** One line per container start (`exec IMAGE CMD`): count lines to count starts. */
  logFile: string;
  /** The container's root filesystem (bound as `/` inside). */
  root: string;
  /** Removes bin/, root/ and the log, i.e. everything the stand-in created under baseDir. */
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

/** The `singularity` script; ROOT and LOG are baked in. Standalone bash, checked by shellcheck. */
function runtimeScript(root: string, logFile: string): string {
  return `#!/bin/bash
# Stand-in for the Singularity/Apptainer container runtime (\`singularity\`, \`apptainer\`), used by the
# tests of lumi-container-modules because no package registry here has Singularity or Apptainer.
# Written by test/helpers/containerStandin.ts; runs without node (also on an ssh test "remote").
#
# Implements, on top of bubblewrap (bwrap):
#   singularity --version | version
#   singularity exec [-B|--bind SRC[:DST[:ro|rw]][,...]]... [--bind=LIST] IMAGE CMD [ARGS...]
# IMAGE must be an existing file (its contents are ignored): the container's root filesystem is
# always the skeleton in ROOT below, bound as /, read-only (like a SIF), so /.singularity.d and
# /opt/conda exist only inside. Bound like Singularity's defaults: /usr and /etc read-only,
# /bin /lib /lib64 /sbin as on the host, /proc, /dev, /tmp, $HOME and the working directory; then
# SINGULARITY_BIND/APPTAINER_BIND(PATH) entries and -B/--bind entries (a missing source is FATAL,
# exit 255). The host environment passes through; SINGULARITY_CONTAINER/APPTAINER_CONTAINER
# (absolute image path) and SINGULARITY_NAME/APPTAINER_NAME (its basename) are set;
# SINGULARITYENV_FOO / APPTAINERENV_FOO become FOO (PREPEND_PATH/APPEND_PATH edit PATH).
# CMD runs through /.singularity.d/actions/exec as in real images. Arguments are passed as an
# array, never re-parsed; CMD's exit status is passed through. Every container start appends
# \`exec IMAGE CMD\` to LOG. Anything else: message on stderr, exit 255.
set -u

ROOT=${shellQuote(root)}
LOG=${shellQuote(logFile)}

prog=\${0##*/}

fatal() {
  printf 'FATAL:   %s\\n' "$*" >&2
  exit 255
}

usage_error() {
  printf '%s (container stand-in): %s\\n' "$prog" "$*" >&2
  printf 'Implemented: %s --version | %s exec [-B|--bind SRC[:DST[:ro|rw]][,...]]... IMAGE CMD [ARGS...]\\n' "$prog" "$prog" >&2
  exit 255
}

case "\${1:-}" in
  --version | version)
    if [ "$prog" = apptainer ]; then echo 'apptainer version 1.3.4-standin'; else echo 'singularity-ce version 4.1.5-standin'; fi
    exit 0
    ;;
  exec) shift ;;
  '') usage_error 'no command given' ;;
  *) usage_error "unsupported command or option: $1" ;;
esac

bind_lists=()
for var in SINGULARITY_BINDPATH SINGULARITY_BIND APPTAINER_BINDPATH APPTAINER_BIND; do
  if [ -n "\${!var:-}" ]; then bind_lists+=("\${!var}"); fi
done
while [ $# -gt 0 ]; do
  case "$1" in
    -B | --bind)
      if [ $# -lt 2 ]; then usage_error "flag needs an argument: $1"; fi
      bind_lists+=("$2")
      shift 2
      ;;
    --bind=*) bind_lists+=("\${1#--bind=}"); shift ;;
    -B?*) bind_lists+=("\${1#-B}"); shift ;;
    --) shift; break ;;
    -*) usage_error "unsupported exec option: $1" ;;
    *) break ;;
  esac
done
if [ $# -lt 2 ]; then usage_error "exec requires at least 2 arg(s): IMAGE CMD"; fi

image=$1
shift
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

# The image's root, then the host directories Singularity binds by default.
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

for list in \${bind_lists[@]+"\${bind_lists[@]}"}; do
  rest=$list
  while [ -n "$rest" ]; do
    item=\${rest%%,*}
    if [ "$item" = "$rest" ]; then rest=''; else rest=\${rest#*,}; fi
    if [ -n "$item" ]; then add_bind "$item"; fi
  done
done

# Like a SIF image, the container's own files are read-only; the binds above stay writable.
args+=(--remount-ro / --chdir "$PWD" --die-with-parent)

# Environment: the host's passes through; Singularity's runtime variables are added.
args+=(--setenv SINGULARITY_CONTAINER "$image_abs" --setenv SINGULARITY_NAME "$image_name")
args+=(--setenv APPTAINER_CONTAINER "$image_abs" --setenv APPTAINER_NAME "$image_name")
path=\${PATH:-/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}
for prefix in SINGULARITYENV_ APPTAINERENV_; do
  while IFS= read -r var; do
    case "$var" in
      "$prefix"?*) ;;
      *) continue ;;
    esac
    name=\${var#"$prefix"}
    args+=(--unsetenv "$var")
    case "$name" in
      PREPEND_PATH) path=\${!var}:$path ;;
      APPEND_PATH) path=$path:\${!var} ;;
      PATH) path=\${!var} ;;
      *) args+=(--setenv "$name" "\${!var}") ;;
    esac
  done < <(compgen -e)
done
args+=(--setenv PATH "$path")

printf 'exec %s %s\\n' "$image" "$1" >>"$LOG"
exec bwrap "\${args[@]}" -- /.singularity.d/actions/exec "$@"
`;
}

function write(path: string, text: string, mode = 0o644) {
  writeFileSync(path, text);
  chmodSync(path, mode);
}

export function createContainerStandin(baseDir: string, options: { condaEnvs?: string[]; venv?: boolean } = {}): ContainerStandin {
  const condaEnvs = options.condaEnvs ?? ['pytorch'];
  const root = join(baseDir, 'root');
  const binDir = join(baseDir, 'bin');
  const logFile = join(baseDir, 'starts.log');

  // The image's .singularity.d, laid out like one `singularity build` makes.
  const sd = join(root, '.singularity.d');
  for (const d of ['env', 'actions', 'libs']) mkdirSync(join(sd, d), { recursive: true });
  write(join(sd, 'env', '01-base.sh'), '#!/bin/sh\n# Custom environment shell code should follow\n', 0o755);
  write(join(sd, 'env', '90-environment.sh'), '#!/bin/sh\n# Custom environment shell code should follow\n', 0o755);
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
  for (const d of ['usr', 'etc', 'proc', 'dev', 'tmp', 'sys', 'home', 'root', 'var']) mkdirSync(join(root, d), { recursive: true });

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
    write(join(venvBin, 'activate'), 'VIRTUAL_ENV=/opt/venv\nexport VIRTUAL_ENV\nPATH="$VIRTUAL_ENV/bin:$PATH"\nexport PATH\n');
  }

  mkdirSync(binDir, { recursive: true });
  write(join(binDir, 'singularity'), runtimeScript(root, logFile), 0o755);
  symlinkSync('singularity', join(binDir, 'apptainer'));
  writeFileSync(logFile, '');

  return {
    binDir,
    logFile,
    root,
    dispose() {
      for (const p of [binDir, root, logFile]) rmSync(p, { recursive: true, force: true });
    },
  };
}
