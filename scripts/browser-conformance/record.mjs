// Records what headless Chromium does with cookies, case by case, as truth for crossjar.
//
//   node record.mjs OUTDIR [--chromium PATH] [--only SUBSTRING]
//
// For each mode (third-party cookies allowed: `chrome`; blocked by the user setting:
// `chrome-3pc-blocked`) and each case of cases.mjs it writes OUTDIR/<mode>/<case>/playwright.har
// (Playwright recordHar as written, no bodies), capture.har (the same, completed from CDP where a
// DevTools export holds more) and truth.json (what the Chrome DevTools Protocol reported, and the
// Cookie header the test server received), plus OUTDIR/VERSION.
//
// Mechanisms (checked on Chromium 156):
// - Hostnames: --host-resolver-rules maps each test host's ports 443/80 to the loopback listeners, so
//   URLs carry no port; every other host is ~NOTFOUND (no traffic leaves the machine).
// - TLS: a throw-away CA and leaf made with the openssl CLI at run time; Chromium trusts the leaf by
//   --ignore-certificate-errors-spki-list (its SPKI hash), which needs no NSS database and keeps every
//   other certificate check on. The connection counts as secure (Secure cookies are stored and sent).
// - Third-party cookies: Playwright's browser.newContext() contexts are off-the-record and block
//   third-party cookies like Incognito; a persistent profile with the preference
//   profile.cookie_controls_mode = 0 (allow) or 1 (block third-party cookies) gives both modes in
//   regular profiles. Blocked cookies then report `UserPreferences`. (CDP Network.setCookieControls
//   with enableThirdPartyCookieRestriction=false did not lift the Incognito block; the launch flag
//   --test-third-party-cookie-phaseout would report `ThirdPartyPhaseout` instead.)

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { allCases, HOSTS } from './cases.mjs';
import { TestServer } from './server.mjs';

const MODES = [
  { id: 'chrome', cookieControlsMode: 0 },
  { id: 'chrome-3pc-blocked', cookieControlsMode: 1 },
];

function parseArgs(argv) {
  const opts = { out: null, chromium: '/usr/bin/chromium', only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--chromium') opts.chromium = argv[++i];
    else if (a === '--only') opts.only = argv[++i];
    else if (!opts.out) opts.out = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.out) throw new Error('usage: node record.mjs OUTDIR [--chromium PATH] [--only SUBSTRING]');
  return opts;
}

/** A throw-away CA and a leaf for every test host; returns the leaf's key, chain and SPKI hash. */
function makeCertificates(dir) {
  const run = (args, input) => execFileSync('openssl', args, { cwd: dir, input, stdio: ['pipe', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=crossjar throw-away test CA']);
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=crossjar test hosts']);
  const san = HOSTS.map((h) => `DNS:${h}`).join(',');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const pub = run(['x509', '-in', 'leaf.pem', '-pubkey', '-noout']);
  const der = run(['pkey', '-pubin', '-outform', 'der'], pub);
  const spki = run(['dgst', '-sha256', '-binary'], der).toString('base64');
  const cert = Buffer.concat([fs.readFileSync(path.join(dir, 'leaf.pem')), fs.readFileSync(path.join(dir, 'ca.pem'))]);
  return { key: fs.readFileSync(path.join(dir, 'leaf.key')), cert, spki };
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Splits Set-Cookie lines out of a CDP header object (lines joined by \n). */
function setCookieLines(headers) {
  const out = [];
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'set-cookie') out.push(...String(v).split('\n').filter((l) => l.trim()));
  }
  return out;
}

function nameValue(line) {
  const pair = line.split(';')[0];
  const i = pair.indexOf('=');
  return i < 0 ? { name: '', value: pair.trim() } : { name: pair.slice(0, i).trim(), value: pair.slice(i + 1).trim() };
}

function isDeletion(line) {
  const attrs = line.split(';').slice(1).map((a) => a.trim());
  for (const a of attrs) {
    const [k, ...rest] = a.split('=');
    const v = rest.join('=').trim();
    if (k.trim().toLowerCase() === 'max-age' && /^-?\d+$/.test(v) && Number(v) <= 0) return true;
    if (k.trim().toLowerCase() === 'expires' && Date.parse(v) < Date.now()) return true;
  }
  return false;
}

/** Runs one step in the case's current page. */
async function runStep(page, step) {
  if (step.fetch) {
    const init = { method: step.method ?? 'GET' };
    if (step.credentials) init.credentials = step.credentials;
    if (step.headers) init.headers = step.headers;
    if (step.body) init.body = step.body;
    return page.evaluate(async ({ url, init }) => {
      try {
        const r = await fetch(url, init);
        return { status: r.status };
      } catch (e) {
        return { error: String(e) };
      }
    }, { url: step.fetch, init });
  }
  if (step.xhr) {
    return page.evaluate(({ url, method, withCredentials, headers, body }) => new Promise((ok) => {
      const x = new XMLHttpRequest();
      x.open(method, url);
      x.withCredentials = withCredentials;
      for (const [k, v] of Object.entries(headers ?? {})) x.setRequestHeader(k, v);
      x.onload = () => ok({ status: x.status });
      x.onerror = () => ok({ error: 'xhr error' });
      x.send(body ?? null);
    }), { url: step.xhr, method: step.method ?? 'GET', withCredentials: !!step.withCredentials, headers: step.headers, body: step.body });
  }
  if (step.img) {
    return page.evaluate((url) => new Promise((ok) => {
      const i = new Image();
      i.onload = () => ok({ loaded: true });
      i.onerror = () => ok({ loaded: false });
      setTimeout(() => ok({ timeout: true }), 3000);
      i.src = url;
    }), step.img);
  }
  if (step.iframe) {
    return page.evaluate((url) => new Promise((ok) => {
      const f = document.createElement('iframe');
      f.onload = () => ok({ loaded: true });
      setTimeout(() => ok({ timeout: true }), 3000);
      f.src = url;
      document.body.appendChild(f);
    }), step.iframe);
  }
  if (step.ws) {
    return page.evaluate((url) => new Promise((ok) => {
      const w = new WebSocket(url);
      let opened = false;
      w.onopen = () => { opened = true; };
      w.onclose = () => ok({ opened });
      w.onerror = () => ok({ opened, error: true });
      setTimeout(() => ok({ timeout: true }), 3000);
    }), step.ws);
  }
  if (step.wait) {
    await sleep(step.wait);
    return { waited: step.wait };
  }
  if (step.link || step.post) {
    const before = page.url();
    const nav = page.waitForURL((u) => u.href !== before, { waitUntil: 'load', timeout: 5000 }).then(() => ({ url: page.url() }), (e) => ({ error: String(e).split('\n')[0] }));
    await page.evaluate(({ url, post }) => {
      setTimeout(() => {
        if (!post) {
          location.href = url;
          return;
        }
        const f = document.createElement('form');
        f.method = 'POST';
        f.action = url;
        const i = document.createElement('input');
        i.type = 'hidden';
        i.name = 'doc';
        i.value = '1';
        f.appendChild(i);
        document.body.appendChild(f);
        f.submit();
      }, 0);
    }, { url: step.link ?? step.post, post: !!step.post });
    return nav;
  }
  throw new Error(`unknown step ${JSON.stringify(step)}`);
}

/** Collects CDP network events of one page. */
class Tap {
  constructor(session, index, clock) {
    this.session = session;
    this.index = index;
    this.events = [];
    const names = [
      'Network.requestWillBeSent', 'Network.requestWillBeSentExtraInfo', 'Network.responseReceivedExtraInfo',
      'Network.responseReceived', 'Network.loadingFailed', 'Network.webSocketCreated',
      'Network.webSocketHandshakeResponseReceived',
    ];
    for (const n of names) session.on(n, (p) => this.events.push({ n: n.slice(8), p, step: clock.step }));
  }
}

async function jarSnapshot(session) {
  const { cookies } = await session.send('Network.getAllCookies');
  return cookies.map((c) => ({ name: c.name, value: c.value, domain: c.domain, path: c.path, partition: c.partitionKey?.topLevelSite ?? null }));
}

/** Turns one page's events into request hops, in the order the requests started. */
function hopsOf(tap) {
  const byId = new Map();
  const order = [];
  const get = (id) => {
    if (!byId.has(id)) byId.set(id, { sent: [], reqExtra: [], respExtra: [], failed: null, ws: null, wsResponse: null });
    return byId.get(id);
  };
  for (const { n, p, step } of tap.events) {
    const r = get(p.requestId);
    if (n === 'requestWillBeSent') {
      r.sent.push({ url: p.request.url, method: p.request.method, type: p.type ?? null, step, wallTime: p.wallTime, initiator: p.initiator, id: p.requestId });
      order.push([p.requestId, r.sent.length - 1]);
    } else if (n === 'requestWillBeSentExtraInfo') r.reqExtra.push(p);
    else if (n === 'responseReceivedExtraInfo') r.respExtra.push(p);
    else if (n === 'loadingFailed') r.failed = p;
    else if (n === 'webSocketCreated') {
      r.ws = { url: p.url, step };
      order.push([p.requestId, 'ws']);
    } else if (n === 'webSocketHandshakeResponseReceived') r.wsResponse = p.response;
  }
  const hops = [];
  for (const [id, k] of order) {
    const r = byId.get(id);
    if (k === 'ws') {
      const extra = r.reqExtra[0];
      hops.push({
        step: r.ws.step,
        method: 'GET',
        url: r.ws.url,
        type: 'WebSocket',
        status: r.wsResponse?.status ?? null,
        associatedCookies: extra ? extra.associatedCookies : null,
        setCookieLines: setCookieLines(r.wsResponse?.headers),
        blockedCookies: [],
        exemptedCookies: [],
        failed: r.wsResponse ? null : { errorText: 'no handshake response' },
      });
      continue;
    }
    const s = r.sent[k];
    const isLast = k === r.sent.length - 1;
    const resp = r.respExtra[k];
    hops.push({
      step: s.step,
      method: s.method,
      url: s.url,
      type: s.type,
      status: resp?.statusCode ?? null,
      associatedCookies: r.reqExtra[k]?.associatedCookies ?? null,
      setCookieLines: setCookieLines(resp?.headers),
      blockedCookies: resp?.blockedCookies ?? [],
      exemptedCookies: resp?.exemptedCookies ?? [],
      failed: isLast && r.failed ? { errorText: r.failed.errorText, corsErrorStatus: r.failed.corsErrorStatus ?? null, blockedReason: r.failed.blockedReason ?? null } : null,
      // For completing the HAR (not part of the truth).
      raw: { id: s.id, wallTime: s.wallTime, initiator: s.initiator, requestHeaders: r.reqExtra[k]?.headers ?? null, responseHeaders: resp?.headers ?? null, statusText: null },
    });
  }
  return hops;
}

const headerList = (obj) => Object.entries(obj ?? {}).flatMap(([name, v]) => String(v).split('\n').map((value) => ({ name, value })));

/**
 * Completes Playwright's HAR where it holds less than a Chrome DevTools export would, from CDP's raw
 * headers, and marks every completed entry with `_crossjarCompletedFromCdp`:
 * - a response the page could not read (CORS failure) is recorded by Playwright with status -1, no
 *   response headers and only the provisional request headers; DevTools exports have the real ones;
 * - CORS preflights are not in Playwright's HAR at all; DevTools exports list them (`_resourceType`
 *   `preflight`) before the request they guard.
 */
function completeEntries(entries, raws) {
  const out = entries.map((e) => ({ ...e }));
  const used = new Set();
  const find = (h) => out.findIndex((e, i) => !used.has(i) && e.request.method === h.method && e.request.url === h.url);
  const byId = new Map();
  for (const h of raws) {
    if (h.method === 'OPTIONS' && h.type !== 'Document') continue;
    const i = find(h);
    if (i < 0) continue;
    used.add(i);
    if (h.id) byId.set(h.id, out[i]);
    const e = out[i];
    if (e.response.status === -1 && h.status !== null && h.requestHeaders && h.responseHeaders) {
      out[i] = {
        ...e,
        request: { ...e.request, headers: headerList(h.requestHeaders) },
        response: { ...e.response, status: h.status, statusText: '', headers: headerList(h.responseHeaders) },
        _crossjarCompletedFromCdp: 'request and response headers (Playwright drops them when the page may not read the response)',
      };
      if (h.id) byId.set(h.id, out[i]);
    }
  }
  for (const h of raws) {
    if (h.method !== 'OPTIONS' || h.type === 'Document' || !h.requestHeaders) continue;
    const guarded = byId.get(h.initiator?.requestId);
    if (!guarded) continue;
    const at = out.indexOf(guarded);
    out.splice(at, 0, {
      pageref: guarded.pageref,
      startedDateTime: new Date(h.wallTime * 1000).toISOString(),
      time: 0,
      request: { method: 'OPTIONS', url: h.url, httpVersion: 'HTTP/1.1', cookies: [], headers: headerList(h.requestHeaders), queryString: [], headersSize: -1, bodySize: 0 },
      response: { status: h.status ?? 0, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: headerList(h.responseHeaders), content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: 0 },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
      _resourceType: 'preflight',
      _initiator: { type: 'preflight', url: h.initiator?.url },
      _crossjarCompletedFromCdp: 'the whole entry (Playwright records no preflights)',
    });
  }
  return out;
}

/** The truth for one case, from its pages' events, the jar after every step and the server log. */
function buildTruth(c, mode, version, taps, jars, serverLog, raws) {
  const hops = taps.flatMap((t) => hopsOf(t).map((h) => ({ ...h, page: t.index })));
  raws.push(...hops.map((h) => ({ method: h.method, url: h.url, type: h.type, status: h.status, page: h.page, ...h.raw })));
  const norm = (u) => u.replace(/^wss:/, 'https:').replace(/^ws:/, 'http:');
  const used = new Set();
  const requests = hops.map((h) => {
    const before = jars[h.step];
    const after = jars[h.step + 1];
    let server = null;
    const si = serverLog.findIndex((l, i) => !used.has(i) && l.method === h.method && norm(l.url) === norm(h.url));
    if (si >= 0) {
      used.add(si);
      server = { cookie_names: serverLog[si].cookie === null ? [] : serverLog[si].cookie.split(';').map((p) => nameValue(p.trim()).name) };
    }
    const blockedByLine = new Map(h.blockedCookies.map((b) => [b.cookieLine, b]));
    const set_cookies = h.setCookieLines.map((line) => {
      const { name, value } = nameValue(line);
      const b = blockedByLine.get(line);
      if (b) return { name, line, outcome: 'blocked', reasons: b.blockedReasons };
      let outcome;
      if (isDeletion(line)) {
        const had = before.some((c2) => c2.name === name);
        const has = after.some((c2) => c2.name === name);
        outcome = had && !has ? 'deleted' : has ? 'ignored' : 'deleted-nothing';
      } else {
        outcome = after.some((c2) => c2.name === name && c2.value === value) ? 'stored' : 'ignored';
      }
      const exempt = h.exemptedCookies.find((e) => e.cookieLine === line);
      return { name, line, outcome, reasons: [], ...(exempt ? { exemption: exempt.exemptionReason } : {}) };
    });
    const cookies = h.associatedCookies === null ? null : h.associatedCookies.map((a) => ({
      name: a.cookie.name,
      domain: a.cookie.domain,
      path: a.cookie.path,
      partition: a.cookie.partitionKey?.topLevelSite ?? null,
      sent: a.blockedReasons.length === 0,
      reasons: a.blockedReasons,
      ...(a.exemptionReason && a.exemptionReason !== 'None' ? { exemption: a.exemptionReason } : {}),
    }));
    return {
      step: h.step,
      page: h.page,
      method: h.method,
      url: h.url,
      type: h.type,
      status: h.status,
      cookies,
      server,
      set_cookies,
      failure: h.failed,
    };
  });
  return {
    case: c.name,
    mode,
    description: c.description,
    chromium: version,
    steps: c.steps,
    requests,
    jar_after: jars[jars.length - 1],
  };
}

async function recordMode(opts, mode, cases, cert, outDir, tmp, group) {
  // One server (and browser) per mode and group, so that they can record at the same time.
  const server = new TestServer(cert);
  await server.listen();
  const profile = fs.mkdtempSync(path.join(tmp, `profile-${mode.id}-${group}-`));
  fs.mkdirSync(path.join(profile, 'Default'));
  fs.writeFileSync(path.join(profile, 'Default', 'Preferences'), JSON.stringify({ profile: { cookie_controls_mode: mode.cookieControlsMode } }));
  const harPath = path.join(tmp, `${mode.id}-${group}.har`);
  const rules = [
    ...HOSTS.flatMap((h) => [`MAP ${h}:443 127.0.0.1:${server.httpsPort}`, `MAP ${h}:80 127.0.0.1:${server.httpPort}`]),
    'MAP * ~NOTFOUND',
  ].join(', ');
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: opts.chromium,
    recordHar: { path: harPath, content: 'omit' },
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-site-isolation-trials',
      // HttpsUpgrades: Chrome would otherwise upgrade http:// navigations to https:// (the test server
      // answers both), and the http cases would never be http.
      '--disable-features=IsolateOrigins,site-per-process,HttpsUpgrades,HttpsFirstBalancedModeAutoEnable',
      `--host-resolver-rules=${rules}`, `--ignore-certificate-errors-spki-list=${cert.spki}`,
    ],
  });
  const version = ctx.browser()?.version() ?? execFileSync(opts.chromium, ['--version']).toString().trim().replace(/^\D+/, '').split(' ')[0];
  // One page stays open all along: closing a context's last page ends the browsing session, and
  // Chromium then drops every session cookie.
  const keeper = ctx.pages()[0] ?? (await ctx.newPage());
  const pagesOfCase = new Map();
  const rawsOfCase = new Map();
  const truths = new Map();
  const runCase = async (c) => {
    const t0 = Date.now();
    await ctx.clearCookies();
    server.setRoutes(c.routes);
    const taps = [];
    const guids = [];
    let page = null;
    let session = null;
    const jars = [];
    const results = [];
    const clock = { step: 0 };
    const open = async () => {
      const p = await ctx.newPage();
      const s = await ctx.newCDPSession(p);
      await s.send('Network.enable');
      await s.send('Network.setCacheDisabled', { cacheDisabled: true });
      taps.push(new Tap(s, taps.length, clock));
      guids.push(p._guid);
      return [p, s];
    };
    [page, session] = await open();
    jars.push(await jarSnapshot(session));
    if (jars[0].length) throw new Error(`${mode.id}/${c.name}: the jar was not empty at the start`);
    for (let i = 0; i < c.steps.length; i++) {
      clock.step = i;
      const step = c.steps[i];
      if (step.goto) {
        if (page.url() !== 'about:blank') {
          const old = page;
          [page, session] = await open();
          await old.close();
        }
        const resp = await page.goto(step.goto, { waitUntil: 'load' }).catch((e) => ({ error: String(e).split('\n')[0] }));
        results.push(resp?.error ? { error: resp.error } : { status: resp?.status() ?? null });
      } else {
        results.push(await runStep(page, step));
      }
      await sleep(100);
      jars.push(await jarSnapshot(session));
    }
    await page.close();
    await sleep(50);
    const raws = [];
    const truth = buildTruth(c, mode.id, version, taps, jars, server.log, raws);
    rawsOfCase.set(c.name, raws);
    truth.step_results = results;
    truths.set(c.name, truth);
    pagesOfCase.set(c.name, new Set(guids));
    if (process.env.VERBOSE) console.log(`${mode.id}/${c.name}: ${Date.now() - t0} ms`);
    return results;
  };
  // A step that timed out (an image, frame or socket that never settled: a loaded machine) would
  // leave a partial truth: run the case once more, then give up loudly rather than record it.
  const timedOut = (results) => results.some((r) => r?.timeout);
  for (const c of cases) {
    if (timedOut(await runCase(c)) && timedOut(await runCase(c))) {
      throw new Error(`${mode.id}/${c.name}: a step timed out twice; nothing recorded`);
    }
  }
  await keeper.close();
  await ctx.close();
  const har = JSON.parse(fs.readFileSync(harPath, 'utf8'));
  for (const c of cases) {
    const ids = pagesOfCase.get(c.name);
    const dir = path.join(outDir, mode.id, c.name);
    fs.mkdirSync(dir, { recursive: true });
    const pages = har.log.pages.filter((p) => ids.has(p.id));
    const entries = har.log.entries.filter((e) => ids.has(e.pageref));
    // As Playwright wrote it (what users of recordHar bring): failed requests with status -1 and
    // `_failureText`, provisional request headers, no preflights.
    fs.writeFileSync(path.join(dir, 'playwright.har'), JSON.stringify({ log: { ...har.log, pages, entries } }) + '\n');
    // Completed from CDP where a Chrome DevTools export holds more (completeEntries copies, never edits).
    const log = { ...har.log, pages, entries: completeEntries(entries, rawsOfCase.get(c.name)) };
    fs.writeFileSync(path.join(dir, 'capture.har'), JSON.stringify({ log }) + '\n');
    fs.writeFileSync(path.join(dir, 'truth.json'), JSON.stringify(truths.get(c.name), null, 1) + '\n');
  }
  fs.rmSync(profile, { recursive: true, force: true });
  server.close();
  console.log(`browser-conformance: ${mode.id}: ${cases.length} ${group} cases recorded`);
  return version;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crossjar-browser-'));
  try {
    const cert = makeCertificates(tmp);
    let cases = allCases();
    if (opts.only) cases = cases.filter((c) => c.name.includes(opts.only));
    for (const mode of MODES) fs.rmSync(path.join(opts.out, mode.id), { recursive: true, force: true });
    // The two modes run side by side (two browsers, two servers): about half the wall time. Cases
    // that wait (Chrome's two-minute Lax-allowing-unsafe window) run in a browser of their own beside
    // them, so their wait costs no extra wall time.
    const slow = cases.filter((c) => c.steps.some((s) => s.wait));
    const fast = cases.filter((c) => !slow.includes(c));
    const runs = [];
    for (const mode of MODES) {
      runs.push(recordMode(opts, mode, fast, cert, opts.out, tmp, 'quick'));
      if (slow.length) runs.push(recordMode(opts, mode, slow, cert, opts.out, tmp, 'waiting'));
    }
    const versions = await Promise.all(runs);
    const version = versions[0];
    fs.writeFileSync(path.join(opts.out, 'VERSION'), `chromium ${version}\nplaywright-core ${JSON.parse(fs.readFileSync(new URL('./node_modules/playwright-core/package.json', import.meta.url))).version}\n`);
    console.log(`browser-conformance: ${cases.length * MODES.length} recordings of Chromium ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`browser-conformance: ${e.stack ?? e}`);
  process.exit(1);
});
