/**
 * A small stateful stand-in of Twilio's Serverless API (services, environments, functions and
 * assets with their uploaded versions, builds and their status, variables, deployments), for
 * the offline deploy test. It is reached the way a deploy reaches Twilio: over HTTPS to
 * serverless.twilio.com and serverless-upload.twilio.com, through an HTTP proxy (HTTP_PROXY,
 * which the toolkit's client honours) that tunnels those two hosts to this loopback server,
 * under a throwaway certificate the deploy process is told to trust. Nothing else is tunnelled.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect, type AddressInfo } from 'node:net';
import { makeTestCertificate, type TestCertificate } from './tls';

export const SERVERLESS_HOSTS = ['serverless.twilio.com', 'serverless-upload.twilio.com'];

interface Version {
  sid: string;
  path: string;
  visibility: string;
  content: string;
}

export interface Build {
  sid: string;
  functionVersions: string[];
  assetVersions: string[];
  dependencies: Array<{ name: string; version: string }>;
  runtime: string;
  statusPolls: number;
}

export interface RecordedCall {
  method: string;
  host: string;
  path: string;
}

let counter = 0;
const sid = (prefix: string) => `${prefix}${(++counter).toString(16).padStart(32, '0')}`;

export class FakeServerless {
  readonly services: Array<{ sid: string; unique_name: string; include_credentials: boolean }> = [];
  readonly environments: Array<{ sid: string; service_sid: string; unique_name: string; domain_suffix: string | null; domain_name: string }> = [];
  readonly resources: Array<{ sid: string; service_sid: string; kind: 'function' | 'asset'; friendly_name: string }> = [];
  readonly versions = new Map<string, Version>();
  readonly builds: Build[] = [];
  readonly variables: Array<{ sid: string; environment_sid: string; key: string; value: string }> = [];
  readonly deployments: Array<{ sid: string; environment_sid: string; build_sid: string }> = [];
  readonly calls: RecordedCall[] = [];

  private tls?: TestCertificate;
  private servers: Server[] = [];
  /** Tunnels leave the proxy's own bookkeeping: they are closed here. */
  private readonly tunnels = new Set<import('node:stream').Duplex>();

  constructor(private readonly credentials: { username: string; password: string }) {}

  /** Start the stand-in and its proxy; returns what a deploy process needs in its environment. */
  async start(): Promise<{ HTTP_PROXY: string; NODE_EXTRA_CA_CERTS: string }> {
    this.tls = makeTestCertificate(SERVERLESS_HOSTS);
    const api = createHttpsServer({ cert: this.tls.cert, key: this.tls.key }, (req, res) => {
      this.handle(req, res).catch((err: unknown) => this.send(res, 500, { message: String(err) }));
    });
    await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
    const apiPort = (api.address() as AddressInfo).port;
    const proxy = createHttpServer((_req, res) => {
      res.writeHead(403).end();
    });
    proxy.on('connect', (req: IncomingMessage, socket, head) => {
      const [host, port] = (req.url ?? '').split(':');
      if (!SERVERLESS_HOSTS.includes(host ?? '') || port !== '443') {
        socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
        return;
      }
      const upstream = connect(apiPort, '127.0.0.1', () => {
        socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      this.tunnels.add(socket);
      this.tunnels.add(upstream);
      socket.on('close', () => this.tunnels.delete(socket));
      upstream.on('close', () => this.tunnels.delete(upstream));
      upstream.on('error', () => socket.destroy());
      socket.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    this.servers = [api, proxy];
    return { HTTP_PROXY: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`, NODE_EXTRA_CA_CERTS: this.tls.certPath };
  }

  /**
   * The same stand-in over plain HTTP on loopback (no proxy, no certificate), for a client
   * that is pointed at a base URL, such as Prism proxying to it in the Studio test.
   */
  async startPlain(): Promise<string> {
    const server = createHttpServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => this.send(res, 500, { message: String(err) }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    this.servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** A service as `npm run deploy` leaves it: one environment, these functions (by path). */
  seedDeployed(
    serviceName: string,
    environment: string,
    functionPaths: string[],
  ): { serviceSid: string; environmentSid: string; domain: string; functionSids: Record<string, string> } {
    const service = { sid: sid('ZS'), unique_name: serviceName, include_credentials: true };
    this.services.push(service);
    const env = {
      sid: sid('ZE'),
      service_sid: service.sid,
      unique_name: `${environment}-environment`,
      domain_suffix: environment,
      domain_name: `${serviceName}-1234-${environment}.twil.io`,
    };
    this.environments.push(env);
    const functionSids: Record<string, string> = {};
    for (const path of functionPaths) {
      const resource = { sid: sid('ZH'), service_sid: service.sid, kind: 'function' as const, friendly_name: path };
      this.resources.push(resource);
      functionSids[path] = resource.sid;
    }
    return { serviceSid: service.sid, environmentSid: env.sid, domain: env.domain_name, functionSids };
  }

  async stop(): Promise<void> {
    for (const socket of this.tunnels) socket.destroy();
    for (const server of this.servers) {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
    this.tls?.remove();
  }

  /** The variables of an environment, as a plain object. */
  variablesOf(environmentSid: string): Record<string, string> {
    return Object.fromEntries(this.variables.filter((v) => v.environment_sid === environmentSid).map((v) => [v.key, v.value]));
  }

  /** The versions that the environment's latest deployment serves. */
  deployed(environmentSid: string): { build: Build; functions: Version[]; assets: Version[] } | undefined {
    const deployment = [...this.deployments].reverse().find((d) => d.environment_sid === environmentSid);
    const build = this.builds.find((b) => b.sid === deployment?.build_sid);
    if (build === undefined) return undefined;
    return {
      build,
      functions: build.functionVersions.map((s) => this.versions.get(s)!),
      assets: build.assetVersions.map((s) => this.versions.get(s)!),
    };
  }

  writes(): RecordedCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }

  private send(res: ServerResponse, status: number, body?: object): void {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  }

  private page<T>(res: ServerResponse, key: string, items: T[]): void {
    this.send(res, 200, { [key]: items, meta: { key, next_page_url: null } });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const method = req.method ?? 'GET';
    const host = req.headers.host ?? '';
    const url = new URL(req.url ?? '/', `https://${host}`);
    this.calls.push({ method, host, path: url.pathname });

    const expected = `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
    if (req.headers.authorization !== expected) return this.send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });

    const form = async (): Promise<URLSearchParams | FormData> => {
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data')) {
        return new Request('https://upload/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
      }
      return new URLSearchParams(body.toString('utf8'));
    };
    const p = url.pathname.split('/').filter(Boolean); // ['v1', 'Services', ...]
    const [, services, serviceSid, sub, subSid, sub2, sub2Sid] = p;
    if (services !== 'Services') return this.send(res, 404, { message: 'not found' });

    if (serviceSid === undefined) {
      if (method === 'GET') return this.page(res, 'services', this.services);
      const f = (await form()) as URLSearchParams;
      const name = f.get('UniqueName') ?? '';
      if (this.services.some((s) => s.unique_name === name))
        return this.send(res, 409, { code: 54301, message: 'Unique name already exists', status: 409 });
      const service = { sid: sid('ZS'), unique_name: name, include_credentials: f.get('IncludeCredentials') === 'true' };
      this.services.push(service);
      return this.send(res, 201, service);
    }
    const service = this.services.find((s) => s.sid === serviceSid);
    if (service === undefined) return this.send(res, 404, { code: 20404, message: 'not found', status: 404 });
    if (sub === undefined) return this.send(res, 200, service);

    if (sub === 'Environments' && subSid === undefined) {
      if (method === 'GET')
        return this.page(
          res,
          'environments',
          this.environments.filter((e) => e.service_sid === serviceSid),
        );
      const f = (await form()) as URLSearchParams;
      const suffix = f.get('DomainSuffix');
      const environment = {
        sid: sid('ZE'),
        service_sid: serviceSid,
        unique_name: f.get('UniqueName') ?? '',
        domain_suffix: suffix,
        domain_name: `${service.unique_name}-1234${suffix ? `-${suffix}` : ''}.twil.io`,
      };
      this.environments.push(environment);
      return this.send(res, 201, environment);
    }
    if (sub === 'Environments') {
      const environment = this.environments.find((e) => e.sid === subSid);
      if (environment === undefined) return this.send(res, 404, { code: 20404, message: 'not found', status: 404 });
      if (sub2 === undefined) return this.send(res, 200, environment);
      if (sub2 === 'Variables') {
        if (method === 'GET' && sub2Sid === undefined)
          return this.page(
            res,
            'variables',
            this.variables.filter((v) => v.environment_sid === subSid),
          );
        if (method === 'DELETE') {
          const at = this.variables.findIndex((v) => v.sid === sub2Sid);
          if (at < 0) return this.send(res, 404, { code: 20404, message: 'not found', status: 404 });
          this.variables.splice(at, 1);
          return this.send(res, 204);
        }
        const f = (await form()) as URLSearchParams;
        if (sub2Sid === undefined) {
          const variable = { sid: sid('ZV'), environment_sid: subSid!, key: f.get('Key') ?? '', value: f.get('Value') ?? '' };
          this.variables.push(variable);
          return this.send(res, 201, variable);
        }
        const variable = this.variables.find((v) => v.sid === sub2Sid);
        if (variable === undefined) return this.send(res, 404, { code: 20404, message: 'not found', status: 404 });
        variable.key = f.get('Key') ?? variable.key;
        variable.value = f.get('Value') ?? variable.value;
        return this.send(res, 200, variable);
      }
      if (sub2 === 'Deployments' && method === 'POST') {
        const f = (await form()) as URLSearchParams;
        const build = this.builds.find((b) => b.sid === f.get('BuildSid'));
        if (build === undefined) return this.send(res, 400, { code: 20001, message: 'unknown build', status: 400 });
        const deployment = { sid: sid('ZD'), environment_sid: subSid!, build_sid: build.sid };
        this.deployments.push(deployment);
        return this.send(res, 201, deployment);
      }
    }
    if (sub === 'Functions' || sub === 'Assets') {
      const kind = sub === 'Functions' ? 'function' : 'asset';
      const key = sub === 'Functions' ? 'functions' : 'assets';
      if (subSid === undefined) {
        if (method === 'GET')
          return this.page(
            res,
            key,
            this.resources.filter((r) => r.service_sid === serviceSid && r.kind === kind),
          );
        const f = (await form()) as URLSearchParams;
        const resource = { sid: sid('ZH'), service_sid: serviceSid, kind, friendly_name: f.get('FriendlyName') ?? '' } as const;
        this.resources.push({ ...resource });
        return this.send(res, 201, resource);
      }
      if (sub2 === 'Versions' && method === 'POST') {
        if (host !== 'serverless-upload.twilio.com') return this.send(res, 404, { message: 'uploads go to serverless-upload' });
        const f = (await form()) as FormData;
        const content = f.get('Content');
        const version: Version = {
          sid: sid('ZN'),
          path: String(f.get('Path')),
          visibility: String(f.get('Visibility')),
          content: typeof content === 'string' ? content : await (content as Blob).text(),
        };
        this.versions.set(version.sid, version);
        return this.send(res, 201, version);
      }
    }
    if (sub === 'Builds') {
      if (subSid === undefined && method === 'POST') {
        const f = (await form()) as URLSearchParams;
        const build: Build = {
          sid: sid('ZB'),
          functionVersions: f.getAll('FunctionVersions'),
          assetVersions: f.getAll('AssetVersions'),
          // The toolkit sends the JSON list wrapped in double quotes, which Twilio accepts.
          dependencies: JSON.parse((f.get('Dependencies') ?? '[]').replace(/^"(.*)"$/s, '$1')),
          runtime: f.get('Runtime') ?? 'node18',
          statusPolls: 0,
        };
        this.builds.push(build);
        return this.send(res, 201, { sid: build.sid, status: 'building', runtime: build.runtime });
      }
      const build = this.builds.find((b) => b.sid === subSid);
      if (build === undefined) return this.send(res, 404, { code: 20404, message: 'not found', status: 404 });
      if (sub2 === 'Status') {
        build.statusPolls++;
        return this.send(res, 200, { sid: build.sid, status: 'completed' });
      }
      return this.send(res, 200, { sid: build.sid, status: 'completed', runtime: build.runtime });
    }
    return this.send(res, 404, { message: `no stand-in for ${method} ${url.pathname}` });
  }
}
