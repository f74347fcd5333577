/**
 * A small stateful stand-in of Twilio's Serverless API (services, environments, functions and
 * assets with their uploaded versions, builds and their status, variables, deployments), for
 * the offline deploy test. It is reached the way a deploy reaches Twilio: over HTTPS to
 * serverless.twilio.com and serverless-upload.twilio.com, through an HTTP proxy (HTTP_PROXY,
 * which the toolkit's client honours) that tunnels those two hosts to this loopback server,
 * under a throwaway certificate the deploy process is told to trust. Nothing else is tunnelled.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HostTunnel } from './host-tunnel';
import { handle, send, sid } from './fake-serverless-routes';

export const SERVERLESS_HOSTS = ['serverless.twilio.com', 'serverless-upload.twilio.com'];

export interface Version {
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

export class FakeServerless {
  readonly services: Array<{ sid: string; unique_name: string; include_credentials: boolean }> = [];
  readonly environments: Array<{ sid: string; service_sid: string; unique_name: string; domain_suffix: string | null; domain_name: string }> = [];
  readonly resources: Array<{ sid: string; service_sid: string; kind: 'function' | 'asset'; friendly_name: string }> = [];
  readonly versions = new Map<string, Version>();
  readonly builds: Build[] = [];
  readonly variables: Array<{ sid: string; environment_sid: string; key: string; value: string }> = [];
  readonly deployments: Array<{ sid: string; environment_sid: string; build_sid: string }> = [];
  readonly calls: RecordedCall[] = [];

  private readonly tunnel = new HostTunnel();
  private servers: Server[] = [];

  constructor(private readonly credentials: { username: string; password: string }) {}

  /** Start the stand-in and its proxy; returns what a deploy process needs in its environment. */
  start(): Promise<{ HTTP_PROXY: string; NODE_EXTRA_CA_CERTS: string }> {
    return this.tunnel.start(SERVERLESS_HOSTS, (req, res) => this.serve(req, res));
  }

  /**
   * The same stand-in over plain HTTP on loopback (no proxy, no certificate), for a client
   * that is pointed at a base URL, such as Prism proxying to it in the Studio test.
   */
  async startPlain(): Promise<string> {
    const server = createHttpServer((req, res) => {
      this.serve(req, res);
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
    await this.tunnel.stop();
    for (const server of this.servers) {
      server.closeAllConnections?.();
      await new Promise((r) => server.close(r));
    }
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

  private serve(req: IncomingMessage, res: ServerResponse): void {
    handle(this, this.credentials, req, res).catch((err: unknown) => send(res, 500, { message: String(err) }));
  }

  writes(): RecordedCall[] {
    return this.calls.filter((c) => c.method !== 'GET');
  }
}
