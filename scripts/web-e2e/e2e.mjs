// End-to-end: start `crossjar serve --port 0`, open the page in headless Chromium, drop the seed HAR
// and check what a person would see. Run through run.sh (which builds crossjar and skips without
// Chromium). Environment: CROSSJAR_BIN, CHROMIUM, CROSSJAR_E2E_SCREENSHOT.
// The first screen (1280×800) after an upload must show the verdict matrix and the first findings
// (issue #15): checked on the seed HAR, and on the public nytimes capture when ../shared has it.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.resolve(root, process.env.CROSSJAR_BIN || 'target/debug/crossjar');
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
const shot = path.resolve(root, process.env.CROSSJAR_E2E_SCREENSHOT || 'target/web-e2e/screenshot.png');
const ingressShot = shot.replace(/(\.png)?$/, '-ingress.png');
const fixture = path.join(root, 'fixtures/har/seed-a-default-credentials.har');
const nytimes = path.join(root, '../shared/samples/har/www.nytimes.com.har');

let checks = 0;
function check(ok, what) {
  if (!ok) throw new Error('check failed: ' + what);
  checks++;
}

/** The value of the `route` Set-Cookie in the fixture, to prove it is hidden until asked for. */
function routeValue(har) {
  for (const e of har.log.entries) {
    for (const h of e.response.headers) {
      const m = /^route=([^;]*)/.exec(h.value);
      if (h.name.toLowerCase() === 'set-cookie' && m) return m[1];
    }
  }
  throw new Error('the fixture has no route Set-Cookie');
}

function startServer(extra = []) {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['serve', '--port', '0', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => reject(new Error('crossjar serve printed no URL within 30 s')), 30000);
    child.on('error', (e) => reject(new Error(`cannot start ${bin}: ${e.message}`)));
    child.on('exit', (code) => reject(new Error(`crossjar serve exited (${code}) before serving`)));
    child.stdout.on('data', (d) => {
      out += d;
      const m = /crossjar: serving on (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
  });
}

/** The first screen, 1280×800, right after uploading `file`: the verdict matrix and the first findings
 *  are on it (nothing to scroll to), the details are folded, and the page stays short. */
async function firstScreen(context, url, file, expect) {
  const p = await context.newPage();
  const problems = [];
  p.on('console', (m) => m.type() === 'error' && problems.push('console: ' + m.text()));
  p.on('pageerror', (e) => problems.push('page error: ' + e.message));
  try {
    await p.setViewportSize({ width: 1280, height: 800 });
    await p.goto(url);
    await p.setInputFiles('#har-file', file);
    await p.waitForSelector('#verdict table.verdict-matrix', { timeout: 120000 });
    const name = path.basename(file);
    const layout = await p.evaluate(() => {
      const box = (e) => e && e.getBoundingClientRect();
      return {
        scrollY: window.scrollY,
        height: document.documentElement.scrollHeight,
        matrix: box(document.querySelector('#verdict table.verdict-matrix')),
        findings: Array.from(document.querySelectorAll('#findings > article.finding')).map((e) => box(e)),
      };
    });
    check(layout.scrollY === 0, `${name}: the page is not scrolled`);
    check(layout.matrix.top >= 0 && layout.matrix.bottom <= 800, `${name}: the verdict matrix is within the first 800 px (${Math.round(layout.matrix.bottom)})`);
    const first = layout.findings.slice(0, expect.findingsOnScreen);
    check(first.length === expect.findingsOnScreen, `${name}: ${expect.findingsOnScreen} top findings (${layout.findings.length})`);
    for (const [i, b] of first.entries()) {
      check(b.bottom <= 800, `${name}: top finding ${i + 1} is within the first 800 px (${Math.round(b.bottom)})`);
    }
    check(layout.height <= expect.maxHeight, `${name}: the page is ${layout.height} px high, at most ${expect.maxHeight} with the details folded`);
    for (const id of ['details-requests', 'details-story']) {
      check(!(await p.locator('#' + id).evaluate((d) => d.open)), `${name}: #${id} is folded`);
    }
    const rows = await p.locator('#verdict tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.cookie + '@' + tr.dataset.host));
    check(rows.length > 0 && rows.every(expect.inFocus), `${name}: the verdict rows are the cookies in focus: ${rows.join(', ')}`);
    check((await p.locator('#findings > article[data-rule="third-party-vendor"]').count()) === 0, `${name}: no vendor finding among the top findings`);
    check((await p.locator('#findings-vendors article[data-rule="third-party-vendor"]').count()) >= expect.vendors,
      `${name}: the vendor findings fold under “Third-party vendors”`);
    const shown = await p.locator('main').innerText();
    check(!/\bnull\b|undefined|\[object/.test(shown), `${name}: no rendering slips on the first screen`);
    check(problems.length === 0, `${name}: no console errors or CSP violations: ${problems.join(' | ')}`);
    await p.screenshot({ path: shot.replace(/(\.png)?$/, `-first-${name.replace(/\W+/g, '-')}.png`) });
    console.log(`web-e2e: ${name}: page ${layout.height} px high; matrix ends at ${Math.round(layout.matrix.bottom)} px, ` +
      `findings at ${layout.findings.slice(0, 3).map((b) => Math.round(b.bottom)).join(', ')} px`);
  } finally {
    await p.close();
  }
}

async function main() {
  const { child, url } = await startServer();
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'crossjar-e2e-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    const problems = [];
    page.on('console', (m) => m.type() === 'error' && problems.push('console: ' + m.text()));
    page.on('pageerror', (e) => problems.push('page error: ' + e.message));
    // Nothing may leave the machine: every request goes to the crossjar server.
    page.on('request', (r) => !r.url().startsWith(url) && problems.push('request elsewhere: ' + r.url()));

    await page.goto(url);
    check((await page.title()).startsWith('crossjar'), 'the page loads');
    const unlabelled = await page.$$eval('input, select, textarea', (els) =>
      els.filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id || e.outerHTML)
    );
    check(unlabelled.length === 0, 'every form control has a label: ' + unlabelled.join(', '));

    // Drop the fixture onto the drop zone, as a person dragging it from a file manager would.
    const text = fs.readFileSync(fixture, 'utf8');
    const value = routeValue(JSON.parse(text));
    await page.evaluate(
      ({ name, text }) => {
        const dt = new DataTransfer();
        dt.items.add(new File([text], name, { type: 'application/json' }));
        const drop = document.getElementById('drop');
        for (const type of ['dragenter', 'dragover', 'drop']) {
          drop.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: dt }));
        }
      },
      { name: path.basename(fixture), text }
    );
    await page.waitForSelector('table.verdict-matrix', { timeout: 30000 });
    const verdictRow = page.locator('#verdict tbody tr[data-cookie="route"]');
    check((await verdictRow.count()) === 1, 'the verdict has a row for route');
    check((await verdictRow.locator('td[data-browser="chrome"]').innerText()).includes('never stored'), 'the verdict: route never stored in chrome');
    check(await page.locator('#summary').isHidden(), 'every request folds under Details');
    // The row's link opens the cookie's requests.
    await verdictRow.locator('th a').click();
    check(await page.locator('#summary').isVisible(), 'the verdict row opens every request of its cookie');

    const card = page.locator('#summary article').filter({ has: page.locator('h3', { hasText: 'route' }) });
    check((await card.count()) === 1, 'one summary card for route');
    const header = await card.locator('thead').innerText();
    for (const b of ['chrome', 'chrome-3pc-blocked', 'firefox', 'safari']) check(header.includes(b), 'matrix column ' + b);

    // The first cross-site fetch: the route cookie is not stored, because credentials were not included.
    const fetchRow = card.locator('tbody tr').filter({ hasText: 'cross-site' }).filter({ hasText: ' fetch' }).first();
    check((await fetchRow.count()) === 1, 'a cross-site fetch row');
    for (const b of ['chrome', 'firefox', 'safari']) {
      const cell = fetchRow.locator(`button.cell[data-browser="${b}"]`);
      const t = await cell.innerText();
      check(t.includes('⊘') && t.includes('blocked'), `${b}: route blocked on the fetch (symbol and word): ${t}`);
      check(t.includes('CredentialsNotIncluded'), `${b}: the reason CredentialsNotIncluded is visible: ${t}`);
      check(!t.includes(value), `${b}: no value before the toggle`);
    }
    // Not stored, so never sent: the later requests to the host show the cookie absent from the jar.
    check((await card.locator('tbody').innerText()).includes('not in jar'), 'later requests: not in jar');

    // Keyboard: focus the chrome cell and press Enter to see every reason.
    const chromeCell = fetchRow.locator('button.cell[data-browser="chrome"]');
    await chromeCell.focus();
    await page.keyboard.press('Enter');
    const detail = card.locator('.detail');
    await detail.waitFor({ state: 'visible' });
    const detailText = await detail.innerText();
    check(detailText.includes('CredentialsNotIncluded') && detailText.includes('SameSiteUnspecifiedTreatedAsLax'),
      'the detail lists every reason: ' + detailText);
    check(!/null|undefined|\[object/.test(detailText), 'no rendering slips in the detail: ' + detailText);

    // The finding, its fix, and the rule's explanation fetched from the server.
    const finding = page.locator('#findings > article[data-rule="credentials-not-included"]');
    check((await finding.count()) === 1, 'the credentials-not-included finding, among the top findings');
    check(await finding.locator('.fixes').isHidden(), 'a top finding shows one line; its fixes fold');
    await finding.locator('details.finding-fold > summary').click();
    check((await finding.innerText()).includes("credentials: 'include'"), "the fix mentions credentials: 'include'");
    await finding.locator('.explain summary').click();
    await finding.locator('.doc h4', { hasText: 'What it detects' }).waitFor({ timeout: 10000 });
    check((await finding.locator('.doc pre code').count()) >= 1, 'the rule example renders as code');

    // The timeline tells the journey.
    await page.locator('#details-story > summary').click();
    const timeline = await page.locator('#timeline').innerText();
    check(/route set but blocked in chrome: CredentialsNotIncluded/.test(timeline), 'the timeline shows route set but blocked, and why');
    const whole = await page.locator('main').innerText();
    check(!whole.includes('[object') && !whole.includes('undefined'), 'no rendering slips ([object …], undefined)');

    // Values appear only after the toggle.
    check(!(await page.locator('body').innerText()).includes(value), 'no cookie value on the page before the toggle');
    await page.locator('#show-values').check();
    await page.waitForSelector('#summary code.value', { timeout: 30000 });
    const after = await fetchRow.locator('button.cell[data-browser="chrome"]').innerText();
    check(after.includes(value), 'the value appears after the toggle');
    await page.locator('#show-values').uncheck();
    await page.waitForSelector('#summary code.value', { state: 'detached', timeout: 30000 });
    check(!(await page.locator('body').innerText()).includes(value), 'the value is hidden again');

    fs.mkdirSync(path.dirname(shot), { recursive: true });
    await page.screenshot({ path: shot, fullPage: true });

    // The curl -i tab, on the `*` with credentials fixture.
    await page.locator('#tab-headers').click();
    await page.fill('#hdr-text', fs.readFileSync(path.join(root, 'fixtures/headers/seed-wildcard-credentials.txt'), 'utf8'));
    await page.fill('#hdr-url', 'https://jsbundler.coinnation.io/kontext/preview');
    await page.fill('#hdr-from', 'https://kontext.build');
    await page.selectOption('#hdr-credentials', 'include');
    await page.locator('#headers-form button[type="submit"]').click();
    await page.waitForSelector('table.verdicts');
    const verdicts = await page.locator('table.verdicts').innerText();
    check(verdicts.includes('✗ CORS failed'), 'the pasted headers fail CORS: ' + verdicts);

    // The ingress tab: paste the seed manifest; without a frontend origin the page says how to give one.
    await page.locator('#tab-ingress').click();
    const seedYaml = fs.readFileSync(path.join(root, 'fixtures/ingress/ingress-nginx/seed.yaml'), 'utf8');
    await page.fill('#ing-yaml', seedYaml);
    const run = page.locator('#ingress-form button[type="submit"]');
    await run.click();
    await page.locator('#error').waitFor({ state: 'visible' });
    check((await page.locator('#error').innerText()).includes('https://app.example'), 'no frontend: the page says how to give one');
    check(await page.locator('#ing-from').evaluate((e) => e === document.activeElement), 'no frontend: the origin field gets the focus');
    await page.fill('#ing-from', 'https://kontext.build');
    await run.click();
    await page.waitForSelector('#ingress-routes table.ingress-matrix');
    check(await page.locator('#error').isHidden(), 'the error is gone after a good run');
    const route = page.locator('#ingress-routes article.route').filter({ hasText: 'jsbundler.coinnation.io/' });
    check((await route.count()) === 1, 'one route card for jsbundler.coinnation.io/');
    const routeText = await route.innerText();
    check(routeText.includes('Set-Cookie: route=<upstream>|<hash>; Path=/; Secure; HttpOnly'), 'the predicted Set-Cookie line: ' + routeText);
    check(routeText.includes('Access-Control-Allow-Origin: https://kontext.build') && routeText.includes('with 204'),
      'the predicted CORS answers (preflight answered by the proxy with 204)');
    check(routeText.includes('cross-site'), 'the frontend is marked cross-site');
    const ingHead = await route.locator('table.ingress-matrix thead').innerText();
    check(ingHead.includes('route stored'), 'the matrix names the cookie: ' + ingHead);
    const storedCell = (b) => route.locator(`tr[data-browser="${b}"] button.cell[data-verdict="stored"]`);
    const chromeStored = await storedCell('chrome').innerText();
    check(chromeStored.includes('⊘') && chromeStored.includes('not stored'), 'chrome: route not stored (symbol and word): ' + chromeStored);
    check(chromeStored.includes('SchemefulSameSiteUnspecifiedTreatedAsLax'), 'chrome: the reason is visible: ' + chromeStored);
    check((await storedCell('chrome').getAttribute('title')).includes('SchemefulSameSiteUnspecifiedTreatedAsLax'), 'chrome: the reason on hover');
    check((await storedCell('firefox').innerText()).includes('◆ stored'), 'firefox: route stored');
    check((await storedCell('safari').innerText()).includes('ThirdPartyBlockedByItp'), 'safari: ITP named');
    const sentCell = await route.locator('tr[data-browser="chrome"] button.cell[data-verdict="sent"]').innerText();
    check(sentCell.includes('✗ not sent') && sentCell.includes('never stored'), 'chrome: not sent, because never stored: ' + sentCell);
    check((await route.locator('tr[data-browser="chrome"] button.cell[data-verdict="cors_ok"]').innerText()).includes('✓ readable'),
      'chrome: the response is readable');
    // Keyboard: Enter on the chrome cell lists every reason with its step.
    await storedCell('chrome').focus();
    await page.keyboard.press('Enter');
    const ingDetail = route.locator('.detail');
    await ingDetail.waitFor({ state: 'visible' });
    const ingDetailText = await ingDetail.innerText();
    check(ingDetailText.includes('storing the cookie: SchemefulSameSiteUnspecifiedTreatedAsLax'), 'the detail names the step and reason: ' + ingDetailText);
    // The finding: the YAML line it points at, the fix, and the rule page.
    const ingFinding = page.locator('#ingress-findings article[data-rule="affinity-cookie-cross-site-blocked"]');
    check((await ingFinding.count()) === 1, 'the affinity-cookie-cross-site-blocked finding');
    const ingFindingText = await ingFinding.innerText();
    check(ingFindingText.includes('pasted.yaml:8:43'), 'the finding names pasted.yaml:8:43');
    check(ingFindingText.includes('8 |     nginx.ingress.kubernetes.io/affinity: cookie'), 'the finding shows its YAML line: ' + ingFindingText);
    check(ingFindingText.includes('session-cookie-samesite: "None"'), 'the fix annotation session-cookie-samesite: "None"');
    await ingFinding.locator('summary').click();
    await ingFinding.locator('.doc h4', { hasText: 'What it detects' }).waitFor({ timeout: 10000 });
    const ingAll = await page.locator('#ingress-results').innerText();
    check(!/\bnull\b|undefined|\[object/.test(ingAll), 'no rendering slips in the ingress results');
    await page.screenshot({ path: ingressShot, fullPage: true });

    // Many routes: the first 30 show at once, the rest on request.
    const many = Array.from({ length: 35 }, (_, i) => seedYaml.replaceAll('jsbundler', `svc${i}`)).join('\n---\n');
    await page.locator('#ing-yaml').evaluate((e, v) => { e.value = v; }, many);
    await run.click();
    const moreRoutes = page.locator('#ingress-routes button.more-rows');
    await moreRoutes.waitFor({ timeout: 60000 });
    check((await page.locator('#ingress-routes article.route').count()) === 30, 'the first 30 of 35 routes show at once');
    check((await moreRoutes.innerText()).includes('Show all 35 routes'), 'the button says how many routes there are');
    await moreRoutes.click();
    check((await page.locator('#ingress-routes article.route').count()) === 35, 'every route shows on request');
    check((await page.locator('#ingress-findings article').count()) === 100, 'the first 100 findings show at once');

    check(problems.length === 0, 'no console errors, CSP violations or outside requests: ' + problems.join(' | '));

    // Broken YAML (Chromium logs its 422 as a console error, so this runs after that check): the error names pasted.yaml with the line, and the other documents are still shown.
    await page.fill('#ing-yaml', fs.readFileSync(path.join(root, 'fixtures/ingress/ingress-nginx/broken.yaml'), 'utf8'));
    await run.click();
    await page.locator('#error').waitFor({ state: 'visible' });
    const yamlErr = await page.locator('#error').innerText();
    check(/^pasted\.yaml:23:1: /.test(yamlErr), 'broken YAML: the error names the line: ' + yamlErr);
    await page.waitForFunction(() => document.querySelectorAll('#ingress-routes article.route').length === 2);
    check((await page.locator('#status').innerText()).startsWith('Partly analysed'), 'broken YAML: the partial result is shown');
    const shownLines = await page.locator('#ingress-findings .yaml-error pre').innerText();
    check(shownLines.includes('22 |   annotations: {nginx') && shownLines.includes('23 | spec: {}'), 'broken YAML: the line and the one before are shown: ' + shownLines);


    // A capture cut off after its fourth entry: the place is named, and the entries before it still show.
    {
      const p3 = await context.newPage();
      await p3.goto(url);
      const cut = text.slice(0, [...text.matchAll(/"startedDateTime"/g)][4].index);
      await p3.setInputFiles('#har-file', { name: 'cut.har', mimeType: 'application/json', buffer: Buffer.from(cut) });
      const err = p3.locator('#error');
      await err.waitFor({ state: 'visible' });
      const msg = await err.innerText();
      check(/^cut\.har:\d+:\d+/.test(msg), 'the error names the file, line and column: ' + msg);
      await p3.waitForSelector('table.verdict-matrix');
      check((await p3.locator('#status').innerText()).startsWith('Partly analysed'), 'the partial report is shown');
      await p3.close();
    }

    // A server with a small upload limit: the page says so before uploading anything.
    const small = await startServer(['--max-upload', '1K']);
    try {
      const p2 = await context.newPage();
      await p2.goto(small.url);
      await p2.waitForLoadState('networkidle');
      await p2.setInputFiles('#har-file', fixture);
      const err = p2.locator('#error');
      await err.waitFor({ state: 'visible' });
      check((await err.innerText()).includes("over this server's upload limit of 1.0 KiB"), 'the upload limit is explained');
      await p2.close();
    } finally {
      small.child.kill();
    }
    // The first screen answers the question.
    await firstScreen(context, url, fixture, {
      findingsOnScreen: 3, maxHeight: 1400, vendors: 0, inFocus: (r) => r === 'route@jsbundler.coinnation.io',
    });
    if (fs.existsSync(nytimes)) {
      await firstScreen(context, url, nytimes, {
        findingsOnScreen: 2, maxHeight: 1600, vendors: 10, inFocus: (r) => /@(.+\.)?nytimes\.com$/.test(r),
      });
    } else {
      console.log('web-e2e: ../shared/samples/har/www.nytimes.com.har absent; first screen checked on the seed only');
    }
    console.log(`web-e2e: ok (${checks} checks; screenshots ${path.relative(root, shot)}, ${path.relative(root, ingressShot)})`);
  } finally {
    await context.close();
    child.kill();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error('web-e2e: FAILED: ' + e.message);
  process.exit(1);
});
