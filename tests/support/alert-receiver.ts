// A local alert receiver for tests: a real HTTP server on 127.0.0.1 that
// records what webhooks post (and checks DingTalk's 加签 parameters), and
// a real SMTP server (smtp-server) that records the e-mails it is given.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: unknown;
  at: number;
}

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>` */
  base: string;
  requests: ReceivedRequest[];
  /** Requests to paths starting with `prefix`. */
  at(prefix: string): ReceivedRequest[];
  waitFor(prefix: string, count: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/**
 * Routes: `/fail…` answers 500; `/dingtalk…` checks `timestamp` and `sign`
 * against `dingtalkSecret` (when given) and answers like DingTalk
 * (`{errcode, errmsg}`); `/slack…` answers `ok` as Slack does; anything
 * else answers 200 `{"received":true}`.
 */
export async function startHttpReceiver(options: { dingtalkSecret?: string } = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Kept as text: the test will see it is not JSON.
      }
      requests.push({
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        body,
        at: Date.now(),
      });
      if (url.pathname.startsWith('/fail')) {
        res.writeHead(500, { 'content-type': 'text/plain' }).end('receiver broke');
        return;
      }
      if (url.pathname.startsWith('/dingtalk')) {
        const secret = options.dingtalkSecret;
        let reply = { errcode: 0, errmsg: 'ok' };
        if (secret) {
          const ts = url.searchParams.get('timestamp') ?? '';
          const sign = url.searchParams.get('sign') ?? '';
          const expected = createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
          if (!/^\d{13}$/.test(ts) || Math.abs(Date.now() - Number(ts)) > 3_600_000)
            reply = { errcode: 310000, errmsg: 'invalid timestamp' };
          else if (sign !== expected) reply = { errcode: 310000, errmsg: 'sign not match' };
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(reply));
        return;
      }
      if (url.pathname.startsWith('/slack')) {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const at = (prefix: string) => requests.filter((r) => r.path.startsWith(prefix));
  return {
    base: `http://127.0.0.1:${port}`,
    requests,
    at,
    async waitFor(prefix, count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (at(prefix).length < count) {
        if (Date.now() > deadline)
          throw new Error(
            `receiver: ${at(prefix).length} of ${count} requests to ${prefix} after ${timeoutMs} ms`,
          );
        await new Promise((r) => setTimeout(r, 50));
      }
      return at(prefix);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  user: string | undefined;
  raw: string;
}

export interface SmtpReceiver {
  port: number;
  mails: ReceivedMail[];
  close(): Promise<void>;
}

/** Plain SMTP on 127.0.0.1 (no TLS), login required with `user`/`password`. */
export async function startSmtpReceiver(user: string, password: string): Promise<SmtpReceiver> {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : undefined,
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
