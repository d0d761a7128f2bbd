// Cases recorded for Firefox only, beside the shared matrix of ../cases.mjs (same step and route
// vocabulary). They show what the shared matrix cannot under Total Cookie Protection: there a cookie
// set in a third-party context lives in the top-level site's partition, so a later first-party visit
// never shows it, and a first-party cookie is never sent in a third-party context at all.
// Cookie values are made up: never real secrets.

const A = 'https://kontext.build';
const AH = 'http://kontext.build';
const B = 'https://jsbundler.coinnation.io';
const C = 'https://example.com';

/** The Firefox-only cases, names prefixed `ff-`. */
export function firefoxCases() {
  const echo = { cors: 'credentialed' };
  return [
    {
      name: 'ff-tcp-third-party-cookie-stays-in-its-partition',
      description: 'under kontext.build a credentialed fetch to jsbundler.coinnation.io sets cookies (SameSite absent, None); they go back under kontext.build, not under example.com, and not first-party',
      routes: {
        'jsbundler.coinnation.io/set': { ...echo, setCookies: ['u=1; Path=/; Secure', 'n=1; Path=/; Secure; SameSite=None'] },
        'jsbundler.coinnation.io/echo': echo,
      },
      steps: [
        { goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo`, credentials: 'include' },
        { goto: `${C}/` }, { fetch: `${B}/echo`, credentials: 'include' },
        { goto: `${B}/check` },
      ],
    },
    {
      name: 'ff-no-samesite-cross-site-fetch-sent',
      description: 'no Lax-by-default: a cookie without SameSite set in a cross-site fetch goes on later cross-site credentialed fetches and a cross-site POST navigation from the same top level',
      routes: {
        'jsbundler.coinnation.io/set': { ...echo, setCookies: ['u=1; Path=/; Secure', 'l=1; Path=/; Secure; SameSite=Lax'] },
        'jsbundler.coinnation.io/echo': echo,
      },
      steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include', method: 'POST', body: 'x' }, { fetch: `${B}/echo`, credentials: 'include' }, { xhr: `${B}/echo`, withCredentials: true }],
    },
    {
      name: 'ff-fetch-default-credentials-third-party',
      description: 'a cross-site fetch with the default credentials (same-origin) sends no cookie although the partition holds one',
      routes: {
        'jsbundler.coinnation.io/set': { ...echo, setCookies: ['n=1; Path=/; Secure; SameSite=None'] },
        'jsbundler.coinnation.io/echo': echo,
      },
      steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo` }, { xhr: `${B}/echo`, withCredentials: false }],
    },
    {
      name: 'ff-none-without-secure-third-party',
      description: 'SameSite=None without Secure is rejected (Firefox 131+): set in a third-party fetch, only the Secure one comes back',
      routes: {
        'jsbundler.coinnation.io/set': { ...echo, setCookies: ['c=1; Path=/; SameSite=None', 'ok=1; Path=/; Secure; SameSite=None'] },
        'jsbundler.coinnation.io/echo': echo,
      },
      steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo`, credentials: 'include' }],
    },
    {
      name: 'ff-none-without-secure-first-party',
      description: 'SameSite=None without Secure set first-party over https is rejected; a plain cookie beside it is kept',
      routes: { 'jsbundler.coinnation.io/seed': { setCookies: ['c=1; Path=/; SameSite=None', 'd=1; Path=/'] } },
      steps: [{ goto: `${B}/seed` }, { goto: `${B}/check` }],
    },
    {
      name: 'ff-schemeless-strict-navigation',
      description: 'http://kontext.build links to https://kontext.build: the same site for Firefox (no schemeful same-site), so a Strict cookie goes',
      routes: { 'kontext.build/seed': { setCookies: ['s=1; Path=/; Secure; SameSite=Strict', 'l=1; Path=/; Secure; SameSite=Lax'] } },
      steps: [{ goto: `${A}/seed` }, { goto: `${AH}/` }, { link: `${A}/landing` }],
    },
    {
      name: 'ff-tcp-iframe',
      description: 'a cross-site iframe under kontext.build sets an unpartitioned-looking cookie; a second iframe under kontext.build gets it, one under example.com does not',
      routes: { 'jsbundler.coinnation.io/frame': { setCookies: ['f=1; Path=/; Secure; SameSite=None'] } },
      steps: [{ goto: `${A}/` }, { iframe: `${B}/frame` }, { iframe: `${B}/frame2` }, { goto: `${C}/` }, { iframe: `${B}/frame3` }],
    },
    {
      name: 'ff-partitioned-and-plain-third-party',
      description: 'a Partitioned and a plain SameSite=None cookie set in one third-party response are sent alike under the same top level and neither under another',
      routes: {
        'jsbundler.coinnation.io/set': { ...echo, setCookies: ['p=1; Path=/; Secure; SameSite=None; Partitioned', 'n=1; Path=/; Secure; SameSite=None'] },
        'jsbundler.coinnation.io/echo': echo,
      },
      steps: [{ goto: `${A}/` }, { fetch: `${B}/set`, credentials: 'include' }, { fetch: `${B}/echo`, credentials: 'include' }, { goto: `${C}/` }, { fetch: `${B}/echo`, credentials: 'include' }],
    },
  ];
}
