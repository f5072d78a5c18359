// Shared helpers: start a retrace server on a fresh SQLite database with the
// demo data, launch Debian's Chromium, compute TOTP codes, run axe-core.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createHash, createHmac } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

const here = dirname(fileURLToPath(import.meta.url));
export const DEMO_PASSWORD = 'Demo-Tracing-2026';

function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

// Loading the demo into an empty directory takes about 30 s on the 2-core CI
// machine with a debug build, several times that on a loaded one; a copy of
// the loaded demo starts in about a second.
function spawnServer(binary, dir, port, timeoutMs = 120_000) {
  const child = spawn(
    binary,
    ['serve', '--demo', '--listen', `127.0.0.1:${port}`,
     '--database-url', `sqlite://${dir}/retrace.db`, '--data-dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  let output = '';
  child.stderr.on('data', (chunk) => { output += chunk; });
  const ready = new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`server did not start:\n${output}`)), timeoutMs);
    child.stdout.on('data', (chunk) => {
      output += chunk;
      if (output.includes('retrace is listening on')) { clearTimeout(timer); ok(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); fail(new Error(`server exited ${code}:\n${output}`)); });
  });
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((ok) => child.on('exit', ok));
      child.kill('SIGTERM');
      await exited;
    }
  };
  return { ready, stop };
}

// Loading the demo takes most of a debug server's start-up, so it is done
// once per binary and day (the demo is dated from today): each test file then
// starts from its own copy of that data directory, isolated from the others.
async function demoTemplate(binary) {
  const { size, mtimeMs } = statSync(binary);
  const today = new Date().toISOString().slice(0, 10);
  const key = createHash('sha256').update(`${binary}\n${size}\n${mtimeMs}\n${today}`).digest('hex').slice(0, 16);
  const prefix = 'retrace-demo-template-';
  const dir = join(tmpdir(), `${prefix}${key}`);
  if (existsSync(join(dir, '.ready'))) return dir;
  for (const name of readdirSync(tmpdir())) {
    if (name.startsWith(prefix)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
  const building = mkdtempSync(join(tmpdir(), `${prefix}building-`));
  const server = spawnServer(binary, building, await freePort(), 600_000);
  try {
    await server.ready;
  } finally {
    await server.stop();
  }
  writeFileSync(join(building, '.ready'), '');
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return dir;
}

export async function startServer() {
  const binary = process.env.RETRACE_BIN ?? resolve(here, '../target/debug/retrace');
  const template = await demoTemplate(binary);
  const dir = mkdtempSync(join(tmpdir(), 'retrace-browser-'));
  cpSync(template, dir, { recursive: true, filter: (source) => !source.endsWith('.ready') });
  const port = await freePort();
  const server = spawnServer(binary, dir, port);
  await server.ready;
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run',
    ],
  });
}

// RFC 6238 with SHA-1, 30-second steps, six digits: what phone apps use.
export function totp(secretBase32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secretBase32.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(ch);
    if (value < 0) throw new Error(`not base32: ${ch}`);
    bits += value.toString(2).padStart(5, '0');
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', Buffer.from(bytes)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const code = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return code.toString().padStart(6, '0');
}

// Fails with the list of serious and critical axe-core violations, if any.
export async function assertAccessible(page, assert, label) {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const summary = bad.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(summary, [], `axe-core on ${label}`);
}

// A new browser context (English) signed in as a demo account, and its page.
export async function signInAs(browser, serverUrl, email) {
  const context = await browser.newContext({ locale: 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${serverUrl}/sign-in`);
  await page.getByLabel(/email/i).fill(email);
  await page.getByLabel(/password/i).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: /sign in/i }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
  return { context, page };
}
