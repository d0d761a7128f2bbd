// crossjar serve: the page. Plain DOM, no framework, no build step. Every string from a report or a
// capture reaches the page through textContent / text nodes only: nothing untrusted is parsed as HTML.
'use strict';

(function () {
  const $ = (id) => document.getElementById(id);

  /** Builds an element; children are nodes or strings (strings become text nodes). */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat(Infinity)) {
      if (c === null || c === undefined || c === false) continue;
      e.append(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  const state = {
    file: null,
    seq: 0,
    maxUpload: null,
    report: null,
    timelineLimit: 200,
    ingress: null,
    ingressSeq: 0,
  };

  // ---------------------------------------------------------------- status and errors

  function setStatus(text) {
    $('status').textContent = text;
  }

  function showError(text) {
    const box = $('error');
    box.textContent = text;
    box.hidden = !text;
  }

  function fmtBytes(n) {
    if (n >= 1 << 30) return (n / (1 << 30)).toFixed(1) + ' GiB';
    if (n >= 1 << 20) return (n / (1 << 20)).toFixed(1) + ' MiB';
    if (n >= 1 << 10) return (n / (1 << 10)).toFixed(1) + ' KiB';
    return n + ' bytes';
  }

  // ---------------------------------------------------------------- tabs

  function setupTabs() {
    const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
    const enabled = () => tabs.filter((t) => !t.disabled);
    function select(tab) {
      for (const t of tabs) {
        const on = t === tab;
        t.setAttribute('aria-selected', on ? 'true' : 'false');
        t.tabIndex = on ? 0 : -1;
        $(t.getAttribute('aria-controls')).hidden = !on;
      }
      $('har-results').hidden = tab.id !== 'tab-har' || !state.report;
      $('headers-results').hidden = tab.id !== 'tab-headers' || !$('headers-verdicts').hasChildNodes();
      $('ingress-results').hidden = tab.id !== 'tab-ingress' || !state.ingress;
      showError('');
      setStatus('');
    }
    for (const t of tabs) {
      t.addEventListener('click', () => select(t));
      t.addEventListener('keydown', (ev) => {
        const list = enabled();
        const i = list.indexOf(t);
        let next = null;
        if (ev.key === 'ArrowRight') next = list[(i + 1) % list.length];
        else if (ev.key === 'ArrowLeft') next = list[(i - 1 + list.length) % list.length];
        else if (ev.key === 'Home') next = list[0];
        else if (ev.key === 'End') next = list[list.length - 1];
        if (next) {
          ev.preventDefault();
          next.focus();
          select(next);
        }
      });
    }
  }

  // ---------------------------------------------------------------- HAR upload

  function setupHar() {
    const drop = $('drop');
    // A file dropped outside the zone must not make the browser navigate away from the page.
    window.addEventListener('dragover', (ev) => ev.preventDefault());
    window.addEventListener('drop', (ev) => ev.preventDefault());
    drop.addEventListener('dragenter', (ev) => {
      ev.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragover', (ev) => {
      ev.preventDefault();
      drop.classList.add('over');
    });
    drop.addEventListener('dragleave', () => drop.classList.remove('over'));
    drop.addEventListener('drop', (ev) => {
      ev.preventDefault();
      drop.classList.remove('over');
      const f = ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0];
      if (f) chooseFile(f);
    });
    $('har-file').addEventListener('change', (ev) => {
      const f = ev.target.files && ev.target.files[0];
      if (f) chooseFile(f);
    });
    $('show-values').addEventListener('change', () => state.file && analyseFile());
    $('har-browser').addEventListener('change', () => state.file && analyseFile());
    $('har-cookie').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter' && state.file) analyseFile();
    });
    $('har-again').addEventListener('click', () => state.file && analyseFile());
    // Links into the details (a finding's entry, a cookie's requests) open what folds their target.
    $('har-results').addEventListener('click', (ev) => {
      const a = ev.target.closest && ev.target.closest('a[href^="#"]');
      if (a) reveal(a.getAttribute('href').slice(1));
    });
    $('timeline-filter').addEventListener('change', () => {
      state.timelineLimit = 200;
      renderTimeline();
    });
    $('timeline-more').addEventListener('click', () => {
      state.timelineLimit += 500;
      renderTimeline();
    });
    fetch('/api/limits')
      .then((r) => r.json())
      .then((j) => {
        state.maxUpload = typeof j.max_upload === 'number' ? j.max_upload : null;
      })
      .catch(() => {});
  }

  /** Opens what hides the element `id` (its folded sections, a third-party card not yet drawn, a
   *  timeline entry the filter leaves out), so a link to it lands on it. */
  function reveal(id) {
    if (/^cookie-\d+$/.test(id) && !document.getElementById(id)) {
      const others = $('details-others');
      if (others && others.fill) others.fill();
    }
    if (/^entry-\d+$/.test(id) && !document.getElementById(id) && state.report) {
      $('timeline-filter').value = 'all';
      const index = Number(id.slice(6));
      const position = state.entries.findIndex((slot) => slot.base.index === index);
      state.timelineLimit = Math.max(state.timelineLimit, position + 1);
      renderTimeline();
    }
    const target = document.getElementById(id);
    if (!target) return;
    for (let d = target.closest('details'); d; d = d.parentElement && d.parentElement.closest('details')) d.open = true;
    const fold = target.querySelector(':scope > details.matrix-fold');
    if (fold) fold.open = true;
  }

  function chooseFile(f) {
    state.file = f;
    $('har-again').disabled = false;
    analyseFile();
  }

  async function analyseFile() {
    const f = state.file;
    showError('');
    if (state.maxUpload !== null && f.size > state.maxUpload) {
      setStatus('');
      showError(
        `${f.name} is ${fmtBytes(f.size)}, over this server's upload limit of ${fmtBytes(state.maxUpload)}. ` +
          'Restart it with a larger --max-upload.'
      );
      return;
    }
    const params = new URLSearchParams();
    params.set('browser', $('har-browser').value);
    params.set('show_values', $('show-values').checked ? '1' : '0');
    params.set('name', f.name);
    const cookies = $('har-cookie').value.trim();
    if (cookies) params.set('cookie', cookies);
    const named = cookies.split(',').map((c) => c.trim()).filter(Boolean);
    const seq = ++state.seq;
    setStatus(`Analysing ${f.name} (${fmtBytes(f.size)}) in the local crossjar process…`);
    document.body.setAttribute('aria-busy', 'true');
    let resp;
    let data = null;
    try {
      resp = await fetch('/api/har?' + params.toString(), {
        method: 'POST',
        body: f,
        headers: { 'Content-Type': 'application/json' },
      });
      data = await resp.json().catch(() => null);
    } catch (e) {
      if (seq !== state.seq) return;
      document.body.removeAttribute('aria-busy');
      setStatus('');
      showError('The crossjar server did not answer. Is `crossjar serve` still running?');
      return;
    }
    if (seq !== state.seq) return; // a newer analysis replaced this one
    document.body.removeAttribute('aria-busy');
    if (!resp.ok) {
      showError((data && data.error) || `The server answered HTTP ${resp.status}.`);
      if (data && data.report) {
        render(data.report, named);
        setStatus(`Partly analysed: the ${data.report.entries_read} entries before the problem are shown.`);
      } else {
        setStatus('');
        state.report = null;
        $('har-results').hidden = true;
        $('panel-har').classList.remove('has-report');
      }
      return;
    }
    const t0 = performance.now();
    render(data, named);
    const ms = Math.round(performance.now() - t0);
    setStatus(
      `${data.input}: ${data.entries_read} entries, ${data.summary.length} cookie(s) summarised, ` +
        `${data.findings.length} finding(s)` +
        (data.sanitized ? ' — this capture has no cookie headers at all (sanitized export?)' : '') +
        (document.body.dataset.debug ? ` (rendered in ${ms} ms)` : '') +
        '.'
    );
  }

  // ---------------------------------------------------------------- report model helpers

  function hostOf(url) {
    try {
      return new URL(url).hostname.toLowerCase();
    } catch (e) {
      return '';
    }
  }

  /** The URL without scheme and host, as the report wrote it (URL objects would percent-encode the
   *  `…` that stands for a hidden query value). */
  function pathOf(url) {
    return url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/';
  }

  /** A DevTools reason name with line-break opportunities between its words. */
  function camel(name) {
    const words = name.split(/(?=[A-Z][a-z])/);
    return words.flatMap((w, i) => (i ? [el('wbr'), w] : [w]));
  }

  /** Whether a cookie for `host` (a host or a Domain) is about requests to `h`. */
  function hostRelated(h, host) {
    const d = host.replace(/^\./, '').toLowerCase();
    return h === d || h.endsWith('.' + d) || d.endsWith('.' + h);
  }

  /** entry index → { base, per: { browser: entry } } */
  function indexEntries(report) {
    const byIndex = new Map();
    for (const run of report.runs) {
      for (const e of run.entries) {
        let slot = byIndex.get(e.index);
        if (!slot) {
          slot = { base: e, per: {} };
          byIndex.set(e.index, slot);
        }
        slot.per[run.browser] = e;
      }
    }
    return Array.from(byIndex.values()).sort((a, b) => a.base.index - b.base.index);
  }

  /** What happened to cookie `name` (on `host`) on one entry in one browser. */
  function outcome(entry, name, host) {
    const h = hostOf(entry.url);
    const sets = entry.set_cookies.filter((s) => s.name === name && (!host || hostRelated(h, host)));
    const sends = entry.cookies.filter((c) => c.name === name && (!host || hostRelated(c.domain.replace(/^\./, ''), host)));
    const parts = [];
    for (const c of sends) {
      parts.push({
        kind: c.sent ? 'sent' : 'withheld',
        cls: c.sent ? 'ok' : 'bad',
        symbol: c.sent ? '✓' : '✗',
        label: c.sent ? 'sent' : 'withheld',
        what: `Cookie \`${c.name}\` (${c.domain})`,
        reasons: c.reasons,
        warnings: c.warnings,
        value: c.value,
        note: c.learned ? 'already in the jar when the capture began' : null,
      });
    }
    for (const s of sets) {
      const stored = s.stored;
      parts.push({
        kind: stored ? (s.deleted ? 'deleted' : 'stored') : 'blocked',
        cls: stored ? 'ok' : 'bad',
        symbol: stored ? '◆' : '⊘',
        label: stored ? (s.deleted ? 'deleted' : 'stored') : 'blocked',
        what: `Set-Cookie \`${s.name}\`` + (s.attributes ? `; ${s.attributes}` : ''),
        reasons: s.reasons,
        warnings: s.warnings,
        value: s.value,
        note: s.partition ? `partition ${s.partition}` : null,
      });
    }
    return parts;
  }

  function entryTitle(e) {
    return `#${e.index} ${e.method} ${hostOf(e.url)}${pathOf(e.url)}`;
  }

  function entryMeta(e) {
    const bits = [String(e.status), e.kind];
    if (e.kind !== 'navigation' && e.kind !== 'preflight') {
      bits.push(`credentials ${e.credentials.mode}${e.credentials.basis === 'recorded' ? '' : ' (' + e.credentials.basis + ')'}`);
    }
    bits.push(e.same_site ? 'same-site' : 'cross-site');
    if (e.cached) bits.push('from cache');
    return bits.join(' · ');
  }

  function describe(part) {
    const lines = [`${part.symbol} ${part.label}: ${part.what}`];
    if (part.reasons.length) lines.push('Reasons: ' + part.reasons.join(', '));
    if (part.warnings.length) lines.push('Warnings: ' + part.warnings.join(', '));
    if (part.note) lines.push(part.note);
    return lines.join('\n');
  }

  // ---------------------------------------------------------------- rendering

  /** The first screen answers the question (the verdict for the cookies in focus, the top findings);
   *  every request, the story and the third-party vendors fold below it. */
  function render(report, named) {
    state.report = report;
    state.entries = indexEntries(report);
    state.browsers = report.runs.map((r) => r.browser);
    state.timelineLimit = 200;
    splitFocus(report, named || []);
    renderVerdict();
    renderFindings();
    renderSummary();
    renderTimelineFilter();
    renderTimeline();
    $('panel-har').classList.add('has-report');
    $('har-results').hidden = false;
  }

  /** Summary rows (with their index in the report) in focus — the cookies named under “Focus on
   *  cookies”, else the site's own — and the rest (third-party vendors' cookies), as the CLI splits them. */
  function splitFocus(report, named) {
    const rows = report.summary.map((s, i) => ({ s, i }));
    const isFocus = named.length ? (r) => named.includes(r.s.cookie) : (r) => r.s.own !== false;
    // Worst first: a cookie never stored or never sent in some browser, then one sent only sometimes.
    state.focus = rows.filter(isFocus).sort((a, b) => badness(b.s) - badness(a.s));
    state.others = rows.filter((r) => !isFocus(r));
  }

  /** What a summary row's counts say, in the CLI summary's words (`words`) and in short (`text`,
   *  with the count that decides it; `more` is the other count). */
  function countVerdict(c) {
    const stored = `stored ${c.stored}/${c.set}`;
    const sent = `sent ${c.sent}/${c.requests}`;
    if (c.set > 0 && c.stored === 0 && c.sent === 0) {
      return { cls: 'bad', text: `✗ never stored (0/${c.set})`, more: sent, words: 'never stored', rank: 3 };
    }
    if (c.requests === 0) return { cls: 'none', text: '— no request', more: stored, words: 'no request to its host', rank: 0 };
    if (c.sent === 0) return { cls: 'bad', text: `✗ never sent (0/${c.requests})`, more: stored, words: 'never sent', rank: 3 };
    if (c.sent === c.requests) return { cls: 'ok', text: `✓ ${sent}`, more: stored, words: 'sent on every request', rank: 1 };
    return { cls: 'warn', text: `~ ${sent}`, more: stored, words: 'sent on some requests', rank: 2 };
  }

  function badness(s) {
    return Math.max(0, ...s.browsers.map((b) => countVerdict(b).rank));
  }

  const VERDICT_ROWS = 6;

  /** What the verdict and the summary say when no cookie is in the summary. */
  function noSummaryNote(report) {
    return el('p', { class: 'muted' }, report.sanitized
      ? 'No cookies: this capture has no Cookie or Set-Cookie headers (a sanitized export). Export it again “with sensitive data”.'
      : 'No cookie worth a summary: none is a session-affinity cookie, and none is sent on some requests and withheld on others. Name one under “Focus on cookies” to see it anyway.');
  }

  /** The verdict matrix: one row per cookie in focus, one column per browser. */
  function renderVerdict() {
    const box = $('verdict');
    box.replaceChildren();
    const report = state.report;
    if (!report.summary.length) {
      box.append(noSummaryNote(report));
      return;
    }
    if (state.focus.length) {
      const tbody = el('tbody');
      const table = el('table', { class: 'matrix verdict-matrix' },
        el('caption', { class: 'muted' }, 'Stored = Set-Cookie lines stored of those seen; sent = requests that carried the cookie of the requests to its host'),
        el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Cookie'), state.browsers.map((b) => el('th', { scope: 'col' }, b)))),
        tbody
      );
      const addRows = (from, to) => state.focus.slice(from, to).forEach((r) => tbody.append(verdictRow(r)));
      addRows(0, VERDICT_ROWS);
      box.append(el('div', { class: 'matrix-wrap' }, table));
      if (state.focus.length > VERDICT_ROWS) {
        const more = el('button', { type: 'button', class: 'more-rows' }, `Show all ${state.focus.length} cookies in focus`);
        more.addEventListener('click', () => {
          addRows(VERDICT_ROWS, state.focus.length);
          more.remove();
        });
        box.append(more);
      }
    } else {
      box.append(el('p', { class: 'muted' }, 'No cookie of the site itself is worth a summary.'));
    }
    if (state.others.length) {
      const hosts = new Set(state.others.map((r) => r.s.host));
      const line = el('p', { class: 'muted vendor-line' },
        `… and ${state.others.length} cookie(s) on ${hosts.size} third-party host(s): `,
        el('a', { href: '#details-others' }, 'their requests'), ' are under Details, their findings under “Third-party vendors”, one per site.');
      box.append(line);
    }
  }

  function verdictRow({ s, i }) {
    const tr = el('tr', { 'data-cookie': s.cookie, 'data-host': s.host },
      el('th', { scope: 'row' },
        el('a', { href: '#cookie-' + i }, el('code', {}, s.cookie), ' on ', s.host),
        s.affinity ? el('span', { class: 'req-meta' }, ' · session affinity') : null
      )
    );
    for (const b of state.browsers) {
      const c = s.browsers.find((x) => x.browser === b);
      const td = el('td', { 'data-browser': b });
      if (c) {
        const v = countVerdict(c);
        td.title = `${b}: ${v.words}; Set-Cookie stored ${c.stored} of ${c.set}; sent on ${c.sent} of ${c.requests} request(s) to the host`;
        td.setAttribute('data-verdict', v.words);
        td.append(el('span', { class: 'tok ' + v.cls }, v.text), ' ', el('span', { class: 'counts-inline' }, v.more));
      } else {
        td.append(el('span', { class: 'tok none' }, '— not run'));
      }
      tr.append(td);
    }
    return tr;
  }

  const MATRIX_ROWS = 60;
  const OPEN_CARDS = 3;

  function renderSummary() {
    const box = $('summary');
    box.replaceChildren();
    const report = state.report;
    if (!report.summary.length) {
      box.append(noSummaryNote(report));
      return;
    }
    state.focus.forEach(({ s, i }, k) => box.append(cookieCard(s, i, k < OPEN_CARDS)));
    $('requests-count').textContent = `(${report.summary.length} cookie(s), ${state.entries.length} request(s))`;
    if (!state.others.length) return;
    const hosts = new Set(state.others.map((r) => r.s.host));
    const others = el('details', { class: 'section-fold', id: 'details-others' },
      el('summary', {}, `Third-party cookies: ${state.others.length} on ${hosts.size} host(s)`));
    let rendered = false;
    const fill = () => {
      if (rendered) return;
      rendered = true;
      for (const { s, i } of state.others) others.append(cookieCard(s, i, false));
    };
    others.addEventListener('toggle', () => others.open && fill());
    others.fill = fill;
    box.append(others);
  }

  function cookieCard(s, cardIndex, open) {
    const id = `cookie-${cardIndex}`;
    const card = el('article', { class: 'card', id, 'aria-labelledby': id + '-h' });
    card.append(
      el('div', { class: 'card-head' },
        el('h3', { id: id + '-h' }, el('code', {}, s.cookie), ' on ', s.host),
        s.affinity ? el('span', { class: 'tok info' }, 'ℹ session affinity: ' + s.affinity) : null
      )
    );
    const counts = el('ul', { class: 'counts' });
    for (const b of s.browsers) {
      const cls = b.requests > 0 && b.sent === 0 ? 'bad' : b.sent < b.requests ? 'warn' : 'ok';
      counts.append(
        el('li', {},
          el('strong', {}, b.browser + ': '),
          `Set-Cookie stored ${b.stored} of ${b.set}; `,
          el('span', { class: 'tok ' + cls }, `sent on ${b.sent} of ${b.requests} request(s)`)
        )
      );
    }
    card.append(counts);

    const rows = state.entries.filter((slot) => {
      if (hostRelated(hostOf(slot.base.url), s.host)) return true;
      return Object.values(slot.per).some((e) => outcome(e, s.cookie, s.host).length > 0);
    });
    const detail = el('div', { class: 'detail', id: id + '-detail', 'aria-live': 'polite', hidden: true });
    const table = el('table', { class: 'matrix' },
      el('caption', { class: 'muted' }, `Requests to ${s.host}, and where \`${s.cookie}\` was set or considered`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Request'), state.browsers.map((b) => el('th', { scope: 'col' }, b))))
    );
    const tbody = el('tbody');
    table.append(tbody);
    const addRows = (from, to) => {
      for (const slot of rows.slice(from, to)) tbody.append(matrixRow(slot, s, detail));
    };
    addRows(0, MATRIX_ROWS);
    // The first few cookies open; the rest fold, so a capture with dozens of cookies stays scannable.
    const fold = el('details', { class: 'matrix-fold', open },
      el('summary', {}, `${rows.length} request(s) × ${state.browsers.length} browser(s)`),
      el('div', { class: 'matrix-wrap' }, table));
    card.append(fold);
    if (rows.length > MATRIX_ROWS) {
      const more = el('button', { type: 'button', class: 'more-rows' }, `Show all ${rows.length} requests`);
      more.addEventListener('click', () => {
        addRows(MATRIX_ROWS, rows.length);
        more.remove();
      });
      fold.append(more);
    }
    fold.append(detail);
    return card;
  }

  function matrixRow(slot, s, detail) {
    const e = slot.base;
    const tr = el('tr', { 'data-entry': e.index },
      el('th', { scope: 'row' },
        el('a', { class: 'req-title', href: '#entry-' + e.index }, `#${e.index} ${e.method} ${pathOf(e.url)}`),
        el('div', { class: 'req-meta' }, (hostOf(e.url) === s.host ? '' : hostOf(e.url) + ' · ') + entryMeta(e))
      )
    );
    for (const b of state.browsers) {
      const be = slot.per[b];
      const parts = be ? outcome(be, s.cookie, s.host) : [];
      const td = el('td', {});
      const button = el('button', { type: 'button', class: 'cell', 'aria-pressed': 'false', 'data-browser': b });
      if (!parts.length) {
        const label = e.kind === 'preflight' ? 'preflight' : 'not in jar';
        button.append(el('span', { class: 'tok none' }, '— ' + label));
        const text = e.kind === 'preflight'
          ? `${b}: a CORS preflight never carries cookies.`
          : `${b}: \`${s.cookie}\` was not in the jar for this request (never stored, or it does not match).`;
        button.title = text;
        button.setAttribute('aria-label', `${entryTitle(e)}, ${b}: ${label}`);
        button.addEventListener('click', () => showDetail(detail, button, e, b, [], text));
      } else {
        for (const p of parts) {
          button.append(el('span', { class: 'tok ' + p.cls, 'data-state': p.kind }, `${p.symbol} ${p.label}`));
          for (const r of p.reasons) button.append(el('span', { class: 'why' }, camel(r)));
          if (p.value !== undefined) button.append(el('code', { class: 'value' }, 'value: ' + p.value));
        }
        const text = `${b}:\n` + parts.map(describe).join('\n');
        button.title = text;
        button.setAttribute(
          'aria-label',
          `${entryTitle(e)}, ${b}: ` + parts.map((p) => p.label + (p.reasons.length ? ' (' + p.reasons.join(', ') + ')' : '')).join('; ')
        );
        button.addEventListener('click', () => showDetail(detail, button, e, b, parts, null));
      }
      td.append(button);
      tr.append(td);
    }
    return tr;
  }

  function showDetail(detail, button, e, browser, parts, text) {
    const card = button.closest('.card');
    for (const b of card.querySelectorAll('button.cell[aria-pressed="true"]')) b.setAttribute('aria-pressed', 'false');
    button.setAttribute('aria-pressed', 'true');
    detail.replaceChildren(el('h4', {}, `${entryTitle(e)} — ${browser}`), el('p', { class: 'req-meta' }, entryMeta(e)));
    if (text) detail.append(el('p', {}, text));
    for (const p of parts) {
      const ul = el('ul');
      for (const r of p.reasons) ul.append(el('li', {}, el('code', {}, r)));
      for (const w of p.warnings) ul.append(el('li', {}, el('code', {}, w), ' (warning)'));
      detail.append(
        ...[
          el('p', {}, el('span', { class: 'tok ' + p.cls }, `${p.symbol} ${p.label}`), ' ', p.what),
        p.reasons.length || p.warnings.length ? ul : el('p', { class: 'muted' }, 'No blocking reason.'),
        p.note ? el('p', { class: 'muted' }, p.note) : null,
          p.value !== undefined ? el('p', {}, 'Value: ', el('code', {}, p.value)) : null,
        ].filter(Boolean) // Element.append would print a null as the text "null"
      );
    }
    if (e.cors) detail.append(corsLine(e.cors));
    detail.hidden = false;
  }

  function corsLine(c) {
    if (c.ok) return el('p', {}, el('span', { class: 'tok ok' }, '✓ CORS passed'), c.credentialed ? ' (credentialed)' : ' (without credentials)');
    const errs = c.errors.length ? c.errors : [{ error: c.error || 'failed', failed_parameter: '' }];
    return el('p', {},
      el('span', { class: 'tok bad' }, '✗ CORS failed'),
      ' ',
      errs.map((x, i) => [i ? ', ' : '', el('code', {}, x.error), x.failed_parameter ? ` (${x.failed_parameter})` : ''])
    );
  }

  // ---------------------------------------------------------------- findings

  const SEVERITY = {
    error: { cls: 'bad', symbol: '✗', label: 'error' },
    warning: { cls: 'warn', symbol: '⚠', label: 'warning' },
    info: { cls: 'info', symbol: 'ℹ', label: 'info' },
  };

  const TOP_FINDINGS = 3;

  /** The top findings (the report lists the site's own first, worst first), each one line that opens
   *  to its browsers, fixes and rule; the rest of the site's own, and the third-party vendors (one
   *  finding per vendor site), fold below them. */
  function renderFindings() {
    const box = $('findings');
    box.replaceChildren();
    const findings = state.report.findings;
    if (!findings.length) {
      box.append(el('p', { class: 'muted' }, 'No findings.'));
      return;
    }
    const vendors = findings.filter((f) => f.rule === 'third-party-vendor');
    const own = findings.filter((f) => f.rule !== 'third-party-vendor');
    own.slice(0, TOP_FINDINGS).forEach((f, i) => box.append(findingCard(f, i)));
    if (own.length > TOP_FINDINGS) {
      const rest = own.slice(TOP_FINDINGS);
      const fold = el('details', { class: 'section-fold', id: 'findings-more' },
        el('summary', {}, `${rest.length} more finding(s) `, el('span', { class: 'muted' }, severityCounts(rest))));
      rest.forEach((f, k) => fold.append(findingCard(f, TOP_FINDINGS + k)));
      box.append(fold);
    }
    if (vendors.length) {
      const fold = el('details', { class: 'section-fold', id: 'findings-vendors' },
        el('summary', {}, `Third-party vendors: ${vendors.length} site(s) `,
          el('span', { class: 'muted' }, '(cookies set by partners’ servers; ask the vendor)')));
      vendors.forEach((f, k) => fold.append(findingCard(f, own.length + k)));
      box.append(fold);
    }
  }

  /** `2 errors, 1 warning` for a list of findings. */
  function severityCounts(list) {
    const n = { error: 0, warning: 0, info: 0 };
    for (const f of list) n[f.severity] = (n[f.severity] || 0) + 1;
    return '(' + Object.entries(n).filter(([, c]) => c).map(([k, c]) => `${c} ${k}${c === 1 || k === 'info' ? '' : 's'}`).join(', ') + ')';
  }

  /** One finding: its severity, rule and message on one line; browsers, fixes and the rule's page open below. */
  function findingCard(f, i) {
    const sev = SEVERITY[f.severity] || SEVERITY.info;
    const explain = el('details', { class: 'explain' }, el('summary', {}, `Why, and how to fix it — rule ${f.rule}`));
    const doc = el('div', { class: 'doc' }, el('p', { class: 'muted' }, 'Loading…'));
    explain.append(doc);
    let loaded = false;
    explain.addEventListener('toggle', () => {
      if (!explain.open || loaded) return;
      loaded = true;
      loadRule(f.rule, doc);
    });
    const hasEntry = f.entry !== null && f.entry !== undefined;
    return el('article', { class: `card finding sev-${f.severity}`, 'data-rule': f.rule, 'aria-labelledby': `finding-${i}` },
      el('details', { class: 'finding-fold' },
        el('summary', {},
          el('span', { class: 'finding-line' },
            el('span', { class: 'tok ' + sev.cls }, `${sev.symbol} ${sev.label}`), ' ',
            el('h3', { id: `finding-${i}` }, el('code', {}, f.rule)), ' ',
            el('span', { class: 'finding-msg' }, inline(f.message))
          )
        ),
        el('div', { class: 'finding-body' },
          f.browsers.length ? el('p', { class: 'muted' }, 'Browsers: ' + f.browsers.join(', '),
            hasEntry ? [' · first at ', el('a', { href: '#entry-' + f.entry }, `entry #${f.entry}`)] : null) : null,
          !f.browsers.length && hasEntry ? el('p', { class: 'muted' }, 'First at ', el('a', { href: '#entry-' + f.entry }, `entry #${f.entry}`)) : null,
          f.fixes.length ? el('p', {}, el('strong', {}, 'Fix')) : null,
          f.fixes.length ? el('ul', { class: 'fixes' }, f.fixes.map((x) => el('li', {}, el('code', {}, x)))) : null,
          explain
        )
      )
    );
  }

  const ruleCache = new Map();

  async function loadRule(id, box) {
    try {
      let text = ruleCache.get(id);
      if (text === undefined) {
        const r = await fetch('/api/rules/' + encodeURIComponent(id));
        if (!r.ok) throw new Error('HTTP ' + r.status);
        text = await r.text();
        ruleCache.set(id, text);
      }
      box.replaceChildren(...markdown(text));
    } catch (e) {
      box.replaceChildren(el('p', { class: 'muted' }, `The rule's documentation could not be loaded (${e.message}); \`crossjar explain ${id}\` prints it.`));
    }
  }

  /** A small Markdown subset (headings, paragraphs, lists, code fences, inline code, bold, links shown
   *  as text) turned into DOM nodes. Text is only ever set as text. */
  function markdown(src) {
    const out = [];
    const lines = src.replace(/\r\n?/g, '\n').split('\n');
    let para = [];
    let list = null;
    const flushPara = () => {
      if (para.length) out.push(el('p', {}, inline(para.join(' '))));
      para = [];
    };
    const flushList = () => {
      if (list) out.push(list);
      list = null;
    };
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^```/.test(line)) {
        flushPara();
        flushList();
        const code = [];
        for (i++; i < lines.length && !/^```/.test(lines[i]); i++) code.push(lines[i]);
        out.push(el('pre', {}, el('code', {}, code.join('\n'))));
        continue;
      }
      const h = /^(#{1,6})\s+(.*)$/.exec(line);
      if (h) {
        flushPara();
        flushList();
        const level = Math.min(6, h[1].length + 2);
        out.push(el('h' + level, {}, inline(h[2])));
        continue;
      }
      const li = /^\s*[-*]\s+(.*)$/.exec(line);
      if (li) {
        flushPara();
        if (!list) list = el('ul');
        list.append(el('li', {}, inline(li[1])));
        continue;
      }
      if (!line.trim()) {
        flushPara();
        flushList();
        continue;
      }
      if (list && /^\s+\S/.test(line)) {
        // continuation of the last list item
        list.lastChild.append(' ', ...inline(line.trim()));
        continue;
      }
      para.push(line.trim());
    }
    flushPara();
    flushList();
    return out;
  }

  function inline(text) {
    const nodes = [];
    const re = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\[[^\]]+\]\([^)\s]+\))/g;
    let last = 0;
    let m;
    while ((m = re.exec(text))) {
      if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
      if (m[1]) nodes.push(el('code', {}, m[1].slice(1, -1)));
      else if (m[2]) nodes.push(el('strong', {}, m[2].slice(2, -2)));
      else {
        // Links are shown, not followed: the page never points the browser elsewhere.
        const lm = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(m[3]);
        nodes.push(document.createTextNode(lm[1] + ' ('), el('code', {}, lm[2]), document.createTextNode(')'));
      }
      last = re.lastIndex;
    }
    if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
    return nodes;
  }

  // ---------------------------------------------------------------- timeline

  function renderTimelineFilter() {
    const sel = $('timeline-filter');
    const keep = sel.value;
    // Like the CLI's story, the default follows the cookies in focus (when a third-party vendor's
    // cookies would otherwise bury them).
    const focusFirst = state.focus.length && state.others.length;
    sel.replaceChildren(
      focusFirst ? el('option', { value: 'focus' }, 'requests where a cookie in focus was set, sent or withheld') : null,
      el('option', { value: 'events' }, 'requests where a cookie was set, sent or withheld'),
      el('option', { value: 'all' }, 'every request')
    );
    state.report.summary.forEach((s, i) => sel.append(el('option', { value: 'cookie:' + i }, `the journey of ${s.cookie} (${s.host})`)));
    if (Array.from(sel.options).some((o) => o.value === keep)) sel.value = keep;
  }

  /** Events of one entry: per cookie, browsers grouped by identical outcome. */
  function entryEvents(slot, only) {
    const names = new Map();
    for (const e of Object.values(slot.per)) {
      for (const s of e.set_cookies) names.set(s.name + '\u0000set', { name: s.name, host: hostOf(e.url) });
      for (const c of e.cookies) names.set(c.name + '\u0000' + c.domain, { name: c.name, host: c.domain });
    }
    const events = [];
    for (const { name, host } of names.values()) {
      if (only && !only.some((o) => o.cookie === name && hostRelated(host.replace(/^\./, ''), o.host))) continue;
      const groups = new Map();
      for (const b of state.browsers) {
        const e = slot.per[b];
        if (!e) continue;
        for (const p of outcome(e, name, host)) {
          const key = p.kind + '|' + p.reasons.join(',') + '|' + p.what;
          if (!groups.has(key)) groups.set(key, { part: p, browsers: [] });
          groups.get(key).browsers.push(b);
        }
      }
      for (const g of groups.values()) events.push({ name, ...g });
    }
    return events;
  }

  function renderTimeline() {
    const list = $('timeline');
    list.replaceChildren();
    const filter = $('timeline-filter').value || 'events';
    let only = null;
    if (filter.startsWith('cookie:')) {
      const s = state.report.summary[Number(filter.slice(7))];
      if (s) only = [{ cookie: s.cookie, host: s.host }];
    } else if (filter === 'focus') {
      only = state.focus.map(({ s }) => ({ cookie: s.cookie, host: s.host }));
    }
    let shown = 0;
    let matching = 0;
    for (const slot of state.entries) {
      const events = entryEvents(slot, only);
      if (filter !== 'all' && !events.length) continue;
      matching++;
      if (shown >= state.timelineLimit) continue;
      shown++;
      const e = slot.base;
      const li = el('li', { id: 'entry-' + e.index, class: 'target' + (events.length ? ' has-events' : '') },
        el('div', {}, el('span', { class: 'req-title' }, entryTitle(e)), ' ', el('span', { class: 'req-meta' }, entryMeta(e)))
      );
      if (events.length) {
        const ul = el('ul', { class: 'events' });
        for (const ev of events) {
          const p = ev.part;
          const verb = { sent: 'sent', withheld: 'withheld', stored: 'set and stored', deleted: 'deleted', blocked: 'set but blocked' }[p.kind];
          ul.append(
            el('li', {},
              el('span', { class: 'tok ' + p.cls }, `${p.symbol} ${p.label}`),
              ' ', el('code', {}, ev.name), ` ${verb} in ${ev.browsers.join(', ')}`,
              p.reasons.length ? [': ', p.reasons.map((r, i) => [i ? ', ' : '', el('code', {}, r)])] : '',
              p.value !== undefined ? [' — value ', el('code', {}, p.value)] : ''
            )
          );
        }
        li.append(ul);
      }
      const cors = slot.base.cors;
      if (cors && !cors.ok) li.append(corsLine(cors));
      list.append(li);
    }
    if (!matching) list.append(el('li', { class: 'muted' }, 'No request matches.'));
    $('story-count').textContent = `(${matching} of ${state.entries.length} request(s) shown by this filter)`;
    const more = $('timeline-more');
    more.hidden = shown >= matching;
    more.textContent = `Show more requests (${matching - shown} not shown)`;
  }

  // ---------------------------------------------------------------- curl -i headers

  function setupHeaders() {
    $('headers-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError('');
      const body = {
        text: $('hdr-text').value,
        url: $('hdr-url').value.trim(),
        from: $('hdr-from').value.trim() || null,
        method: $('hdr-method').value.trim() || 'GET',
        credentials: $('hdr-credentials').value,
        kind: $('hdr-kind').value,
        browser: $('hdr-browser').value,
        request_headers: $('hdr-request-headers').value.split('\n').map((l) => l.trim()).filter(Boolean),
      };
      setStatus('Judging the headers…');
      let resp;
      let data = null;
      try {
        resp = await fetch('/api/headers', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        data = await resp.json().catch(() => null);
      } catch (e) {
        setStatus('');
        showError('The crossjar server did not answer. Is `crossjar serve` still running?');
        return;
      }
      const report = resp.ok ? data : data && data.report;
      if (!resp.ok) showError((data && data.error) || `The server answered HTTP ${resp.status}.`);
      if (report) {
        renderHeaders(report);
        setStatus(`${report.responses} response(s) judged for ${report.verdicts.length} browser profile(s).`);
      } else {
        setStatus('');
        $('headers-results').hidden = true;
      }
    });
  }

  function renderHeaders(report) {
    const box = $('headers-verdicts');
    const names = [];
    for (const v of report.verdicts) for (const c of v.set_cookies) if (!names.includes(c.name)) names.push(c.name);
    const head = el('tr', {}, el('th', { scope: 'col' }, 'Browser'), el('th', { scope: 'col' }, 'Can the page read it?'),
      names.map((n) => el('th', { scope: 'col' }, 'Set-Cookie ', el('code', {}, n))));
    const tbody = el('tbody');
    for (const v of report.verdicts) {
      const tr = el('tr', {}, el('th', { scope: 'row' }, v.browser));
      const c = v.cors;
      const corsCell = el('td');
      if (!c) corsCell.append(el('span', { class: 'tok none' }, '— no CORS check'), el('span', { class: 'why' }, 'navigation, WebSocket or same-origin'));
      else {
        corsCell.append(corsLine(c));
        if (c.preflight) {
          corsCell.append(el('div', {}, c.preflight.ok
            ? el('span', { class: 'tok ok' }, '✓ preflight passed')
            : [el('span', { class: 'tok bad' }, '✗ preflight failed'), ' ', el('code', {}, c.preflight.error || '')]));
        }
        if (c.preflight_reasons.length) corsCell.append(el('span', { class: 'why' }, 'Preflight because: ' + c.preflight_reasons.join('; ')));
      }
      tr.append(corsCell);
      for (const n of names) {
        const ck = v.set_cookies.find((x) => x.name === n);
        const td = el('td');
        if (!ck) td.append(el('span', { class: 'tok none' }, '—'));
        else {
          td.append(ck.stored ? el('span', { class: 'tok ok' }, '◆ stored') : el('span', { class: 'tok bad' }, '⊘ blocked'));
          if (ck.reasons.length) td.append(el('span', { class: 'why' }, ck.reasons.join(', ')));
          td.append(el('div', {}, 'next request: ', ck.sent_next ? el('span', { class: 'tok ok' }, '✓ sent') : el('span', { class: 'tok bad' }, '✗ withheld')));
          if (ck.next_reasons.length) td.append(el('span', { class: 'why' }, ck.next_reasons.join(', ')));
          if (ck.warnings.length) td.append(el('span', { class: 'why' }, 'Warnings: ' + ck.warnings.join(', ')));
        }
        tr.append(td);
      }
      tbody.append(tr);
    }
    box.replaceChildren(
      el('p', { class: 'muted' }, `${report.request.method} ${report.request.url}` + (report.request.from ? ` from ${report.request.from}` : '') +
        ` · ${report.request.kind} · credentials ${report.request.credentials}`),
      el('div', { class: 'matrix-wrap' }, el('table', { class: 'verdicts' }, el('thead', {}, head), tbody))
    );
    $('headers-results').hidden = false;
  }


  // ---------------------------------------------------------------- ingress YAML

  function setupIngress() {
    $('ingress-form').addEventListener('submit', async (ev) => {
      ev.preventDefault();
      showError('');
      const yaml = $('ing-yaml').value;
      const from = $('ing-from').value.split(/[\s,]+/).filter(Boolean);
      if (!from.length) {
        setStatus('');
        showError('Give the frontend origin: the origin of the page that calls these hosts with credentials, ' +
          'e.g. https://app.example, in “Frontend origin(s)”. The verdicts are about requests from that page.');
        $('ing-from').focus();
        return;
      }
      const body = {
        yaml,
        from,
        browsers: $('ing-browser').value,
        tls_terminates_at: $('ing-tls').value || null,
        controller: $('ing-controller').value.trim() || null,
      };
      const seq = ++state.ingressSeq;
      setStatus('Predicting what the proxy writes and what each browser does with it…');
      let resp;
      let data = null;
      try {
        resp = await fetch('/api/ingress', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        });
        data = await resp.json().catch(() => null);
      } catch (e) {
        if (seq !== state.ingressSeq) return;
        setStatus('');
        showError('The crossjar server did not answer. Is `crossjar serve` still running?');
        return;
      }
      if (seq !== state.ingressSeq) return; // a newer run replaced this one
      const report = resp.ok ? data : data && data.report;
      if (!resp.ok) showError((data && data.error) || `The server answered HTTP ${resp.status}.`);
      if (report) {
        // The lines the findings point at come from the text as it was sent, not as edited since.
        renderIngress(report, yaml.replace(/\r\n?/g, '\n').split('\n'));
        const s = `${report.routes.length} route(s), ${report.findings.length} finding(s), judged for ${report.frontends.join(', ')}`;
        setStatus(resp.ok ? s + '.' : `Partly analysed: ${s}; the documents that could not be read are skipped.`);
      } else {
        setStatus('');
        state.ingress = null;
        $('ingress-results').hidden = true;
      }
    });
  }

  /** Splits `[cookie: ]step: reason` (the analysis prefixes every reason with the step it belongs to). */
  function splitReason(r) {
    const m = /^(?:([^:\s]+): )?(set|send|websocket|cors|preflight): (.*)$/.exec(r);
    return m ? { cookie: m[1] || null, step: m[2], text: m[3] } : { cookie: null, step: null, text: r };
  }

  const STEP_WORDS = {
    set: 'storing the cookie',
    send: 'sending it on the next fetch()',
    websocket: 'sending it on a WebSocket handshake',
    cors: 'reading the response (CORS)',
    preflight: 'the preflight',
  };

  /** The matrix columns: the verdict field, the reason step, and the words for each outcome. */
  const INGRESS_COLUMNS = [
    { key: 'stored', step: 'set', head: (c) => [c(), ' stored'], yes: '◆ stored', no: '⊘ not stored', none: '— no cookie',
      noneWhy: 'this route writes no affinity cookie' },
    { key: 'sent', step: 'send', head: (c) => [c(), ' sent on the next fetch()'], yes: '✓ sent', no: '✗ not sent', none: '— no cookie',
      noneWhy: 'this route writes no affinity cookie' },
    { key: 'websocket_sent', step: 'websocket', head: (c) => [c(), ' sent on a WebSocket'], yes: '✓ sent', no: '✗ not sent', none: '— no cookie',
      noneWhy: 'this route writes no affinity cookie' },
    { key: 'cors_ok', step: 'cors', head: () => ['Page can read the response (CORS)'], yes: '✓ readable', no: '✗ blocked', none: '— backend decides',
      noneWhy: 'the proxy adds no CORS headers: the backend’s answer decides' },
    { key: 'preflight_ok', step: 'preflight', head: () => ['Preflight passes'], yes: '✓ passes', no: '✗ fails', none: '— backend answers',
      noneWhy: 'preflights are passed to the backend, whose answer decides' },
  ];

  function renderIngress(report, lines) {
    state.ingress = { report, lines };
    const box = $('ingress-routes');
    box.replaceChildren();
    if (!report.routes.length) {
      box.append(el('p', { class: 'muted' }, 'No routes: nothing here is an Ingress, IngressRoute, HTTPRoute or VirtualService with a rule the analysis could read.'));
    }
    showInBatches(box, report.routes, INGRESS_ROUTES_SHOWN, (r, i) => routeCard(r, i), 'routes');
    renderIngressFindings(report, lines);
    $('ingress-results').hidden = false;
  }

  // Thousands of routes (a whole cluster's Helm output) would take the page many seconds to lay out:
  // the first ones show at once, the rest on request.
  const INGRESS_ROUTES_SHOWN = 30;
  const INGRESS_FINDINGS_SHOWN = 100;

  /** Appends `make(item, index)` for the first `first` items, and a button that appends the rest. */
  function showInBatches(box, items, first, make, what) {
    items.slice(0, first).forEach((x, i) => box.append(make(x, i)));
    if (items.length <= first) return;
    const more = el('button', { type: 'button', class: 'more-rows' }, `Show all ${items.length} ${what} (${items.length - first} more)`);
    more.addEventListener('click', () => {
      const frag = document.createDocumentFragment();
      items.slice(first).forEach((x, i) => frag.append(make(x, first + i)));
      more.replaceWith(frag);
    });
    box.append(more);
  }

  function headerList(headers) {
    if (!headers.length) return el('p', { class: 'muted' }, 'no CORS headers');
    return el('ul', { class: 'hdrs' }, headers.map((h) => el('li', {}, el('code', {}, `${h.name}: ${h.value}`))));
  }

  function answerBlock(title, a) {
    if (!a) return null;
    const who = a.answered_by === 'ingress'
      ? `answered by the proxy itself${a.status ? ' with ' + a.status : ''}`
      : 'passed to the backend; the proxy adds';
    return el('div', { class: 'answer' }, el('p', {}, el('strong', {}, title), ' — ', who, ':'), headerList(a.headers));
  }

  function cookieNames(route) {
    const names = [];
    for (const line of route.set_cookie) {
      const n = line.split('=')[0].trim();
      if (n && !names.includes(n)) names.push(n);
    }
    return names;
  }

  function routeCard(r, i) {
    const id = `route-${i}`;
    const card = el('article', { class: 'card route', 'aria-labelledby': id + '-h', 'data-host': r.host || '' });
    card.append(
      el('div', { class: 'card-head' },
        el('h3', { id: id + '-h' }, el('code', {}, (r.host || '(every host)') + r.path)),
        el('span', { class: 'req-meta' }, `${r.object} · ${r.controller} ${r.controller_version} · ${r.tls ? 'TLS' : 'no TLS'} · ${r.file}:${r.line}:${r.column}`)
      )
    );
    card.append(el('h4', {}, 'Predicted Set-Cookie'));
    if (r.set_cookie.length) {
      card.append(el('ul', { class: 'hdrs' }, r.set_cookie.map((l) => el('li', {}, el('code', { class: 'set-cookie' }, 'Set-Cookie: ' + l)))));
    } else {
      card.append(el('p', { class: 'muted' }, 'None: this route has no cookie affinity (sticky sessions).'));
    }
    if (r.skipped) card.append(el('p', { class: 'muted' }, 'No browser verdicts: ' + r.skipped + '.'));
    r.verdicts_by_origin.forEach((o, j) => card.append(originBlock(r, o, `${id}-o${j}`)));
    return card;
  }

  function originBlock(route, o, id) {
    const names = cookieNames(route);
    // A function: a DOM node can sit in one place only, and every column heading needs its own.
    const cookieLabel = () => (names.length ? names.map((n, k) => [k ? ', ' : '', el('code', {}, n)]) : ['Cookie']);
    const section = el('section', { class: 'origin', 'aria-labelledby': id + '-h', 'data-origin': o.origin });
    section.append(
      el('h4', { id: id + '-h' }, `From ${o.origin} `, el('span', { class: 'tok ' + (o.cross_site ? 'warn' : 'info') }, o.cross_site ? '⇄ cross-site' : '= same-site'), ` to ${o.url}`)
    );
    if (o.actual || o.preflight) {
      section.append(el('div', { class: 'answers' }, answerBlock('Preflight (OPTIONS)', o.preflight), answerBlock('Actual request', o.actual)));
    } else {
      section.append(el('p', { class: 'muted' }, 'CORS: the proxy adds no CORS headers; the backend must answer this origin.'));
    }
    const detail = el('div', { class: 'detail', id: id + '-detail', 'aria-live': 'polite', hidden: true });
    const browsers = Object.keys(o.verdicts);
    // A route without a sticky cookie gets no cookie columns: three columns of "no cookie" say nothing.
    const noCookie = browsers.every((b) => o.verdicts[b].stored === null);
    const columns = INGRESS_COLUMNS.filter((c) => !(noCookie && ['set', 'send', 'websocket'].includes(c.step)));
    const table = el('table', { class: 'matrix ingress-matrix' },
      el('caption', { class: 'muted' }, `A credentialed fetch() from ${o.origin}, per browser`),
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'Browser'), columns.map((c) => el('th', { scope: 'col' }, c.head(cookieLabel)))))
    );
    const tbody = el('tbody');
    for (const b of browsers) {
      const v = o.verdicts[b];
      const tr = el('tr', { 'data-browser': b }, el('th', { scope: 'row' }, b));
      for (const c of columns) tr.append(el('td', {}, verdictCell(section, detail, b, v, c)));
      tbody.append(tr);
    }
    table.append(tbody);
    section.append(el('div', { class: 'matrix-wrap' }, table), detail);
    return section;
  }

  function verdictCell(section, detail, browser, v, c) {
    const value = v[c.key];
    const state_ = value === true ? 'yes' : value === false ? 'no' : 'none';
    const cls = { yes: 'ok', no: 'bad', none: 'none' }[state_];
    const label = c[state_];
    const reasons = v.reasons.map(splitReason).filter((r) => r.step === c.step);
    const why = reasons.map((r) => ({ cookie: r.cookie, text: r.text }));
    if (!why.length && value === false && (c.key === 'sent' || c.key === 'websocket_sent') && v.stored === false) {
      why.push({ cookie: null, text: 'never stored, so never sent' });
    }
    // "Not applicable" is explained once above the table; the cell keeps it for hover and the detail.
    const shownWhy = why.slice();
    if (!why.length && state_ === 'none') why.push({ cookie: null, text: c.noneWhy });
    const words = (w) => (w.cookie ? w.cookie + ': ' : '') + w.text;
    const button = el('button', { type: 'button', class: 'cell', 'aria-pressed': 'false', 'data-browser': browser, 'data-verdict': c.key, 'data-state': state_ },
      el('span', { class: 'tok ' + cls }, label),
      shownWhy.map((w) => el('span', { class: 'why' }, w.cookie ? el('code', {}, w.cookie) : null, w.cookie ? ': ' : null,
        /^[A-Z][A-Za-z]+$/.test(w.text) ? camel(w.text) : w.text))
    );
    const text = `${browser}: ${label}` + (why.length ? '\n' + why.map(words).join('\n') : '');
    button.title = text;
    button.setAttribute('aria-label', `${browser}, ${c.key.replace('_', ' ')}: ${label}` + (why.length ? ` (${why.map(words).join('; ')})` : ''));
    button.addEventListener('click', () => {
      for (const other of section.querySelectorAll('button.cell[aria-pressed="true"]')) other.setAttribute('aria-pressed', 'false');
      button.setAttribute('aria-pressed', 'true');
      const ul = el('ul');
      for (const r of v.reasons.map(splitReason)) {
        ul.append(el('li', {}, r.step ? `${STEP_WORDS[r.step]}${r.cookie ? ' (' + r.cookie + ')' : ''}: ` : '', el('code', {}, r.text)));
      }
      detail.replaceChildren(
        el('h5', {}, `${browser}: every reason`),
        el('p', {}, el('span', { class: 'tok ' + cls }, label), ' ', el('span', { class: 'muted' }, why.map(words).join('; '))),
        v.reasons.length ? ul : el('p', { class: 'muted' }, 'No blocking reason: the cookie is stored and sent, and the response is readable.')
      );
      detail.hidden = false;
    });
    return button;
  }

  /** The YAML line a finding or error points at, with its number and a caret under the column; `before`
   *  lines of context above it (a parser often notices an unclosed bracket a line late). */
  function yamlLine(lines, line, column, before = 0) {
    if (!line || line < 1 || line > lines.length) return null;
    const width = String(line).length;
    const text = lines[line - 1];
    const out = [];
    for (let n = Math.max(1, line - before); n <= line; n++) out.push(`${String(n).padStart(width)} | ${lines[n - 1]}`);
    if (column && column >= 1) out.push(`${' '.repeat(width)} | ${' '.repeat(Math.min(column - 1, text.length))}^`);
    return el('pre', { class: 'yaml-line', 'aria-label': `line ${line} of the pasted YAML` }, el('code', {}, out.join('\n')));
  }

  function renderIngressFindings(report, lines) {
    const box = $('ingress-findings');
    box.replaceChildren();
    report.errors.forEach((e, i) => {
      box.append(
        el('article', { class: 'card finding sev-error yaml-error', 'aria-labelledby': `ing-error-${i}` },
          el('div', { class: 'card-head' },
            el('span', { class: 'tok bad' }, '✗ not read'),
            el('h3', { id: `ing-error-${i}` }, `${e.file}:${e.line}:${e.column}`)
          ),
          el('p', {}, e.message),
          yamlLine(lines, e.line, e.column, 1)
        )
      );
    });
    if (!report.findings.length && !report.errors.length) {
      box.append(el('p', { class: 'muted' }, 'No findings.'));
      return;
    }
    // Errors first, then warnings, then information; input order within each (the sort is stable).
    const rank = { error: 0, warning: 1, info: 2 };
    const ordered = report.findings.slice().sort((a, b) => (rank[a.severity] ?? 3) - (rank[b.severity] ?? 3));
    showInBatches(box, ordered, INGRESS_FINDINGS_SHOWN, (f, i) => ingressFinding(f, i, lines), 'findings');
  }

  function ingressFinding(f, i, lines) {
    const sev = SEVERITY[f.severity] || SEVERITY.info;
    const explain = el('details', { class: 'explain' }, el('summary', {}, `Why, and how to fix it — rule ${f.rule}`));
    const doc = el('div', { class: 'doc' }, el('p', { class: 'muted' }, 'Loading…'));
    explain.append(doc);
    let loaded = false;
    explain.addEventListener('toggle', () => {
      if (!explain.open || loaded) return;
      loaded = true;
      loadRule(f.rule, doc);
    });
    return el('article', { class: `card finding sev-${f.severity}`, 'data-rule': f.rule, 'aria-labelledby': `ing-finding-${i}` },
      el('div', { class: 'card-head' },
        el('span', { class: 'tok ' + sev.cls }, `${sev.symbol} ${sev.label}`),
        el('h3', { id: `ing-finding-${i}` }, el('code', {}, f.rule)),
        el('span', { class: 'req-meta' }, f.line ? `${f.file}:${f.line}:${f.column}` : f.file)
      ),
      el('p', {}, inline(f.message)),
      yamlLine(lines, f.line, f.column),
      f.fix ? el('p', { class: 'fix' }, el('strong', {}, 'Fix: '), inline(f.fix)) : null,
      explain
    );
  }

  // ---------------------------------------------------------------- start

  function start() {
    setupTabs();
    setupHar();
    setupHeaders();
    setupIngress();
  }
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
