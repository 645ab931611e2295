// `lumi-modules run` on bad input: usage errors exit 2 with a message, SSH failures exit 255 like
// ssh, and nothing is attempted with an argument that looks like an option to ssh.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli';

describe('lumi-modules run usage', () => {
  it('exits 2 with a message on bad usage', () => {
    for (const [args, message] of [
      [['run', 'x.py'], /--host is required/],
      [['run', '--host', 'lumi'], /a SCRIPT to run is required/],
      [['run', '--host', 'lumi', '/nonexistent/x.py'], /is not a local file .*--remote-script/],
      [['run', '--host', 'lumi', '--srun', '--x="open', '--remote-script', '/x.py'], /--srun: unterminated/],
      [['run', '--bogus', '--host', 'lumi', 'x.py'], /unknown option '--bogus'/i],
    ] as const) {
      const r = runCli([...args]);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
  });

  it('passes arguments after SCRIPT to the script, options included', () => {
    // Everything after SCRIPT belongs to the script: --host here is the script's, not ours.
    const r = runCli([
      'run',
      '--host',
      '-oProxyCommand=touch /tmp/lumi-pwned',
      '--remote-script',
      '/x.py',
      '--host',
      'y',
    ]);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /is not a host alias/);
  });

  it('exits 255 when the host cannot be reached, saying why', () => {
    const r = runCli(['run', '--host', 'no-such-host.invalid', '--remote-script', '/x.py']);
    assert.equal(r.code, 255);
    assert.match(r.stderr, /cannot connect to no-such-host\.invalid/);
  });
});
