/** The requests of the Serverless API's stand-in (test/support/fake-serverless.ts holds its state). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Build, FakeServerless, Version } from './fake-serverless';

let counter = 0;
/** A fresh SID with a given prefix. */
export const sid = (prefix: string) => `${prefix}${(++counter).toString(16).padStart(32, '0')}`;

export function send(res: ServerResponse, status: number, body?: object): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(body === undefined ? '' : JSON.stringify(body));
}

function page<T>(res: ServerResponse, key: string, items: T[], keep: (item: T) => boolean = () => true): void {
  send(res, 200, { [key]: items.filter(keep), meta: { key, next_page_url: null } });
}

/** Answer one request to the stand-in, as Twilio's Serverless API would. */
export async function handle(
  state: FakeServerless,
  credentials: { username: string; password: string },
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  const method = req.method ?? 'GET';
  const host = req.headers.host ?? '';
  const url = new URL(req.url ?? '/', `https://${host}`);
  state.calls.push({ method, host, path: url.pathname });

  const expected = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
  if (req.headers.authorization !== expected) return send(res, 401, { code: 20003, message: 'Authenticate', status: 401 });

  const form = async (): Promise<URLSearchParams | FormData> => {
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      return new Request('https://upload/', { method: 'POST', headers: { 'content-type': type }, body }).formData();
    }
    return new URLSearchParams(body.toString('utf8'));
  };
  const p = url.pathname.split('/').filter(Boolean); // ['v1', 'Services', ...]
  const [, services, serviceSid, sub, subSid, sub2, sub2Sid] = p;
  if (services !== 'Services') return send(res, 404, { message: 'not found' });

  if (serviceSid === undefined) {
    if (method === 'GET') return page(res, 'services', state.services);
    const f = (await form()) as URLSearchParams;
    const name = f.get('UniqueName') ?? '';
    if (state.services.some((s) => s.unique_name === name))
      return send(res, 409, { code: 54301, message: 'Unique name already exists', status: 409 });
    const service = { sid: sid('ZS'), unique_name: name, include_credentials: f.get('IncludeCredentials') === 'true' };
    state.services.push(service);
    return send(res, 201, service);
  }
  const service = state.services.find((s) => s.sid === serviceSid);
  if (service === undefined) return send(res, 404, { code: 20404, message: 'not found', status: 404 });
  if (sub === undefined) return send(res, 200, service);

  if (sub === 'Environments' && subSid === undefined) {
    if (method === 'GET') return page(res, 'environments', state.environments, (e) => e.service_sid === serviceSid);
    const f = (await form()) as URLSearchParams;
    const suffix = f.get('DomainSuffix');
    const environment = {
      sid: sid('ZE'),
      service_sid: serviceSid,
      unique_name: f.get('UniqueName') ?? '',
      domain_suffix: suffix,
      domain_name: `${service.unique_name}-1234${suffix ? `-${suffix}` : ''}.twil.io`,
    };
    state.environments.push(environment);
    return send(res, 201, environment);
  }
  if (sub === 'Environments') {
    const environment = state.environments.find((e) => e.sid === subSid);
    if (environment === undefined) return send(res, 404, { code: 20404, message: 'not found', status: 404 });
    if (sub2 === undefined) return send(res, 200, environment);
    if (sub2 === 'Variables') {
      if (method === 'GET' && sub2Sid === undefined) return page(res, 'variables', state.variables, (v) => v.environment_sid === subSid);
      if (method === 'DELETE') {
        const at = state.variables.findIndex((v) => v.sid === sub2Sid);
        if (at < 0) return send(res, 404, { code: 20404, message: 'not found', status: 404 });
        state.variables.splice(at, 1);
        return send(res, 204);
      }
      const f = (await form()) as URLSearchParams;
      if (sub2Sid === undefined) {
        const variable = { sid: sid('ZV'), environment_sid: subSid!, key: f.get('Key') ?? '', value: f.get('Value') ?? '' };
        state.variables.push(variable);
        return send(res, 201, variable);
      }
      const variable = state.variables.find((v) => v.sid === sub2Sid);
      if (variable === undefined) return send(res, 404, { code: 20404, message: 'not found', status: 404 });
      variable.key = f.get('Key') ?? variable.key;
      variable.value = f.get('Value') ?? variable.value;
      return send(res, 200, variable);
    }
    if (sub2 === 'Deployments' && method === 'POST') {
      const f = (await form()) as URLSearchParams;
      const build = state.builds.find((b) => b.sid === f.get('BuildSid'));
      if (build === undefined) return send(res, 400, { code: 20001, message: 'unknown build', status: 400 });
      const deployment = { sid: sid('ZD'), environment_sid: subSid!, build_sid: build.sid };
      state.deployments.push(deployment);
      return send(res, 201, deployment);
    }
  }
  if (sub === 'Functions' || sub === 'Assets') {
    const kind = sub === 'Functions' ? 'function' : 'asset';
    const key = sub === 'Functions' ? 'functions' : 'assets';
    if (subSid === undefined) {
      if (method === 'GET') return page(res, key, state.resources, (r) => r.service_sid === serviceSid && r.kind === kind);
      const f = (await form()) as URLSearchParams;
      const resource = { sid: sid('ZH'), service_sid: serviceSid, kind, friendly_name: f.get('FriendlyName') ?? '' } as const;
      state.resources.push({ ...resource });
      return send(res, 201, resource);
    }
    if (sub2 === 'Versions' && method === 'POST') {
      if (host !== 'serverless-upload.twilio.com') return send(res, 404, { message: 'uploads go to serverless-upload' });
      const f = (await form()) as FormData;
      const content = f.get('Content');
      const version: Version = {
        sid: sid('ZN'),
        path: String(f.get('Path')),
        visibility: String(f.get('Visibility')),
        content: typeof content === 'string' ? content : await (content as Blob).text(),
      };
      state.versions.set(version.sid, version);
      return send(res, 201, version);
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
      state.builds.push(build);
      return send(res, 201, { sid: build.sid, status: 'building', runtime: build.runtime });
    }
    const build = state.builds.find((b) => b.sid === subSid);
    if (build === undefined) return send(res, 404, { code: 20404, message: 'not found', status: 404 });
    if (sub2 === 'Status') {
      build.statusPolls++;
      return send(res, 200, { sid: build.sid, status: 'completed' });
    }
    return send(res, 200, { sid: build.sid, status: 'completed', runtime: build.runtime });
  }
  return send(res, 404, { message: `no stand-in for ${method} ${url.pathname}` });
}
