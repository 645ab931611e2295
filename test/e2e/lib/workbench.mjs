// Playwright helpers for the VS Code workbench that code-server serves. Every helper waits for
// what a user would see (an element, a text) instead of sleeping.
import assert from 'node:assert/strict';

export const TIMEOUT = 30_000;
/** The line client/ctx.ts writes to the output channel once the language server is up. */
export const SERVER_READY_LINE = 'language server ready';

/** Text of a locator with non-breaking spaces (xterm, monaco) made plain. */
export async function textOf(locator) {
  return (await locator.innerText()).replace(/\u00a0/g, ' ');
}

/** Polls `read` until `check(value)` is true; fails with the last value. */
export async function waitUntil(read, check, what, timeout = TIMEOUT) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try {
      last = await read();
      if (check(last)) return last;
    } catch (err) {
      last = `(${err.message})`;
    }
    if (Date.now() > deadline)
      assert.fail(
        `timed out after ${timeout} ms waiting for ${what}; last seen:\n${typeof last === 'string' ? last : JSON.stringify(last, null, 2)}`,
      );
    await new Promise((r) => setTimeout(r, 150));
  }
}

/**
 * The steps of "LUMI: Create Container Module" (a multi-step quick input): its title and
 * validation message, and `atStep(N, name)`, which waits for step N/8's input box and returns the
 * prefilled value.
 */
export function wizardSteps(page) {
  const input = page.locator('.quick-input-widget .quick-input-box input');
  const titleBar = page.locator('.quick-input-widget .quick-input-title');
  const message = page.locator('.quick-input-widget .quick-input-message');
  const atStep = async (step, name) => {
    await waitUntil(
      () => textOf(titleBar),
      (t) => t.includes(`Create container module: ${name}`) && t.includes(`${step}/8`),
      `step ${step}/8 (${name})`,
    );
    await input.waitFor({ state: 'visible' });
    return input.inputValue();
  };
  return { input, titleBar, message, atStep };
}

export class Workbench {
  constructor(page) {
    this.page = page;
  }

  /**
   * Opens FOLDER in the page and waits until the workbench and its Explorer are drawn and our
   * extension is active (unless `waitForExtension: false`).
   */
  async open(url, { waitForExtension = true } = {}) {
    // Leaving a window: close its editors first, as a user would, so that no editor feature
    // (code actions, hovers) asks the language server while the extension host shuts down.
    if (await this.page.locator('.monaco-workbench').count()) {
      await this.runCommand('View: Close All Editors');
      await this.page
        .locator('.editor-group-container .tab')
        .first()
        .waitFor({ state: 'detached' })
        .catch(() => {});
      await this.settle(300);
    }
    await this.page.goto(url);
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await this.page.locator('.explorer-folders-view').waitFor({ timeout: 60_000 });
    // The status bar is drawn once the window has restored its layout.
    await this.page.locator('.statusbar').waitFor();
    if (waitForExtension) await this.waitForExtension();
  }

  /**
   * Waits until the extension is activated and its language server answered: "LUMI: Show
   * Output" (which also activates it) shows the ready line of our output channel. Under load the
   * command palette may not list the command yet; then Escape and ask again. Hides the panel after.
   */
  async waitForExtension(timeout = 120_000) {
    const ready = this.page.locator('.part.panel .monaco-editor .view-lines', { hasText: SERVER_READY_LINE });
    await waitUntil(
      async () => {
        if ((await ready.count()) > 0) return true;
        await this.page.keyboard.press('Escape');
        await this.runCommand('LUMI: Show Output');
        await ready.first().waitFor({ state: 'visible', timeout: 15_000 });
        return true;
      },
      Boolean,
      `"${SERVER_READY_LINE}" in the LUMI Container Modules output`,
      timeout,
    );
    await this.runCommand('View: Hide Panel');
    await this.page
      .locator('.part.panel')
      .waitFor({ state: 'hidden' })
      .catch(() => {});
  }

  quickInput() {
    return this.page.locator('.quick-input-widget');
  }

  quickInputBox() {
    return this.page.locator('.quick-input-widget .quick-input-box input');
  }

  async focusEditorArea() {
    const editor = this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first();
    if (await editor.isVisible()) await editor.click({ position: { x: 5, y: 5 } });
    else
      await this.page
        .locator('.monaco-workbench .part.editor')
        .first()
        .click({ position: { x: 200, y: 200 } });
  }

  /** F1, the command's title, Enter: as a user runs a command from the command palette. */
  async runCommand(title) {
    await this.page.keyboard.press('F1');
    const box = this.quickInputBox();
    await box.waitFor({ state: 'visible' });
    await box.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    // The first row must be this command (a partial match could sort something else first).
    const first = this.page.locator('.quick-input-list .monaco-list-row').first();
    await waitUntil(
      () => textOf(first),
      (t) => t.includes(title),
      `"${title}" as the first command palette entry`,
    );
    await this.page.keyboard.press('Enter');
  }

  /** Ctrl+P with a relative path, Enter; waits for the editor tab. */
  async openFile(relativePath) {
    await this.page.keyboard.press('Control+P');
    const box = this.quickInputBox();
    await box.waitFor({ state: 'visible' });
    await box.fill(relativePath);
    const name = relativePath.split('/').pop();
    // Enter opens the focused row: wait until the list has caught up with the typed path (a
    // recently opened file can still be the focused row for a moment).
    const row = this.page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).first();
    await row.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
    await this.activeTab(name).waitFor();
    await this.page.locator('.editor-group-container.active .monaco-editor .view-lines').first().waitFor();
  }

  activeTab(name) {
    return this.page.locator('.tabs-container .tab.active', { hasText: name });
  }

  editor() {
    return this.page.locator('.editor-group-container.active .monaco-editor').first();
  }

  /** A token span of the active editor whose whole text is `text` (e.g. a function name). */
  token(text) {
    const escaped = text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return this.editor()
      .locator('.view-line span > span', { hasText: new RegExp(`^${escaped}$`) })
      .first();
  }

  /** Rows of the active editor as text (what is rendered). */
  async editorText() {
    return textOf(this.editor().locator('.view-lines'));
  }

  /** Moves the mouse over TOKEN and returns the hover's text once it contains `expect`. */
  async hover(token, expect) {
    await this.page.mouse.move(5, 5);
    await token.hover();
    const hover = this.page.locator('.monaco-editor .monaco-hover-content').filter({ hasText: expect });
    await hover.first().waitFor({ state: 'visible' });
    return textOf(hover.first());
  }

  async hideHover() {
    await this.page.keyboard.press('Escape');
    await this.page.mouse.move(5, 400);
  }

  /** Shows the Problems panel (does not toggle it away when it is already showing). */
  async showProblems() {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.page.keyboard.press('Control+Shift+M');
    await panel.waitFor({ state: 'visible' });
  }

  /** Texts of the rows of the Problems panel (markers), without the file rows. */
  async problems() {
    await this.showProblems();
    // One snapshot of the list: rows are re-rendered while diagnostics change, and reading them
    // one by one would wait for a row that is gone.
    const texts = await this.page
      .locator('.markers-panel .monaco-list-row')
      .evaluateAll((rows) =>
        rows
          .filter((row) => row.querySelector('.marker-icon, .codicon-warning, .codicon-error, .codicon-info'))
          .map((row) => row.innerText),
      );
    return texts.map((t) => t.replace(/\u00a0/g, ' ').replace(/\s+/g, ' '));
  }

  notification(text) {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
  }

  dialog() {
    return this.page.locator('.monaco-dialog-box');
  }

  /**
   * The visible terminal's rows as text (needs the DOM renderer: terminal.integrated.gpuAcceleration off).
   */
  async terminalText() {
    const rows = this.page.locator('.terminal-wrapper .xterm-rows:visible');
    if ((await rows.count()) === 0) return '';
    return (await textOf(rows.first())).replace(/[ ]+$/gm, '');
  }

  async waitForTerminalText(predicate, what, timeout = TIMEOUT) {
    return waitUntil(() => this.terminalText(), predicate, what, timeout);
  }

  /** Names of the open terminals, from the terminal tabs list (or the single terminal's title). */
  async terminalNames() {
    const tabs = this.page.locator(
      '.terminal-tabs-entry .monaco-icon-label, .single-terminal-tab .monaco-icon-label',
    );
    return (await tabs.allInnerTexts()).map((t) => t.trim());
  }

  async settle(ms = 600) {
    await this.page.waitForTimeout(ms);
  }
}
