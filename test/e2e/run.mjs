// End-to-end tests of the packaged extension in a real VS Code (code-server 4.99.4 = VS Code
// 1.99.3) driven headless by playwright-core with Debian's Chromium.
//
//   npm run test:e2e                      all scenarios
//   npm run test:e2e -- diagnostics run   only scenarios whose file name contains a word
//   npm run docs:screenshots              all scenarios, and the README pictures into docs/images/
//   E2E_SKIP_PACKAGE=1 (reuse dist/*.vsix), E2E_KEEP=1 or --keep (keep the temp dir), E2E_CHROMIUM=PATH
//
// First use installs code-server and playwright-core into .cache/e2e/ (git-ignored, not
// dependencies of the extension). Each run packages the extension (`npm run package`), installs
// the .vsix into a fresh code-server whose HOME, XDG dirs, user data and extensions are in a temp
// dir, and stops everything it started at the end, also when a step fails.
// Screenshots of each step go to test/e2e/artifacts/ (git-ignored), with the logs of the run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CodeServer } from './lib/codeServer.mjs';
import { ensureTools } from './lib/install.mjs';
import { Workbench } from './lib/workbench.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..', '..');
const artifacts = join(here, 'artifacts');
const docsImages = join(repo, 'docs', 'images');
const argv = process.argv.slice(2);
const docsMode = argv.includes('--screenshots');
const keep = argv.includes('--keep') || process.env.E2E_KEEP === '1';
const filters = argv.filter((a) => !a.startsWith('--'));
const log = (s) => console.log(`e2e: ${s}`);

const SCENARIOS = [
  'diagnostics',
  'createModule',
  'createFromModule',
  'runPython',
  'submitJob',
  'walkthrough',
  'server',
  'workspaceTrust',
  'checkFolder',
  'imageHover',
  'extensionLog',
];
const selected = SCENARIOS.filter(
  (s) =>
    s === 'extensionLog' ||
    filters.length === 0 ||
    filters.some((f) => s.toLowerCase().includes(f.toLowerCase())),
);

const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

const state = {
  base: undefined,
  codeServer: undefined,
  browser: undefined,
  cleanup: [],
  consoleErrors: [],
  shots: 0,
};
const started = Date.now();

let tearingDown;
/** Stops everything this run started (once, however often it is called) and removes the temp dir. */
function teardown() {
  tearingDown ??= (async () => {
    const s = state;
    try {
      await s.browser?.close();
    } catch {}
    while (s.cleanup.length) {
      try {
        await s.cleanup.pop()();
      } catch (err) {
        console.error(`e2e: cleanup: ${err.message}`);
      }
    }
    if (s.codeServer) {
      await s.codeServer.stop();
      // Keep the logs of the run next to the screenshots.
      try {
        rmSync(join(artifacts, 'logs'), { recursive: true, force: true });
        cpSync(join(s.codeServer.userDataDir, 'logs'), join(artifacts, 'logs'), { recursive: true });
        cpSync(s.codeServer.logFile, join(artifacts, 'logs', 'code-server.log'));
      } catch {}
    }
    if (s.base && !keep) {
      try {
        rmSync(s.base, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
      } catch (err) {
        console.error(`e2e: could not remove ${s.base}: ${err.message}`);
      }
    } else if (s.base) log(`kept ${s.base}`);
    s.tornDown = true;
  })();
  return tearingDown;
}

// node:test ends the process on SIGINT/SIGTERM (and an uncaught error ends it too) without
// waiting for async teardown: then kill code-server's process group and remove the temp dir
// synchronously here. (Playwright kills its Chromium, test/helpers/sshd.ts its sshd, on exit.)
process.on('exit', () => {
  if (state.tornDown) return;
  const pid = state.codeServer?.child?.pid;
  if (pid) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {}
  }
  if (state.base && !keep) {
    try {
      rmSync(state.base, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    } catch {}
  }
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    teardown()
      .catch((err) => console.error(`e2e: teardown: ${err.stack}`))
      .finally(() => process.exit(130));
  });
}

before(
  async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is needed (apt-get install chromium; or set E2E_CHROMIUM)`);
    const tools = ensureTools(join(repo, '.cache', 'e2e'), log);
    if (process.env.E2E_SKIP_PACKAGE !== '1') {
      const t = Date.now();
      const r = spawnSync('npm', ['run', 'package'], {
        cwd: repo,
        encoding: 'utf8',
        env: { ...process.env, npm_config_cache: join(repo, '.cache', 'e2e', 'npm-cache') },
      });
      assert.equal(r.status, 0, `npm run package failed:\n${r.stdout}\n${r.stderr}`);
      log(`packaged in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
    const vsix = join(repo, 'dist', 'lumi-container-modules.vsix');
    assert.ok(existsSync(vsix), `${vsix} exists`);

    rmSync(artifacts, { recursive: true, force: true });
    mkdirSync(artifacts, { recursive: true });
    if (docsMode) mkdirSync(docsImages, { recursive: true });

    state.base = realpathSync(mkdtempSync(join(tmpdir(), 'lumi-e2e-')));
    mkdirSync(join(state.base, 'workspaces'));
    const codeServer = new CodeServer({ bin: tools.codeServer, base: join(state.base, 'code-server') });
    state.codeServer = codeServer;
    codeServer.installExtension(vsix);
    await codeServer.start();
    log(`code-server ${codeServer.url} (data in ${state.base})`);

    const { chromium } = await import(pathToFileURL(tools.playwrightCore).href);
    state.browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      env: codeServer.env,
    });
    const context = await state.browser.newContext({ viewport: { width: 1280, height: 800 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: codeServer.url });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    page.on('dialog', (d) => d.accept().catch(() => {})); // beforeunload when a window is left
    page.on('console', (m) => {
      if (m.type() === 'error') state.consoleErrors.push(m.text());
    });
    page.on('pageerror', (e) => state.consoleErrors.push(`pageerror: ${e.message}`));
    state.page = page;
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  await teardown();
  log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

for (const name of selected) {
  test(name, { timeout: 4 * 60_000 }, async () => {
    const scenario = await import(`./${name}.mjs`);
    const page = state.page;
    assert.ok(page, 'the browser is up');
    const t = Date.now();
    const cleanup = [];
    const runCleanup = async () => {
      while (cleanup.length) {
        const fn = cleanup.pop();
        const i = state.cleanup.indexOf(fn);
        if (i >= 0) state.cleanup.splice(i, 1);
        try {
          await fn();
        } catch (err) {
          console.error(`e2e: cleanup of ${name}: ${err.message}`);
        }
      }
    };
    const shot = async (label, options = {}) => {
      const file = join(artifacts, `${String(++state.shots).padStart(2, '0')}-${label}.png`);
      await page.waitForTimeout(150); // let the last frame paint (fade-ins)
      await page.screenshot({ path: file });
      if (docsMode && options.docs) {
        const target = join(docsImages, options.docs);
        await page.screenshot({ path: target });
        const kb = statSync(target).size / 1024;
        log(`${target}: ${kb.toFixed(0)} KB${kb > 200 ? ' (over 200 KB!)' : ''}`);
      }
    };
    const ctx = {
      page,
      wb: new Workbench(page),
      repo,
      base: state.base,
      workspaces: join(state.base, 'workspaces'),
      codeServer: state.codeServer,
      consoleErrors: state.consoleErrors,
      shot,
      cleanup: { push: (fn) => (cleanup.push(fn), state.cleanup.push(fn)) },
    };
    try {
      await scenario.run(ctx);
    } catch (err) {
      await page.screenshot({ path: join(artifacts, `FAILED-${name}.png`) }).catch(() => {});
      throw err;
    } finally {
      await runCleanup();
      log(`${name}: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    }
  });
}
