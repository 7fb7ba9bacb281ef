import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A tiny HTTP server on 127.0.0.1 for the REST reader's tests: each request is recorded and answered by the
// test's handler, which can also leave a request hanging or cut the connection.

export interface StubRequest {
  method: string;
  /** Path without the query. */
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** The parsed JSON body of a POST, else undefined. */
  body: unknown;
}

export type StubAnswer =
  | { status?: number; headers?: Record<string, string>; json?: unknown; text?: string; delayMs?: number }
  | 'hang'
  | 'destroy';

export interface Stub {
  url: string;
  requests: StubRequest[];
  /** Requests being handled right now, and the most at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export async function startStub(handler: (req: StubRequest) => StubAnswer | Promise<StubAnswer>): Promise<Stub> {
  const sockets = new Set<import('node:net').Socket>();
  const stub: Stub = { url: '', requests: [], inFlight: 0, maxInFlight: 0, close: async () => undefined };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://stub');
      const raw = Buffer.concat(chunks).toString('utf8');
      const record: StubRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body: raw ? JSON.parse(raw) : undefined };
      stub.requests.push(record);
      stub.inFlight++;
      stub.maxInFlight = Math.max(stub.maxInFlight, stub.inFlight);
      const answer = await handler(record);
      if (answer === 'hang') return; // stays in flight until the client gives up or the server closes
      if (answer === 'destroy') {
        stub.inFlight--;
        req.socket.destroy();
        return;
      }
      if (answer.delayMs) await new Promise((r) => setTimeout(r, answer.delayMs));
      stub.inFlight--;
      const body = answer.json !== undefined ? JSON.stringify(answer.json) : (answer.text ?? '');
      const type = answer.json !== undefined ? 'application/json' : 'text/plain';
      res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
      res.end(body);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  stub.url = `http://127.0.0.1:${port}`;
  stub.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return stub;
}

/** A port nothing listens on: one the OS just gave out and took back. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
