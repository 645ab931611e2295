// The one execution interface (core/remote/executor.ts), the same contract for both of its
// implementations: over a real OpenSSH sshd (127.0.0.1, free port) and on this machine. Arguments
// arrive byte for byte, output streams, a stop ends the whole process group, the hash-addressed
// upload lands once and is reused, a file is read from its end or from an offset.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PID_DIR } from '../../core/remote/command';
import { connect, type ConnectPrompts, type SshConnection } from '../../core/remote/connection';
import { FileMissingError, uploadFile, type Executor } from '../../core/remote/executor';
import { localExecutor } from '../../core/remote/localExecutor';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { resolveHost } from '../../core/remote/sshConfig';
import { waitForNoProcess } from '../helpers/cli';
import { startSshd, type SshdFixture } from '../helpers/sshd';
import { WEIRD_ARGS } from '../helpers/weirdArgs';

const refuseAll: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

let sshd: SshdFixture;
let connection: SshConnection;
let dir: string;
let localHome: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lumi-executor-'));
  localHome = join(dir, 'home');
  mkdirSync(localHome);
  sshd = await startSshd();
  const config = sshd.writeSshConfig('lumi-exec', { knownHostsFile: sshd.knownHostsFile('known') });
  connection = await connect(await resolveHost('lumi-exec', config), refuseAll);
});

after(async () => {
  connection?.close();
  await sshd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Each implementation with the host directory that is its HOME. */
const implementations: { name: string; make: () => Executor; home: () => string }[] = [
  { name: 'over SSH', make: () => sshExecutor(connection), home: () => sshd.remoteHome },
  {
    name: 'on this machine',
    make: () => localExecutor({ env: { PATH: process.env.PATH, HOME: localHome } }),
    home: () => localHome,
  },
];

function collector() {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    output: { stdout: (c: Buffer) => void out.push(c), stderr: (c: Buffer) => void err.push(c) },
    out: () => Buffer.concat(out).toString(),
    err: () => Buffer.concat(err).toString(),
  };
}

for (const impl of implementations) {
  describe(`executor ${impl.name}`, { timeout: 60_000 }, () => {
    it('run: each argument arrives byte for byte, nothing is run as shell code; input, cwd, exit code', async () => {
      const executor = impl.make();
      const marker = join(dir, `pwned-${impl.name.replace(/ /g, '-')}`);
      const args = [...WEIRD_ARGS, `$(touch ${marker})`, `; touch ${marker}`];
      const r = await executor.run([
        'python3',
        '-c',
        'import json,sys; print(json.dumps(sys.argv[1:]))',
        ...args,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), args);
      assert.equal(existsSync(marker), false);
      mkdirSync(join(impl.home(), 'a dir'), { recursive: true });
      const cwd = await executor.run(['sh', '-c', 'pwd; cat; exit 3'], {
        input: 'from stdin',
        cwd: '~/a dir',
      });
      assert.equal(cwd.code, 3);
      assert.equal(cwd.stdout, `${join(impl.home(), 'a dir')}\nfrom stdin`);
      const nowhere = await executor.run(['true'], { cwd: '~/no such dir' });
      assert.equal(nowhere.code, 1);
      assert.match(nowhere.stderr, /cannot change to directory ~\/no such dir/);
    });

    it('stream: stdout and stderr apart, the exit status, $1... as given', async () => {
      const c = collector();
      const code = await impl
        .make()
        .stream('printf "%s|" "$@"; echo to-stderr >&2; exit 7', ['a b', "it's", '$(id)'], c.output);
      assert.equal(code, 7);
      assert.equal(c.out(), "a b|it's|$(id)|");
      assert.match(c.err(), /to-stderr\n$/);
    });

    it('stopGroup: ends the process group a script wrote to its pid file, children included', async () => {
      const executor = impl.make();
      const id = `exec-test-${randomBytes(6).toString('hex')}`;
      const marker = `lumi-exec-marker-${randomBytes(6).toString('hex')}`;
      const pidFile = `${PID_DIR}/${id}`;
      const c = collector();
      let started!: () => void;
      const isStarted = new Promise<void>((resolve) => (started = resolve));
      const running = executor.stream(
        [
          'mkdir -p "$HOME/.cache/lumi-modules/pids"',
          'echo "$$" > "$HOME/.cache/lumi-modules/pids/$1"',
          'bash -c "sleep 3600; : $2" &',
          'echo started',
          'wait',
        ].join('\n'),
        [id, marker],
        {
          stdout: (chunk) => {
            c.output.stdout(chunk);
            if (c.out().includes('started')) started();
          },
          stderr: c.output.stderr,
        },
      );
      await isStarted;
      const outcome = await executor.stopGroup(pidFile);
      assert.equal(outcome.state, 'stopped', JSON.stringify(outcome));
      assert.notEqual(await running, 0);
      assert.equal(await waitForNoProcess(marker, 5000), '', 'a process of the stopped group is still alive');
      assert.equal(existsSync(join(impl.home(), '.cache/lumi-modules/pids', id)), false, 'pid file left');
      assert.equal((await executor.stopGroup(`${PID_DIR}/never-${id}`, 0)).state, 'not-running');
    });

    it('stream: the abort signal stops the script', async () => {
      const marker = `lumi-exec-abort-${randomBytes(6).toString('hex')}`;
      const abort = new AbortController();
      const c = collector();
      const running = impl.make().stream(
        'echo started; exec sleep 3600 "$1"',
        [marker],
        {
          stdout: (chunk) => {
            c.output.stdout(chunk);
            if (c.out().includes('started')) abort.abort();
          },
          stderr: c.output.stderr,
        },
        { signal: abort.signal },
      );
      assert.notEqual(await running, 0);
      assert.equal(await waitForNoProcess(marker, 5000), '', 'the aborted script still runs');
    });

    it('upload: lands at runs/<sha256>/NAME with its mode through a temporary name, reused when unchanged', async () => {
      const executor = impl.make();
      const content = Buffer.from(`print("${impl.name} ${randomBytes(4).toString('hex')}")\n`);
      const file = join(dir, `up-${randomBytes(4).toString('hex')}.py`);
      writeFileSync(file, content);
      const first = await uploadFile(executor, file);
      const runs = join(impl.home(), '.cache/lumi-modules/runs');
      assert.equal(first.path, join(runs, first.sha256, file.slice(dir.length + 1)));
      assert.deepEqual(readFileSync(first.path), content);
      assert.equal(statSync(first.path).mode & 0o777, 0o700);
      assert.equal(statSync(join(runs, first.sha256)).mode & 0o777, 0o700);
      assert.deepEqual(
        readdirSync(runs).filter((n) => n.startsWith('.upload-')),
        [],
        'a temporary file was left behind',
      );
      const mtime = statSync(first.path).mtimeMs;
      await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(await uploadFile(executor, file), first);
      assert.equal(statSync(first.path).mtimeMs, mtime, 'an unchanged copy was written again');
      // A copy changed in place (same size) is replaced.
      writeFileSync(first.path, Buffer.alloc(content.length, 'x'));
      await uploadFile(executor, file);
      assert.deepEqual(readFileSync(first.path), content);
      const args = await executor.upload(Buffer.from('a\0b\0'), 'args', 0o600);
      assert.equal(statSync(args.path).mode & 0o777, 0o600);
    });

    it('read: the end of a file, or from an offset; a missing file is FileMissingError', async () => {
      const executor = impl.make();
      writeFileSync(join(impl.home(), 'job.out'), 'first line\nlast line\n');
      assert.deepEqual(await executor.read('~/job.out'.replace('~', impl.home()), { maxBytes: 10 }), {
        bytes: Buffer.from('last line\n'),
        offset: 11,
      });
      const path = join(impl.home(), 'job.out');
      assert.deepEqual(await executor.read(path, { offset: 6, maxBytes: 4 }), {
        bytes: Buffer.from('line'),
        offset: 6,
      });
      assert.deepEqual(await executor.read(path, { offset: 100, maxBytes: 4 }), {
        bytes: Buffer.alloc(0),
        offset: 21,
      });
      await assert.rejects(executor.read(join(impl.home(), 'nope.out'), { maxBytes: 10 }), FileMissingError);
    });
  });
}
