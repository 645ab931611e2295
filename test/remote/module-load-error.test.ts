// When `module load` fails in a run or a batch job, the output says why as real Lmod does: a module
// that is there but depends on a missing one gets Lmod's own error (naming the missing dependency)
// and no guess about lumiModules.run.modulePaths; only a module that is not there gets that hint.
// Real Lmod in the login shell of a real OpenSSH sshd (127.0.0.1, free port).
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect, type ConnectPrompts, type SshConnection } from '../../core/remote/connection';
import { runOnHost, type RunRequest } from '../../core/remote/run';
import { sshExecutor } from '../../core/remote/sshExecutor';
import { resolveHost } from '../../core/remote/sshConfig';
import { jobScriptValues } from '../../core/slurm/jobScript';
import { startSshd, type SshdFixture } from '../helpers/sshd';

const refuseAll: ConnectPrompts = {
  confirmUnknownHost: async () => false,
  passphrase: async () => undefined,
  keyboardInteractive: async () => undefined,
};

let sshd: SshdFixture;
let connection: SshConnection;
let modules: string;
let script: string;

before(async () => {
  sshd = await startSshd();
  // Module directories and the script on the "remote" (the sshd user's HOME is a host directory).
  modules = join(sshd.remoteHome, 'mods');
  mkdirSync(join(modules, 'needs-missing'), { recursive: true });
  mkdirSync(join(modules, 'fine'), { recursive: true });
  writeFileSync(join(modules, 'needs-missing', '1.0.lua'), 'depends_on("gone-dependency/2.0")\n');
  // The module that loads puts a `python` on PATH, as a container module's wrapper does.
  mkdirSync(join(sshd.remoteHome, 'bin'));
  symlinkSync('/usr/bin/python3', join(sshd.remoteHome, 'bin', 'python'));
  writeFileSync(
    join(modules, 'fine', '1.0.lua'),
    `prepend_path("PATH", "${join(sshd.remoteHome, 'bin')}")\n`,
  );
  script = join(sshd.remoteHome, 'hello.py');
  writeFileSync(script, 'print("ran")\n');
  sshd.addRemoteProfile('export LMOD_IGNORE_CACHE=1');
  const config = sshd.writeSshConfig('lumi-lmod', { knownHostsFile: sshd.knownHostsFile('known') });
  connection = await connect(await resolveHost('lumi-lmod', config), refuseAll);
});

after(async () => {
  connection?.close();
  await sshd?.stop();
});

async function run(names: string[]) {
  let stdout = '';
  let stderr = '';
  const request: RunRequest = {
    modulePaths: [modules],
    modules: names,
    script,
    remoteScript: true,
    args: [],
  };
  const code = await runOnHost(sshExecutor(connection), request, {
    stdout: (c) => void (stdout += c.toString()),
    stderr: (c) => void (stderr += c.toString()),
  });
  return { code, stdout, stderr };
}

/** The batch job's module lines (the template's {{modules}}) in the same login shell. */
async function jobModules(names: string[]) {
  const values = jobScriptValues({
    modulePaths: [modules],
    modules: names,
    sbatch: [],
    srun: [],
    script,
    args: [],
  });
  let stdout = '';
  let stderr = '';
  const code = await sshExecutor(connection).stream(
    `${values.modules}\necho modules-loaded`,
    [],
    { stdout: (c) => void (stdout += c.toString()), stderr: (c) => void (stderr += c.toString()) },
    { login: true },
  );
  return { code, stdout, stderr };
}

describe('module load fails: the output says why, as Lmod says it', { timeout: 120_000 }, () => {
  it("run: a module whose dependency is missing gets Lmod's error, not the modulePaths hint", async () => {
    const r = await run(['fine/1.0', 'needs-missing/1.0']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '', 'python ran although the module did not load');
    assert.match(r.stderr, /Lmod has detected the following error:/);
    assert.match(r.stderr, /gone-dependency\/2\.0/, 'the missing dependency is not named');
    assert.match(r.stderr, /lumi-modules: module needs-missing\/1\.0 is there, but Lmod could not load it/);
    assert.doesNotMatch(r.stderr, /modulePaths/);
  });

  it('run: a module that is not there gets the hint where to add its directory', async () => {
    const r = await run(['no-such-module/1.0']);
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /lumi-modules: module no-such-module\/1\.0 not found: add its directory to lumiModules\.run\.modulePaths/,
    );
    const fine = await run(['fine/1.0']);
    assert.equal(fine.code, 0, fine.stderr);
    assert.equal(fine.stdout, 'ran\n');
  });

  it("batch job: the same two answers from the job script's module lines", async () => {
    const dependency = await jobModules(['needs-missing/1.0']);
    assert.notEqual(dependency.code, 0);
    assert.doesNotMatch(dependency.stdout, /modules-loaded/);
    assert.match(dependency.stderr, /gone-dependency\/2\.0/);
    assert.match(dependency.stderr, /module needs-missing\/1\.0 is there, but Lmod could not load it/);
    assert.doesNotMatch(dependency.stderr, /--module-use/);
    const missing = await jobModules(['no-such-module/1.0']);
    assert.match(
      missing.stderr,
      /module no-such-module\/1\.0 not found: add its directory with --module-use/,
    );
    const fine = await jobModules(['fine/1.0']);
    assert.equal(fine.code, 0, fine.stderr);
    assert.match(fine.stdout, /modules-loaded/);
  });
});
