/**
 * A real VS Code for the e2e tests: code-server 4.100.3 from .e2e/tools (installed by
 * install-code-server.sh) with the linux-x64 .vsix installed (`npm run test:e2e` builds it), driven by
 * playwright-core on Debian's chromium.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PACKAGE_DIR } from '../../scripts/package-extension';
import { packageFileName } from '../../scripts/package-targets';

export const ROOT = path.resolve(__dirname, '../../..');
const TOOLS = path.join(ROOT, '.e2e/tools/node_modules');
const CODE_SERVER = path.join(TOOLS, '.bin/code-server');
export const VSIX = path.join(PACKAGE_DIR, packageFileName('linux-x64'));

export interface Editor {
  readonly page: Page;
  readonly workspace: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitForHealth(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) return;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) throw new Error(`code-server did not answer /healthz on port ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Starts code-server on a copy of `fixtureDir` with the .vsix installed, and opens it in chromium. */
export async function openEditor(fixtureDir: string, scratch: string, userSettings: object): Promise<Editor> {
  const workspace = path.join(scratch, 'workspace');
  const userData = path.join(scratch, 'user');
  const extensions = path.join(scratch, 'extensions');
  fs.cpSync(fixtureDir, workspace, { recursive: true });
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(userSettings, null, 2));
  execFileSync(CODE_SERVER, ['--extensions-dir', extensions, '--user-data-dir', userData, '--install-extension', VSIX], { stdio: 'ignore' });

  const port = await freePort();
  const config = path.join(scratch, 'config.yaml');
  fs.writeFileSync(config, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  // Its own process group: code-server's children are stopped with it.
  const server: ChildProcess = spawn(CODE_SERVER, ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', workspace],
  { detached: true, stdio: ['ignore', fs.openSync(path.join(scratch, 'code-server.log'), 'w'), 'inherit'] });
  let browser: Browser | null = null;
  const close = async (): Promise<void> => {
    await browser?.close();
    if (server.pid !== undefined) { try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ } }
  };
  try {
    await waitForHealth(port, 60000);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium', headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-dev-shm-usage'],
    });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
    await page.waitForSelector('.monaco-workbench', { timeout: 60000 });
    return { page, workspace, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Opens the quick input with `key`, types `text` and clicks the first row that shows it (Enter is flaky). */
async function pick(page: Page, key: string, text: string): Promise<void> {
  await page.keyboard.press(key);
  await page.waitForSelector('.quick-input-widget .quick-input-box input');
  await page.keyboard.type(text);
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 20000 });
  await row.click();
}

export async function openFile(page: Page, name: string): Promise<void> {
  await pick(page, 'Control+P', name);
  await page.waitForSelector(`.tab.active[aria-label*="${name}"], .tab.active:has-text("${name}")`, { timeout: 20000 });
}

/** Runs a command by its palette title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await pick(page, 'F1', title);
}

/** Go to Line (Ctrl+G) `line` or `line:column`, and put the cursor there. */
export async function goToLine(page: Page, where: string): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.waitForSelector('.quick-input-widget .quick-input-box input');
  await page.keyboard.type(where);
  await page.keyboard.press('Enter');
}
