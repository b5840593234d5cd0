// What a user does in the VS Code workbench (code-server), expressed as puppeteer-core actions on the real DOM.
// Every wait has a timeout and fails with a sentence saying what did not happen.
'use strict';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Squiggles that count as problems (hints are the faint dots other extensions draw).
const SQUIGGLES = '.part.editor .monaco-editor .view-overlays .squiggly-error, '
  + '.part.editor .monaco-editor .view-overlays .squiggly-warning, '
  + '.part.editor .monaco-editor .view-overlays .squiggly-info';

class Workbench {
  constructor(page) {
    this.page = page;
  }

  // Polls fn until it returns something truthy; `what` (text, or async function) names what was awaited.
  async until(what, fn, { timeout = 30000, interval = 250 } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      last = await fn();
      if (last) return last;
      if (Date.now() > deadline) {
        const description = typeof what === 'function' ? await what() : what; // a function: the state at timeout
        throw new Error(`timed out after ${timeout / 1000} s waiting for ${description}`);
      }
      await sleep(interval);
    }
  }

  async chord(...keys) {
    const { keyboard } = this.page;
    for (const key of keys) await keyboard.down(key);
    for (const key of [...keys].reverse()) await keyboard.up(key);
  }

  async open(url) {
    await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60000 });
    await this.page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 90000 });
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 90000 });
    await this.until('the Problems item in the status bar', () => this.problemsLabel(), { timeout: 60000 });
  }

  // Status bar "Problems" item, e.g. "Warnings: 3" / "Errors: 0, Warnings: 3" / "No Problems".
  async problemsLabel() {
    return this.page.evaluate(() => {
      const item = document.querySelector('.part.statusbar [id="status.problems"]');
      if (!item) return null;
      const link = item.querySelector('a') || item;
      return link.getAttribute('aria-label') || item.getAttribute('aria-label') || link.innerText || '';
    });
  }

  async problemCount() {
    const label = (await this.problemsLabel()) || '';
    const numbers = label.match(/\d+/g) || [];
    return numbers.reduce((sum, n) => sum + Number(n), 0);
  }

  async title() {
    return this.page.evaluate(() => document.title);
  }

  // Ctrl+P, type the file name, Enter; waits until the editor tab for it is active.
  async openFile(name) {
    await this.focusEditorArea();
    await this.chord('Control', 'KeyP');
    await this.page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 15000 });
    await this.page.keyboard.type(name, { delay: 15 });
    // the list filters asynchronously: wait until the row Enter would open is this file
    await this.until(`"${name}" as the selected Quick Open entry`, () => this.page.evaluate((wanted) => {
      const row = document.querySelector('.quick-input-widget .monaco-list-row.focused');
      return !!row && (row.getAttribute('aria-label') || row.innerText).includes(wanted);
    }, name), { timeout: 20000 });
    await this.page.keyboard.press('Enter');
    await this.until(`the editor tab of ${name} to be active`, () => this.page.evaluate((wanted) => {
      const tab = document.querySelector('.part.editor .tab.active');
      return !!tab && (tab.getAttribute('aria-label') || tab.innerText).includes(wanted);
    }, name), { timeout: 20000 });
    await this.page.waitForSelector('.part.editor .monaco-editor .view-lines', { visible: true, timeout: 15000 });
  }

  // Shortcuts go to the focused element: focus the editor (without moving its cursor) or the empty editor area.
  async focusEditorArea() {
    const text = await this.page.$('.part.editor .monaco-editor .view-lines');
    if (text) {
      await this.page.evaluate(() => document.querySelector('.part.editor .monaco-editor textarea')?.focus());
    } else {
      await this.page.click('.monaco-workbench .part.editor');
    }
  }

  async squiggles() {
    return this.page.$$eval(SQUIGGLES, (els) => els.map((el) => {
      const r = el.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height, cls: el.className };
    }).filter((r) => r.width > 0).sort((a, b) => a.y - b.y || a.x - b.x));
  }

  async waitForSquiggles(what) {
    return this.until(`warning squiggles in ${what}`, async () => {
      const found = await this.squiggles();
      return found.length ? found : null;
    }, { timeout: 90000 });
  }

  async waitForNoSquiggles(what) {
    await this.until(`the squiggles in ${what} to go away`, async () => (await this.squiggles()).length === 0,
      { timeout: 30000 });
  }

  // Index of the 0-based editor line under a squiggle: the text row at the same height.
  async lineTextAt(y) {
    return this.page.evaluate((yy) => {
      for (const line of document.querySelectorAll('.part.editor .monaco-editor .view-lines .view-line')) {
        const r = line.getBoundingClientRect();
        if (yy >= r.top - 1 && yy <= r.bottom + 1) return line.innerText.replace(/\u00a0/g, ' '); // rendered spaces are NBSPs
      }
      return null;
    }, y);
  }

  // Squiggle whose editor line contains `text` (first one when text is omitted).
  async squiggleOn(text, what) {
    return this.until(`a squiggle on a line containing "${text}" in ${what}`, async () => {
      for (const squiggle of await this.squiggles()) {
        const line = await this.lineTextAt(squiggle.y + squiggle.height / 2);
        if (!text || (line && line.includes(text))) return squiggle;
      }
      return null;
    }, { timeout: 60000 });
  }

  // Mouse over a squiggle; returns the hover's text once it shows `expected`.
  async hover(squiggle, expected) {
    const x = squiggle.x + Math.min(squiggle.width / 2, 40);
    const y = squiggle.y + squiggle.height / 2;
    await this.page.mouse.move(x - 5, y - 20);
    await this.page.mouse.move(x, y, { steps: 5 });
    return this.until(`a hover showing "${expected}"`, async () => {
      const texts = await this.visibleHoverTexts();
      const hit = texts.find((t) => t.includes(expected));
      if (!hit) await this.page.mouse.move(x + 1, y, { steps: 2 });
      return hit;
    }, { timeout: 15000, interval: 500 });
  }

  async visibleHoverTexts() {
    return this.page.$$eval('.monaco-hover', (els) => els
      .filter((el) => !el.classList.contains('hidden') && el.getBoundingClientRect().height > 0)
      .map((el) => el.innerText.replace(/\s+/g, ' ').trim()));
  }

  async clickAt(squiggle) {
    await this.page.mouse.click(squiggle.x + Math.min(squiggle.width / 2, 20), squiggle.y + squiggle.height / 2);
  }

  // Ctrl+. and wait for the code action menu to list `title`. A press that lands while the editor is still
  // settling (cursor just moved, actions being computed) can show nothing: press again, as a user would.
  async openQuickFixes(title) {
    let listed = [];
    for (let attempt = 1; attempt <= 4; attempt += 1) {
      await sleep(500);
      await this.chord('Control', 'Period');
      const deadline = Date.now() + 5000;
      while (Date.now() < deadline) {
        listed = await this.actionTitles();
        if (listed.some((t) => t.includes(title))) return listed;
        await sleep(250);
      }
      await this.page.keyboard.press('Escape');
    }
    throw new Error(`"${title}" is not in the Ctrl+. menu (it lists: ${listed.join(' | ') || 'nothing'})`);
  }

  async actionTitles() {
    return this.page.$$eval('.action-widget .monaco-list-row', (rows) => rows
      .filter((row) => row.getBoundingClientRect().height > 0)
      .map((row) => row.innerText.replace(/\s+/g, ' ').trim()));
  }

  async pickAction(title) {
    const row = await this.until(`the menu row "${title}"`, async () => {
      for (const handle of await this.page.$$('.action-widget .monaco-list-row')) {
        const text = await handle.evaluate((el) => el.innerText);
        if (text.includes(title)) return handle;
      }
      return null;
    }, { timeout: 10000 });
    await row.click();
    await this.until('the Ctrl+. menu to close', async () => (await this.actionTitles()).length === 0, { timeout: 10000 });
  }

  async save() {
    await this.chord('Control', 'KeyS');
  }

  // Command Palette: Ctrl+Shift+P, type the command, Enter on the exact entry.
  async runCommand(label) {
    await this.focusEditorArea();
    await this.chord('Control', 'Shift', 'KeyP');
    await this.page.waitForSelector('.quick-input-widget input', { visible: true, timeout: 15000 });
    await this.page.keyboard.type(label, { delay: 10 });
    await this.until(`"${label}" in the Command Palette`, async () => (await this.quickPickLabels()).some(
      (t) => t.startsWith(label)), { timeout: 20000 });
    await this.page.keyboard.press('Enter');
  }

  async quickPickLabels() {
    return this.page.$$eval('.quick-input-widget .monaco-list-row', (rows) => rows
      .filter((row) => row.getBoundingClientRect().height > 0 && row.closest('.quick-input-widget').style.display !== 'none')
      .map((row) => (row.getAttribute('aria-label') || row.innerText).replace(/\s+/g, ' ').trim()));
  }

  async showProblemsPanel() {
    await this.chord('Control', 'Shift', 'KeyM');
    await this.page.waitForSelector('.markers-panel', { visible: true, timeout: 15000 });
  }

  async hidePanel() {
    await this.chord('Control', 'KeyJ'); // View: Toggle Panel Visibility
    await this.page.waitForSelector('.markers-panel', { hidden: true, timeout: 15000 });
  }

  // The notification toasts on screen, as text.
  async notifications() {
    return this.page.$$eval('.notification-toast', (els) => els
      .filter((el) => el.getBoundingClientRect().height > 0)
      .map((el) => el.innerText.replace(/\s+/g, ' ').trim()));
  }

  // Clicks the button `label` on the notification whose text includes `text`.
  async clickNotificationButton(text, label) {
    const button = await this.until(`a notification saying "${text}" with a "${label}" button`, async () => {
      for (const toast of await this.page.$$('.notification-toast')) {
        if (!(await toast.evaluate((el, t) => el.innerText.includes(t), text))) continue;
        for (const b of await toast.$$('.monaco-button')) {
          if ((await b.evaluate((el) => el.innerText.trim())) === label) return b;
        }
      }
      return null;
    }, { timeout: 60000 });
    await button.click();
  }

  // The Settings editor's selected scope tab ("User", "Remote [...]", "Workspace"), once it is open.
  async settingsScope() {
    return this.until('the Settings editor to open', () => this.page.evaluate(() => {
      const editor = document.querySelector('.settings-editor');
      if (!editor || editor.getBoundingClientRect().height === 0) return null;
      const checked = editor.querySelector('.settings-tabs-widget .action-item .action-label.checked');
      return checked ? checked.innerText.replace(/\s+/g, ' ').trim() : null;
    }), { timeout: 20000 });
  }

  async closeEditor() {
    await this.chord('Control', 'KeyW');
  }

  async problemsPanelRows() {
    return this.page.$$eval('.markers-panel .monaco-list-row', (rows) => rows
      .map((row) => `${row.innerText} ${row.getAttribute('aria-label') || ''}`.replace(/\s+/g, ' ').trim()));
  }
}

module.exports = { Workbench, sleep };
