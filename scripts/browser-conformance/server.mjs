// The test server: one HTTPS and one HTTP listener on loopback (ports chosen at run time) that serve
// every test hostname (Chromium maps them to 127.0.0.1 with --host-resolver-rules).
//
// Each case installs its routes (`setRoutes`); a route says which Set-Cookie lines, CORS headers,
// redirect and body a path answers with. Every request is logged with the Cookie header the server
// received, which becomes part of the truth ("what the server got").

import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * A route:
 *   status      response status (default 200; 3xx with `location` redirects)
 *   location    redirect target
 *   setCookies  Set-Cookie lines
 *   cors        'none' | 'credentialed' (ACAO=origin, ACAC=true) | 'origin' (ACAO=origin, no ACAC) | 'wildcard'
 *   preflight   how OPTIONS with Access-Control-Request-Method is answered:
 *               'ok' (reflect origin, method and headers, ACAC=true) | 'none' | 'no-credentials' | 'wrong-method' | 'status500'
 *   html        HTML body (default: a tiny page)
 *   contentType overrides the content type
 */
export class TestServer {
  constructor({ key, cert }) {
    this.routes = new Map();
    this.log = [];
    const handler = (secure) => (req, res) => this.handle(req, res, secure);
    this.https = https.createServer({ key, cert }, handler(true));
    this.http = http.createServer(handler(false));
    for (const [srv, secure] of [[this.https, true], [this.http, false]]) {
      srv.on('upgrade', (req, socket) => this.upgrade(req, socket, secure));
      srv.on('clientError', (_e, socket) => socket.destroy());
    }
  }

  async listen() {
    const on = (srv) => new Promise((ok, fail) => {
      srv.once('error', fail);
      srv.listen(0, '127.0.0.1', () => ok(srv.address().port));
    });
    this.httpsPort = await on(this.https);
    this.httpPort = await on(this.http);
  }

  close() {
    this.https.closeAllConnections?.();
    this.http.closeAllConnections?.();
    this.https.close();
    this.http.close();
  }

  /** Installs one case's routes (keys: `/path` or `host/path`) and clears the request log. */
  setRoutes(routes) {
    this.routes = new Map(Object.entries(routes));
    this.log = [];
  }

  route(host, path) {
    return this.routes.get(`${host}${path}`) ?? this.routes.get(path) ?? {};
  }

  record(req, secure) {
    const url = new URL(req.url, `${secure ? 'https' : 'http'}://${req.headers.host}`);
    const host = url.hostname;
    this.log.push({
      method: req.method,
      url: `${secure ? 'https' : 'http'}://${host}${url.pathname}${url.search}`,
      cookie: req.headers.cookie ?? null,
    });
    return { host, path: url.pathname };
  }

  handle(req, res, secure) {
    const { host, path } = this.record(req, secure);
    const r = this.route(host, path);
    const origin = req.headers.origin;
    const headers = { 'cache-control': 'no-store' };
    const isPreflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'];
    if (isPreflight) {
      const p = r.preflight ?? 'none';
      let status = 204;
      if (p !== 'none' && origin) {
        headers['access-control-allow-origin'] = origin;
        if (p !== 'no-credentials') headers['access-control-allow-credentials'] = 'true';
        headers['access-control-allow-methods'] = p === 'wrong-method' ? 'GET' : req.headers['access-control-request-method'];
        const wanted = req.headers['access-control-request-headers'];
        if (wanted) headers['access-control-allow-headers'] = wanted;
        if (p === 'status500') status = 500;
      }
      res.writeHead(status, headers);
      res.end();
      return;
    }
    const cors = r.cors ?? 'none';
    if (origin && cors !== 'none') {
      headers['access-control-allow-origin'] = cors === 'wildcard' ? '*' : origin;
      if (cors === 'credentialed') headers['access-control-allow-credentials'] = 'true';
    }
    const lines = r.setCookies ?? [];
    const out = Object.entries(headers);
    for (const l of lines) out.push(['set-cookie', l]);
    const status = r.status ?? 200;
    if (r.location) out.push(['location', r.location]);
    let body = '';
    if (r.image) {
      out.push(['content-type', 'image/gif']);
      body = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64');
    } else {
      out.push(['content-type', r.contentType ?? 'text/html; charset=utf-8']);
      body = r.html ?? '<!doctype html><title>crossjar</title><link rel=icon href="data:,"><p>ok</p>';
    }
    res.writeHead(status, out.flat().length ? rawHeaders(out) : undefined);
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  upgrade(req, socket, secure) {
    const { host, path } = this.record(req, secure);
    const r = this.route(host, path);
    const key = req.headers['sec-websocket-key'];
    if (!key || (req.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
      socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const accept = crypto.createHash('sha1').update(key + WS_GUID).digest('base64');
    const lines = [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${accept}`,
      ...(r.setCookies ?? []).map((l) => `Set-Cookie: ${l}`),
    ];
    socket.write(lines.join('\r\n') + '\r\n\r\n');
    // A close frame (status 1000) right away: the handshake is all a case needs.
    socket.end(Buffer.from([0x88, 0x02, 0x03, 0xe8]));
    socket.on('error', () => {});
  }
}

/** Node's writeHead takes a flat [name, value, name, value, ...] array to keep repeated headers. */
function rawHeaders(pairs) {
  return pairs.flat();
}
