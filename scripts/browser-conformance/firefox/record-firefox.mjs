// Records what headless Firefox does with cookies and CORS, case by case, as truth for crossjar's
// `firefox` profile.
//
//   node record-firefox.mjs OUTDIR [--firefox PATH] [--only SUBSTRING]
//
// Uses the Chromium harness's cases (../cases.mjs), the Firefox-only cases of cases-firefox.mjs and
// the test server (../server.mjs). For each case it
// writes OUTDIR/firefox/<case>/capture.json (what the server received, per request with the names in
// its Cookie header, and what the page could observe: fetch/XHR outcomes, readable headers) and
// capture.har (a HAR built from what the server received and sent, for crossjar's `har` replay), plus
// OUTDIR/firefox/VERSION.
//
// There is no CDP for Firefox: the truth is what the server got and what the page could read.
//
// Mechanisms (checked with Debian firefox-esr 153.7.0esr and puppeteer-core 25.16.0):
// - Driving: puppeteer-core speaks WebDriver BiDi to Firefox (`browser: 'firefox'`); no browser
//   download, no geckodriver.
// - Hostnames: Firefox has no --host-resolver-rules. Every request goes to a manual HTTP proxy on
//   loopback (the test server's own HTTP listener): plain http:// requests arrive with absolute URLs,
//   https:// and wss:// as CONNECT tunnels that the proxy pipes to the HTTPS listener. Firefox does no
//   DNS for proxied URLs; the proxy refuses every host that is not a test host (nothing leaves the
//   machine), and URLs keep their default ports.
// - TLS: a throw-away CA made with the openssl CLI per run, imported into the fresh profile's NSS
//   database with certutil (libnss3-tools); the connection counts as secure.
// - Third-party cookies: Firefox's default, Enhanced Tracking Protection "standard" with Total Cookie
//   Protection (network.cookie.cookieBehavior = 5). puppeteer's profile template switches that off
//   (`browser.contentblocking.features.standard` = `...cookieBehavior0...`), so the recorder sets it
//   back to cookieBehavior5.
// - http cases: HTTPS-First (dom.security.https_first) would upgrade http:// navigations; it is off,
//   as the Chromium harness turns off HttpsUpgrades.
// - Isolation: every case runs in a fresh browser context (a Firefox user context: its own cookie jar,
//   partitions included), removed afterwards.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { allCases, HOSTS } from '../cases.mjs';
import { TestServer } from '../server.mjs';
import { firefoxCases } from './cases-firefox.mjs';

const MODE = 'firefox';

function parseArgs(argv) {
  const opts = { out: null, firefox: '/usr/bin/firefox-esr', only: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--firefox') opts.firefox = argv[++i];
    else if (a === '--only') opts.only = argv[++i];
    else if (!opts.out) opts.out = a;
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!opts.out) throw new Error('usage: node record-firefox.mjs OUTDIR [--firefox PATH] [--only SUBSTRING]');
  return opts;
}

/** A throw-away CA and a leaf for every test host. */
function makeCertificates(dir) {
  const run = (args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=crossjar throw-away test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=crossjar test hosts']);
  const san = HOSTS.map((h) => `DNS:${h}`).join(',');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  run(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'leaf.pem', '-days', '2', '-extfile', 'ext.cnf']);
  const cert = Buffer.concat([fs.readFileSync(path.join(dir, 'leaf.pem')), fs.readFileSync(path.join(dir, 'ca.pem'))]);
  return { key: fs.readFileSync(path.join(dir, 'leaf.key')), cert, caPath: path.join(dir, 'ca.pem') };
}

/** [name, value] pairs from Node's flat rawHeaders or a writeHead argument. */
function headerPairs(h) {
  if (!h) return [];
  if (Array.isArray(h)) {
    const out = [];
    for (let i = 0; i + 1 < h.length; i += 2) out.push([String(h[i]), String(h[i + 1])]);
    return out;
  }
  return Object.entries(h).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]));
}

/**
 * The test server, also a forward proxy for Firefox, keeping per request its raw request headers and
 * the status and headers it answered with (for the HAR). Hosts that are not test hosts are refused and
 * counted, never logged as case traffic.
 */
class FirefoxServer extends TestServer {
  constructor(cert) {
    super(cert);
    this.refused = new Map();
    this.http.on('connect', (req, socket, head) => this.tunnel(req, socket, head));
  }

  refuse(host) {
    this.refused.set(host, (this.refused.get(host) ?? 0) + 1);
  }

  tunnel(req, socket, head) {
    socket.on('error', () => {});
    const [host, port] = req.url.split(':');
    if (!HOSTS.includes(host) || !['443', '80'].includes(port)) {
      this.refuse(host);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const upstream = net.connect(port === '443' ? this.httpsPort : this.httpPort, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head?.length) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on('error', () => socket.destroy());
  }

  hostOf(req, secure) {
    try {
      return new URL(req.url, `${secure ? 'https' : 'http'}://${req.headers.host}`).hostname;
    } catch {
      return '';
    }
  }

  record(req, secure) {
    const r = super.record(req, secure);
    const entry = this.log[this.log.length - 1];
    entry.requestHeaders = headerPairs(req.rawHeaders).filter(([k]) => !/^proxy-/i.test(k));
    entry.httpVersion = `HTTP/${req.httpVersion}`;
    entry.time = Date.now();
    req.crossjarEntry = entry;
    return r;
  }

  handle(req, res, secure) {
    const host = this.hostOf(req, secure);
    if (!HOSTS.includes(host)) {
      this.refuse(host);
      res.writeHead(403);
      res.end();
      return;
    }
    const writeHead = res.writeHead.bind(res);
    res.writeHead = (status, headers) => {
      if (req.crossjarEntry) {
        req.crossjarEntry.status = status;
        req.crossjarEntry.responseHeaders = headerPairs(headers);
      }
      return writeHead(status, headers);
    };
    super.handle(req, res, secure);
  }

  upgrade(req, socket, secure) {
    const host = this.hostOf(req, secure);
    if (!HOSTS.includes(host)) {
      this.refuse(host);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    const write = socket.write.bind(socket);
    let first = true;
    socket.write = (data, ...rest) => {
      if (first && req.crossjarEntry) {
        first = false;
        const lines = String(data).split('\r\n\r\n')[0].split('\r\n');
        req.crossjarEntry.status = Number(lines[0].split(' ')[1]) || 0;
        req.crossjarEntry.responseHeaders = lines.slice(1).map((l) => {
          const i = l.indexOf(':');
          return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
        });
      }
      return write(data, ...rest);
    };
    super.upgrade(req, socket, secure);
  }
}

const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** Runs one non-`goto` step in the current page; returns what the page could observe. */
async function runStep(page, step) {
  if (step.fetch) {
    const init = { method: step.method ?? 'GET' };
    if (step.credentials) init.credentials = step.credentials;
    if (step.headers) init.headers = step.headers;
    if (step.body) init.body = step.body;
    return page.evaluate(async (url, init) => {
      try {
        const r = await fetch(url, init);
        return { readable: true, status: r.status, ok: r.ok, headers: [...r.headers.keys()].sort() };
      } catch (e) {
        return { readable: false, error: String(e) };
      }
    }, step.fetch, init);
  }
  if (step.xhr) {
    return page.evaluate((url, method, withCredentials, headers, body) => new Promise((ok) => {
      const x = new XMLHttpRequest();
      x.open(method, url);
      x.withCredentials = withCredentials;
      for (const [k, v] of Object.entries(headers ?? {})) x.setRequestHeader(k, v);
      x.onload = () => ok({
        readable: true,
        status: x.status,
        headers: x.getAllResponseHeaders().trim().split(/\r?\n/).filter(Boolean).map((l) => l.split(':')[0].trim().toLowerCase()).sort(),
      });
      x.onerror = () => ok({ readable: false, error: 'xhr error' });
      x.send(body ?? null);
    }), step.xhr, step.method ?? 'GET', !!step.withCredentials, step.headers ?? null, step.body ?? null);
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
    const nav = page.waitForNavigation({ waitUntil: 'load', timeout: 5000 }).then(() => ({ url: page.url() }), (e) => ({ error: String(e).split('\n')[0] }));
    await page.evaluate((url, post) => {
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
    }, step.link ?? step.post, !!step.post);
    return nav;
  }
  throw new Error(`unknown step ${JSON.stringify(step)}`);
}

function cookieNames(header) {
  if (header === null || header === undefined) return [];
  return header.split(';').map((p) => p.trim()).filter(Boolean).map((p) => {
    const i = p.indexOf('=');
    return i < 0 ? '' : p.slice(0, i).trim();
  });
}

const harHeaders = (pairs) => (pairs ?? []).map(([name, value]) => ({ name, value }));

/**
 * The HAR for one case, from what the server received and sent, in arrival order: one HAR page per
 * `goto` (a new tab), as a DevTools export has. A fetch/XHR that never reached the server (a failed
 * preflight stopped it) is added from the case definition with status 0 and no response, as browsers
 * export such requests, and marked `_crossjarFromCaseDefinition`.
 */
function buildHar(version, pages, requests, missing) {
  const entries = requests.map((r) => {
    const loc = (r.responseHeaders ?? []).find(([k]) => k.toLowerCase() === 'location')?.[1] ?? '';
    const ct = (r.responseHeaders ?? []).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
    return {
      pageref: r.pageref,
      startedDateTime: new Date(r.time).toISOString(),
      time: 0,
      request: { method: r.method, url: r.url, httpVersion: r.httpVersion, cookies: [], headers: harHeaders(r.requestHeaders), queryString: [], headersSize: -1, bodySize: -1 },
      response: {
        status: r.status ?? 0, statusText: '', httpVersion: r.httpVersion, cookies: [], headers: harHeaders(r.responseHeaders),
        content: { size: 0, mimeType: ct }, redirectURL: loc ? new URL(loc, r.url).href : '', headersSize: -1, bodySize: -1,
      },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
      _crossjarStep: r.step,
    };
  });
  for (const m of missing) {
    // After everything the server received for its step (its preflight), before the next step.
    let at = requests.findIndex((r) => r.step > m.step);
    if (at >= 0) at = entries.indexOf(entries.filter((e) => e._crossjarStep !== undefined)[at]);
    const before = at < 0 ? entries[entries.length - 1] : entries[at - 1];
    const time = Math.max(m.time, before ? Date.parse(before.startedDateTime) + 1 : m.time);
    const e = {
      pageref: m.pageref,
      startedDateTime: new Date(time).toISOString(),
      time: 0,
      request: { method: m.method, url: m.url, httpVersion: 'HTTP/1.1', cookies: [], headers: harHeaders(m.requestHeaders), queryString: [], headersSize: -1, bodySize: -1 },
      response: { status: 0, statusText: '', httpVersion: '', cookies: [], headers: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
      cache: {},
      timings: { send: 0, wait: 0, receive: 0 },
      _crossjarFromCaseDefinition: 'the request never reached the server (its preflight failed); method, URL and the headers the page set come from the case',
    };
    if (at < 0) entries.push(e);
    else entries.splice(at, 0, e);
  }
  for (const e of entries) delete e._crossjarStep;
  return {
    log: {
      version: '1.2',
      creator: { name: 'Firefox', version },
      browser: { name: 'Firefox', version },
      pages: pages.map((p) => ({ id: p.id, title: p.url, startedDateTime: new Date(p.time).toISOString(), pageTimings: {} })),
      entries,
      comment: 'built by scripts/browser-conformance/firefox/record-firefox.mjs from what the test server received and sent',
    },
  };
}

/**
 * The registrable domain of a test host: every test host's is its last two labels (kontext.build,
 * coinnation.io, example.com), so no public suffix list is needed here.
 */
const siteOf = (host) => host.split('.').slice(-2).join('.');

/**
 * The request a fetch/XHR step makes, for one that never reached the server: the headers the page set
 * and those Firefox adds to every CORS request (`Origin`, `Sec-Fetch-*`). Not observed: rebuilt.
 */
function requestOfStep(step, pageUrl, time, pageref) {
  const url = step.fetch ?? step.xhr;
  const from = new URL(pageUrl);
  const to = new URL(url);
  const fetchSite = from.origin === to.origin ? 'same-origin' : siteOf(from.hostname) === siteOf(to.hostname) ? 'same-site' : 'cross-site';
  const headers = [['Origin', from.origin]];
  for (const [k, v] of Object.entries(step.headers ?? {})) headers.push([k, v]);
  headers.push(['Sec-Fetch-Dest', 'empty'], ['Sec-Fetch-Mode', 'cors'], ['Sec-Fetch-Site', fetchSite]);
  return { method: step.method ?? 'GET', url, requestHeaders: headers, time, pageref };
}

async function jarNames(context) {
  try {
    const cookies = await context.cookies();
    return cookies.map((c) => ({ name: c.name, domain: c.domain, path: c.path, partition: c.partitionKey?.sourceOrigin ?? c.partitionKey ?? null })).sort((a, b) => `${a.name}${a.domain}`.localeCompare(`${b.name}${b.domain}`));
  } catch (e) {
    return { error: String(e).split('\n')[0] };
  }
}

async function recordGroup(opts, cases, cert, outDir, tmp, group) {
  const server = new FirefoxServer(cert);
  await server.listen();
  const profile = fs.mkdtempSync(path.join(tmp, `profile-${group}-`));
  execFileSync('certutil', ['-N', '-d', `sql:${profile}`, '--empty-password'], { stdio: 'pipe' });
  execFileSync('certutil', ['-A', '-n', 'crossjar throw-away test CA', '-t', 'C,,', '-i', cert.caPath, '-d', `sql:${profile}`], { stdio: 'pipe' });
  const prefs = {
    // Firefox's own default (Total Cookie Protection); puppeteer's template sets cookieBehavior0.
    'browser.contentblocking.features.standard': '-tp,tpPrivate,cookieBehavior5,cookieBehaviorPBM5,-cryptoTP,-fp',
    'browser.contentblocking.category': 'standard',
    'network.cookie.cookieBehavior': 5,
    // Every request through the loopback proxy; no DNS, no other traffic.
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': server.httpPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': server.httpPort,
    'network.proxy.share_proxy_settings': true,
    'network.proxy.no_proxies_on': '',
    'network.proxy.allow_hijacking_localhost': true,
    'network.dns.localDomains': HOSTS.join(','),
    'network.dns.disablePrefetch': true,
    'network.trr.mode': 5,
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.http.http3.enable': false,
    'security.OCSP.enabled': 0,
    'security.remote_settings.crlite_filters.enabled': false,
    // Keep http:// as http:// (the Chromium harness turns HttpsUpgrades off the same way).
    'dom.security.https_first': false,
    'dom.security.https_first_schemeless': false,
    'browser.cache.disk.enable': false,
    'browser.cache.memory.enable': false,
  };
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: opts.firefox,
    headless: true,
    args: ['--profile', profile],
    extraPrefsFirefox: prefs,
    protocolTimeout: 30000,
  });
  const version = (await browser.version()).replace(/^firefox\//i, '');
  const results = new Map();
  const runCase = async (c) => {
    const context = await browser.createBrowserContext();
    server.setRoutes(c.routes);
    const pages = [];
    const stepStart = [];
    const observations = [];
    const missing = [];
    let page = null;
    for (let i = 0; i < c.steps.length; i++) {
      const step = c.steps[i];
      stepStart.push(server.log.length);
      const t = Date.now();
      if (step.goto) {
        const fresh = await context.newPage();
        if (page) await page.close();
        page = fresh;
        pages.push({ id: `page_${pages.length + 1}`, url: step.goto, time: t, step: i });
        const resp = await page.goto(step.goto, { waitUntil: 'load', timeout: 10000 }).catch((e) => ({ error: String(e).split('\n')[0] }));
        observations.push(resp?.error ? { error: resp.error } : { status: resp?.status() ?? null });
      } else {
        const pageUrl = page.url();
        const seen = server.log.length;
        const obs = await runStep(page, step);
        observations.push(obs);
        if ((step.fetch || step.xhr) && obs.readable === false) {
          const url = step.fetch ?? step.xhr;
          const method = step.method ?? 'GET';
          const reached = server.log.slice(seen).some((l) => l.method === method && l.url === url);
          if (!reached) missing.push({ ...requestOfStep(step, pageUrl, t + 1, pages[pages.length - 1].id), step: i });
        }
      }
      await sleep(60);
    }
    const jar = await jarNames(context);
    if (page) await page.close();
    await context.close();
    stepStart.push(server.log.length);
    const requests = server.log.map((l, i) => {
      const step = stepStart.findIndex((s, k) => i >= s && i < stepStart[k + 1]);
      const pageIdx = pages.filter((p) => p.step <= step).length - 1;
      return { ...l, step, pageref: pages[Math.max(pageIdx, 0)]?.id ?? 'page_1' };
    });
    const truth = {
      case: c.name,
      mode: MODE,
      description: c.description,
      firefox: version,
      steps: c.steps,
      step_results: observations,
      requests: requests.map((r) => ({
        step: r.step,
        page: r.pageref,
        method: r.method,
        url: r.url,
        status: r.status ?? null,
        cookie_names: cookieNames(r.cookie),
        set_cookie_names: (r.responseHeaders ?? []).filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => cookieNames(v.split(';')[0])[0]),
      })),
      not_reaching_server: missing.map((m) => ({ step: m.step, page: m.pageref, method: m.method, url: m.url })),
      jar_after: jar,
    };
    results.set(c.name, { truth, har: buildHar(version, pages, requests, missing) });
    return observations;
  };
  const timedOut = (obs) => obs.some((r) => r?.timeout);
  for (const c of cases) {
    const t0 = Date.now();
    if (timedOut(await runCase(c)) && timedOut(await runCase(c))) {
      throw new Error(`${MODE}/${c.name}: a step timed out twice; nothing recorded`);
    }
    if (process.env.VERBOSE) console.log(`${MODE}/${c.name}: ${Date.now() - t0} ms`);
  }
  await browser.close();
  server.close();
  for (const [name, { truth, har }] of results) {
    const dir = path.join(outDir, MODE, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'capture.json'), JSON.stringify(truth, null, 1) + '\n');
    fs.writeFileSync(path.join(dir, 'capture.har'), JSON.stringify(har) + '\n');
  }
  const refused = [...server.refused.entries()].map(([h, n]) => `${h || '?'} x${n}`).join(', ');
  console.log(`browser-conformance: ${MODE}: ${cases.length} ${group} cases recorded${refused ? `; refused other hosts: ${refused}` : ''}`);
  return version;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'crossjar-firefox-'));
  try {
    const cert = makeCertificates(tmp);
    let cases = [...allCases(), ...firefoxCases()];
    if (new Set(cases.map((c) => c.name)).size !== cases.length) throw new Error('duplicate case names');
    if (opts.only) cases = cases.filter((c) => c.name.includes(opts.only));
    // Cases that wait (Chrome's two-minute Lax-allowing-unsafe window) run in a browser of their own
    // beside the others, so their wait costs no extra wall time.
    const slow = cases.filter((c) => c.steps.some((s) => s.wait));
    const fast = cases.filter((c) => !slow.includes(c));
    // Recorded into a staging directory and moved into OUTDIR only when every case succeeded, so a
    // browser that fails to start or a run that breaks off leaves the previous recordings in place.
    const stage = path.join(tmp, 'stage');
    const runs = [recordGroup(opts, fast, cert, stage, tmp, 'quick')];
    if (slow.length) runs.push(recordGroup(opts, slow, cert, stage, tmp, 'waiting'));
    const [version] = await Promise.all(runs);
    const pkg = JSON.parse(fs.readFileSync(new URL('./node_modules/puppeteer-core/package.json', import.meta.url)));
    fs.writeFileSync(path.join(stage, MODE, 'VERSION'), `firefox ${version}\npuppeteer-core ${pkg.version} (WebDriver BiDi)\n`);
    fs.rmSync(path.join(opts.out, MODE), { recursive: true, force: true });
    fs.cpSync(path.join(stage, MODE), path.join(opts.out, MODE), { recursive: true });
    console.log(`browser-conformance: ${cases.length} recordings of Firefox ${version} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`browser-conformance: ${e.stack ?? e}`);
  process.exit(1);
});
