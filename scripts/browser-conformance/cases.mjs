// The scenario matrix. Every case runs once per mode (third-party cookies allowed / blocked).
//
// A case has `routes` (see server.mjs) and `steps`, run in order:
//   { goto: url }                       browser-initiated top-level navigation in a NEW page
//                                       (a HAR page per top level, as DevTools exports have)
//   { fetch: url, method, credentials, headers, body }   fetch() from the current page
//   { xhr: url, method, withCredentials, headers, body } XMLHttpRequest from the current page
//   { img: url } / { iframe: url } / { ws: url }          subresource, frame, WebSocket
//   { link: url }                       top-level GET navigation started by the page (location.href)
//   { post: url }                       top-level POST navigation started by the page (form submit)
// Cookie values are made up (r1, 1, ...): never real secrets.

const A = 'https://kontext.build';
const A2 = 'https://app.kontext.build';
const AH = 'http://kontext.build';
const B = 'https://jsbundler.coinnation.io';
const B0 = 'https://coinnation.io';
const C = 'https://example.com';

/** Hostnames the server answers for (the TLS certificate and --host-resolver-rules list them). */
export const HOSTS = ['kontext.build', 'app.kontext.build', 'jsbundler.coinnation.io', 'coinnation.io', 'example.com', 'www.example.com'];

const JSON_POST = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"doc":1}' };

function seedCases() {
  // The seed case: https://kontext.build's editor talks to https://jsbundler.coinnation.io/kontext/*,
  // whose load balancer sets an affinity cookie `route`.
  const out = [];
  const lines = {
    'route-httponly': 'route=r1; Path=/; HttpOnly',
    'route-none-secure': 'route=r1; Path=/; HttpOnly; SameSite=None; Secure',
  };
  const cors = {
    'cors-ok': { cors: 'credentialed', preflight: 'ok' },
    'cors-no-credentials': { cors: 'origin', preflight: 'no-credentials' },
    'cors-none': { cors: 'none', preflight: 'none' },
  };
  for (const [ln, line] of Object.entries(lines)) {
    for (const credentials of ['default', 'include']) {
      for (const [cn, c] of Object.entries(cors)) {
        if (credentials === 'default' && cn !== 'cors-ok') continue;
        const cred = credentials === 'default' ? {} : { credentials };
        out.push({
          name: `seed-${ln}-${credentials}-${cn}`,
          description: `kontext.build POSTs JSON to jsbundler.coinnation.io/kontext/preview (sets ${line}), then update, DELETE and a WebSocket; fetch credentials ${credentials}; ${cn}`,
          routes: {
            [`jsbundler.coinnation.io/kontext/preview`]: { ...c, setCookies: [line], contentType: 'application/json' },
            [`jsbundler.coinnation.io/kontext/update`]: { ...c, contentType: 'application/json' },
            [`jsbundler.coinnation.io/kontext/session`]: { ...c, contentType: 'application/json' },
          },
          steps: [
            { goto: `${A}/editor` },
            { fetch: `${B}/kontext/preview`, ...JSON_POST, ...cred },
            { fetch: `${B}/kontext/update`, ...JSON_POST, ...cred },
            { fetch: `${B}/kontext/session`, method: 'DELETE', ...cred },
            { ws: `wss://jsbundler.coinnation.io/kontext/ws` },
          ],
        });
      }
    }
  }
  return out;
}

const SAMESITE_LINES = {
  strict: 'c=1; Path=/; Secure; SameSite=Strict',
  lax: 'c=1; Path=/; Secure; SameSite=Lax',
  none: 'c=1; Path=/; Secure; SameSite=None',
  absent: 'c=1; Path=/; Secure',
  invalid: 'c=1; Path=/; Secure; SameSite=Bogus',
};

const ACTIONS = {
  'fetch-include': { fetch: `${B}/echo`, credentials: 'include' },
  'fetch-default': { fetch: `${B}/echo` },
  'fetch-omit': { fetch: `${B}/echo`, credentials: 'omit' },
  'xhr-credentials': { xhr: `${B}/echo`, withCredentials: true },
  'xhr-plain': { xhr: `${B}/echo`, withCredentials: false },
  img: { img: `${B}/pixel` },
  iframe: { iframe: `${B}/frame` },
  ws: { ws: 'wss://jsbundler.coinnation.io/socket' },
  'nav-get': { link: `${B}/landing` },
  'nav-post': { post: `${B}/landing` },
};

function sendMatrix() {
  // A cookie stored first-party on jsbundler.coinnation.io, then a request to it from kontext.build.
  const out = [];
  for (const [sn, line] of Object.entries(SAMESITE_LINES)) {
    for (const [an, action] of Object.entries(ACTIONS)) {
      if (an === 'fetch-omit' && sn !== 'none') continue;
      if (an === 'xhr-plain' && sn !== 'none') continue;
      out.push({
        name: `send-${sn}-${an}`,
        description: `cookie \`${line}\` set first-party on jsbundler.coinnation.io; kontext.build then makes a ${an} request to it`,
        routes: {
          'jsbundler.coinnation.io/seed': { setCookies: [line] },
          'jsbundler.coinnation.io/echo': { cors: 'credentialed' },
          'jsbundler.coinnation.io/pixel': { image: true },
        },
        steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, action],
      });
    }
  }
  return out;
}

function setMatrix() {
  // A Set-Cookie on a response to a request from kontext.build to jsbundler.coinnation.io.
  const lines = { ...SAMESITE_LINES, 'none-insecure': 'c=1; Path=/; SameSite=None' };
  const out = [];
  const how = {
    'fetch-include': (u) => ({ fetch: u, credentials: 'include' }),
    iframe: (u) => ({ iframe: u }),
    'nav-get': (u) => ({ link: u }),
    'nav-post': (u) => ({ post: u }),
  };
  for (const [sn, line] of Object.entries(lines)) {
    for (const [hn, step] of Object.entries(how)) {
      if (hn !== 'fetch-include' && !['strict', 'lax', 'none'].includes(sn)) continue;
      out.push({
        name: `set-${sn}-${hn}`,
        description: `kontext.build makes a ${hn} request to jsbundler.coinnation.io/set, which answers \`${line}\`; then a first-party visit shows the jar`,
        routes: { 'jsbundler.coinnation.io/set': { cors: 'credentialed', setCookies: [line] } },
        steps: [{ goto: `${A}/` }, step(`${B}/set`), { goto: `${B}/check` }],
      });
    }
  }
  return out;
}

function attributeCases() {
  const out = [];
  const first = (name, description, host, setLines, checkUrls) => out.push({
    name,
    description,
    routes: { [`${new URL(host).hostname}/seed`]: { setCookies: setLines } },
    steps: [{ goto: `${host}/seed` }, ...checkUrls.map((u) => ({ goto: u }))],
  });
  first('domain-parent', 'Domain=kontext.build from app.kontext.build reaches the apex', A2, ['d=1; Path=/; Domain=kontext.build'], [`${A}/`]);
  first('domain-dot', 'Domain=.kontext.build (leading dot ignored)', A2, ['d=1; Path=/; Domain=.kontext.build'], [`${A}/`, `${A2}/`]);
  first('domain-foreign', 'Domain=example.com from app.kontext.build is rejected', A2, ['d=1; Path=/; Domain=example.com'], [`${A2}/`]);
  first('domain-public-suffix', 'Domain=build (a public suffix) is rejected', A2, ['d=1; Path=/; Domain=build'], [`${A2}/`]);
  first('domain-host-only-sibling', 'a host-only cookie of app.kontext.build is not sent to kontext.build', A2, ['h=1; Path=/'], [`${A}/`, `${A2}/`]);
  first('domain-child', 'Domain=app.kontext.build set from kontext.build is rejected', A, ['d=1; Path=/; Domain=app.kontext.build'], [`${A2}/`]);
  first('path-mismatch', 'Path=/admin is not sent to /', A, ['p=1; Path=/admin'], [`${A}/`, `${A}/admin/x`]);
  first('path-default', 'no Path: the default path is the directory of the request path', A, ['p=1'], [`${A}/`, `${A}/seed`]);
  first('prefix-host-ok', '__Host- with Secure, Path=/ and no Domain', A, ['__Host-a=1; Secure; Path=/'], [`${A}/`]);
  first('prefix-host-domain', '__Host- with Domain is rejected', A, ['__Host-b=1; Secure; Path=/; Domain=kontext.build'], [`${A}/`]);
  first('prefix-host-no-secure', '__Host- without Secure is rejected', A, ['__Host-c=1; Path=/'], [`${A}/`]);
  first('prefix-host-path', '__Host- with Path=/x is rejected', A, ['__Host-e=1; Secure; Path=/x'], [`${A}/x/y`]);
  first('prefix-secure-ok', '__Secure- with Secure', A, ['__Secure-d=1; Secure; Path=/'], [`${A}/`]);
  first('prefix-secure-no-secure', '__Secure- without Secure is rejected', A, ['__Secure-f=1; Path=/'], [`${A}/`]);
  first('secure-from-http', 'a Secure cookie from http:// is rejected', AH, ['s=1; Path=/; Secure'], [`${AH}/`]);
  first('secure-not-sent-http', 'a Secure cookie set over https is not sent to http://', A, ['s=1; Path=/; Secure'], [`${AH}/`, `${A}/`]);
  first('insecure-over-http', 'a plain cookie from http:// is sent to http:// and https://', AH, ['i=1; Path=/'], [`${AH}/`, `${A}/`]);
  first('expire-max-age-0', 'Max-Age=0 deletes', A, ['x=1; Path=/'], []);
  out[out.length - 1].routes['kontext.build/expire'] = { setCookies: ['x=; Path=/; Max-Age=0'] };
  out[out.length - 1].steps.push({ goto: `${A}/expire` }, { goto: `${A}/` });
  first('expire-past-date', 'an Expires date in the past deletes', A, ['x=1; Path=/'], []);
  out[out.length - 1].routes['kontext.build/expire'] = { setCookies: ['x=gone; Path=/; Expires=Thu, 01 Jan 1970 00:00:01 GMT'] };
  out[out.length - 1].steps.push({ goto: `${A}/expire` }, { goto: `${A}/` });
  first('expire-future', 'a Max-Age in the future keeps the cookie', A, ['x=1; Path=/; Max-Age=3600', 'y=1; Path=/; Expires=Fri, 01 Jan 2100 00:00:00 GMT'], [`${A}/`]);
  first('overwrite-secure-from-http', 'http:// may not overwrite a Secure cookie', A, ['o=1; Path=/; Secure'], []);
  out[out.length - 1].routes['kontext.build/plain'] = { setCookies: ['o=2; Path=/'] };
  out[out.length - 1].steps.push({ goto: `${AH}/plain` }, { goto: `${A}/` });
  first('many-cookies-order', 'several cookies, longer paths first', A, ['m=1; Path=/', 'm=2; Path=/deep', 'n=1; Path=/deep/er'], [`${A}/deep/er/x`]);
  return out;
}

function contextCases() {
  const out = [];
  // Same-site but cross-origin: app.kontext.build talks to kontext.build.
  for (const [sn, line] of Object.entries({ strict: SAMESITE_LINES.strict, absent: SAMESITE_LINES.absent })) {
    for (const cred of ['include', 'default']) {
      out.push({
        name: `samesite-cross-origin-${sn}-${cred}`,
        description: `app.kontext.build fetches kontext.build (same site, other origin) with credentials ${cred}; cookie \`${line}\``,
        routes: { 'kontext.build/seed': { setCookies: [line] }, 'kontext.build/api': { cors: 'credentialed', setCookies: ['t=1; Path=/; Secure; SameSite=Strict'] } },
        steps: [{ goto: `${A}/seed` }, { goto: `${A2}/` }, { fetch: `${A}/api`, ...(cred === 'include' ? { credentials: 'include' } : {}) }],
      });
    }
  }
  // Schemeful same-site: http://kontext.build fetches https://kontext.build.
  for (const [sn, line] of Object.entries({ lax: 'c=1; Path=/; SameSite=Lax', strict: 'c=1; Path=/; SameSite=Strict', absent: 'c=1; Path=/', none: 'c=1; Path=/; SameSite=None; Secure' })) {
    out.push({
      name: `schemeful-${sn}`,
      description: `http://kontext.build fetches https://kontext.build with credentials include; cookie \`${line}\` set over https`,
      routes: { 'kontext.build/seed': { setCookies: [line] }, 'kontext.build/api': { cors: 'credentialed' } },
      steps: [{ goto: `${A}/seed` }, { goto: `${AH}/` }, { fetch: `${A}/api`, credentials: 'include' }],
    });
  }
  // Registrable domain: coinnation.io and jsbundler.coinnation.io share cookies with Domain.
  out.push({
    name: 'apex-domain-cookie-to-subdomain',
    description: 'coinnation.io sets Domain=coinnation.io; kontext.build fetches jsbundler.coinnation.io with include',
    routes: { 'coinnation.io/seed': { setCookies: ['a=1; Path=/; Domain=coinnation.io; SameSite=None; Secure', 'h=1; Path=/; SameSite=None; Secure'] }, 'jsbundler.coinnation.io/echo': { cors: 'credentialed' } },
    steps: [{ goto: `${B0}/seed` }, { goto: `${A}/` }, { fetch: `${B}/echo`, credentials: 'include' }],
  });
  // Partitioned (CHIPS).
  out.push({
    name: 'partitioned-set-and-send',
    description: 'kontext.build fetches jsbundler.coinnation.io which sets a Partitioned cookie; sent again under kontext.build, not under example.com',
    routes: { 'jsbundler.coinnation.io/set': { cors: 'credentialed', setCookies: ['p=1; Path=/; Secure; SameSite=None; Partitioned'] }, 'jsbundler.coinnation.io/echo': { cors: 'credentialed' } },
    steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo`, credentials: 'include' }, { goto: `${C}/` }, { fetch: `${B}/echo`, credentials: 'include' }],
  });
  out.push({
    name: 'partitioned-no-secure',
    description: 'Partitioned without Secure is rejected',
    routes: { 'jsbundler.coinnation.io/set': { cors: 'credentialed', setCookies: ['p=1; Path=/; SameSite=None; Partitioned'] }, 'jsbundler.coinnation.io/echo': { cors: 'credentialed' } },
    steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo`, credentials: 'include' }],
  });
  out.push({
    name: 'partitioned-first-party',
    description: 'a Partitioned cookie set first-party is in the site\'s own partition and not sent from kontext.build',
    routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['p=1; Path=/; Secure; SameSite=None; Partitioned'] }, 'jsbundler.coinnation.io/echo': { cors: 'credentialed' } },
    steps: [{ goto: `${B}/seed` }, { goto: `${B}/again` }, { goto: `${A}/` }, { fetch: `${B}/echo`, credentials: 'include' }],
  });
  out.push({
    name: 'partitioned-iframe',
    description: 'a cross-site iframe sets a Partitioned cookie and reads it back in a second iframe',
    routes: { 'jsbundler.coinnation.io/frame': { setCookies: ['p=1; Path=/; Secure; SameSite=None; Partitioned', 'u=1; Path=/; Secure; SameSite=None'] } },
    steps: [{ goto: `${A}/` }, { iframe: `${B}/frame` }, { iframe: `${B}/frame2` }],
  });
  return out;
}

function redirectCases() {
  const out = [];
  out.push({
    name: 'redirect-fetch-same-site',
    description: 'kontext.build fetches jsbundler.coinnation.io/r which redirects to /echo (cookie None; Secure set first-party)',
    routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['c=1; Path=/; Secure; SameSite=None', 'l=1; Path=/; Secure; SameSite=Lax'] }, 'jsbundler.coinnation.io/r': { status: 302, location: '/echo', cors: 'credentialed', setCookies: ['hop=1; Path=/; Secure; SameSite=None'] }, 'jsbundler.coinnation.io/echo': { cors: 'credentialed' } },
    steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, { fetch: `${B}/r`, credentials: 'include' }],
  });
  out.push({
    name: 'redirect-nav-cross-site-back',
    description: 'kontext.build navigates to example.com/r which redirects back to kontext.build: a cross-site redirect chain for Strict and Lax cookies',
    routes: { 'kontext.build/seed': { setCookies: ['s=1; Path=/; Secure; SameSite=Strict', 'l=1; Path=/; Secure; SameSite=Lax', 'n=1; Path=/; Secure; SameSite=None'] }, 'example.com/r': { status: 302, location: `${A}/back` } },
    steps: [{ goto: `${A}/seed` }, { link: `${C}/r` }],
  });
  out.push({
    name: 'redirect-img-cross-site-back',
    description: 'kontext.build loads an image from example.com/r which redirects back to kontext.build',
    routes: { 'kontext.build/seed': { setCookies: ['s=1; Path=/; Secure; SameSite=Strict', 'l=1; Path=/; Secure; SameSite=Lax', 'n=1; Path=/; Secure; SameSite=None'] }, 'example.com/r': { status: 302, location: `${A}/pixel` }, 'kontext.build/pixel': { image: true } },
    steps: [{ goto: `${A}/seed` }, { img: `${C}/r` }],
  });
  out.push({
    name: 'redirect-nav-sets-cookie',
    description: 'a top-level navigation through a redirect that sets cookies on each hop',
    routes: { 'example.com/r': { status: 302, location: `${B}/r2`, setCookies: ['e=1; Path=/; SameSite=Lax'] }, 'jsbundler.coinnation.io/r2': { status: 302, location: `${B}/final`, setCookies: ['b=1; Path=/; Secure; SameSite=Strict'] } },
    steps: [{ goto: `${A}/` }, { link: `${C}/r` }, { goto: `${B}/check` }, { goto: `${C}/check` }],
  });
  return out;
}

function preflightCases() {
  const out = [];
  const variants = {
    'put-ok': [{ method: 'PUT', body: 'x' }, 'ok'],
    'put-wrong-method': [{ method: 'PUT', body: 'x' }, 'wrong-method'],
    'delete-ok': [{ method: 'DELETE' }, 'ok'],
    'delete-none': [{ method: 'DELETE' }, 'none'],
    'json-ok': [JSON_POST, 'ok'],
    'json-500': [JSON_POST, 'status500'],
    'custom-header-ok': [{ method: 'GET', headers: { 'x-token': 'made-up' } }, 'ok'],
    'custom-header-no-credentials': [{ method: 'GET', headers: { 'x-token': 'made-up' } }, 'no-credentials'],
  };
  for (const [vn, [req, preflight]] of Object.entries(variants)) {
    out.push({
      name: `preflight-${vn}`,
      description: `kontext.build sends a preflighted ${req.method} to jsbundler.coinnation.io/api with credentials include; preflight answered ${preflight}`,
      routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['c=1; Path=/; Secure; SameSite=None'] }, 'jsbundler.coinnation.io/api': { cors: 'credentialed', preflight, setCookies: ['after=1; Path=/; Secure; SameSite=None'] } },
      steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, { fetch: `${B}/api`, credentials: 'include', ...req }],
    });
  }
  return out;
}

function laxAllowUnsafe() {
  return [{
    name: 'lax-allow-unsafe-expired',
    description: 'the same after waiting 125 s: the cookie without SameSite is over two minutes old and no longer goes on a cross-site top-level POST (the case records in a browser of its own, beside the others)',
    routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['u=1; Path=/; Secure', 'l=1; Path=/; Secure; SameSite=Lax'] } },
    steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, { wait: 125000 }, { post: `${B}/landing` }],
  }, {
    name: 'lax-allow-unsafe-fresh',
    description: 'a cookie without SameSite, under two minutes old, still goes on a cross-site top-level POST (Chrome\'s Lax-allowing-unsafe)',
    routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['u=1; Path=/; Secure', 'l=1; Path=/; Secure; SameSite=Lax'] } },
    steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, { post: `${B}/landing` }],
  }];
}

function sameTabNavigation() {
  // A top-level navigation inside one tab (one HAR page), then requests from the new document: the
  // top-level site changes mid-page.
  return [{
    name: 'same-tab-navigation-then-fetch',
    description: 'kontext.build navigates its tab to jsbundler.coinnation.io/landing, whose document then fetches kontext.build (now cross-site) with credentials include',
    routes: {
      'kontext.build/seed': { setCookies: ['l=1; Path=/; Secure; SameSite=Lax', 'n=1; Path=/; Secure; SameSite=None'] },
      'kontext.build/api': { cors: 'credentialed' },
    },
    steps: [{ goto: `${A}/seed` }, { link: `${B}/landing` }, { fetch: `${A}/api`, credentials: 'include' }],
  }, {
    name: 'same-tab-navigation-back-then-fetch',
    description: 'the page navigates its tab from jsbundler.coinnation.io to kontext.build, whose document then fetches kontext.build (same origin)',
    routes: {
      'kontext.build/seed': { setCookies: ['l=1; Path=/; Secure; SameSite=Lax'] },
      'kontext.build/api': { cors: 'credentialed' },
    },
    steps: [{ goto: `${A}/seed` }, { goto: `${B}/start` }, { link: `${A}/home` }, { fetch: `${A}/api`, credentials: 'include' }],
  }];
}

function corsCases() {
  // Requests that need no preflight, so the CORS check runs on the response itself; the response also
  // sets a cookie (Chrome stores it even when the page may not read the response).
  const out = [];
  const answers = { credentialed: 'credentialed', 'origin-only': 'origin', wildcard: 'wildcard', none: 'none' };
  const requests = {
    'fetch-include': { fetch: `${B}/data`, credentials: 'include' },
    'fetch-default': { fetch: `${B}/data` },
    'xhr-credentials': { xhr: `${B}/data`, withCredentials: true },
    'post-text-include': { fetch: `${B}/data`, credentials: 'include', method: 'POST', body: 'x' },
  };
  for (const [an, cors] of Object.entries(answers)) {
    for (const [rn, step] of Object.entries(requests)) {
      if (rn === 'post-text-include' && an !== 'origin-only') continue;
      out.push({
        name: `cors-${an}-${rn}`,
        description: `kontext.build makes a simple ${rn} request to jsbundler.coinnation.io/data, answered with CORS ${an} and a SameSite=None cookie`,
        routes: {
          'jsbundler.coinnation.io/seed': { setCookies: ['c=1; Path=/; Secure; SameSite=None'] },
          'jsbundler.coinnation.io/data': { cors, setCookies: ['k=1; Path=/; Secure; SameSite=None'], contentType: 'application/json' },
        },
        steps: [{ goto: `${B}/seed` }, { goto: `${A}/` }, step, { goto: `${B}/check` }],
      });
    }
  }
  return out;
}

/** Every case, names unique. */
export function allCases() {
  const cases = [...seedCases(), ...sendMatrix(), ...setMatrix(), ...attributeCases(), ...contextCases(), ...redirectCases(), ...preflightCases(), ...laxAllowUnsafe(), ...sameTabNavigation(), ...corsCases()];
  const seen = new Set();
  for (const c of cases) {
    if (seen.has(c.name)) throw new Error(`duplicate case ${c.name}`);
    seen.add(c.name);
  }
  return cases;
}
