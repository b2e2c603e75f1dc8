import type { TeamsAdapter } from '@microsoft/teams-ai';

/**
 * botframework-connector 4.23 sends through `@azure/core-rest-pipeline`, whose default retry
 * policy (checked in the installed source) silently retries inside the call: 429/503 after
 * `Retry-After`, and 408/5xx/connection resets with exponential backoff up to 64 s, three times.
 * That is wrong for Baton twice over: a POST retried after a 502/504 or a reset may have been
 * delivered already (a second card), and a retry sleeping inside an `Action.Execute` turn blows
 * Teams' 5-second invoke budget. So every connector client Baton uses gets that policy removed
 * and a request timeout added; retries belong to the outbox (see `connector-gate.ts`).
 */
export const SDK_RETRY_POLICY = 'defaultRetryPolicy';

interface PipelineRequest { timeout: number }
interface Pipeline {
  removePolicy(o: { name: string }): unknown[];
  addPolicy(p: { name: string; sendRequest(req: PipelineRequest, next: (req: PipelineRequest) => Promise<unknown>): Promise<unknown> }): void;
  getOrderedPolicies(): Array<{ name: string }>;
}
interface ConnectorFactoryLike { create(serviceUrl: string, audience?: string): Promise<unknown> }
interface AuthLike {
  createConnectorFactory(claims: unknown): ConnectorFactoryLike;
  authenticateRequest(activity: unknown, authHeader: string): Promise<{ connectorFactory?: ConnectorFactoryLike }>;
}

function tune(client: unknown, timeoutMs: number): unknown {
  // ConnectorClient → botbuilder-stdlib ServiceClientContext → @azure/core-client ServiceClient.
  const pipeline = (client as { client?: { pipeline?: Pipeline } })?.client?.pipeline;
  if (!pipeline || typeof pipeline.removePolicy !== 'function') {
    throw new Error('botframework-connector changed shape: cannot turn off its built-in retries (see adapters/teams/connector-pipeline.ts)');
  }
  pipeline.removePolicy({ name: SDK_RETRY_POLICY });
  if (!pipeline.getOrderedPolicies().some((p) => p.name === 'batonRequestTimeout')) {
    pipeline.addPolicy({
      name: 'batonRequestTimeout',
      sendRequest: (req, next) => {
        if (!req.timeout) req.timeout = timeoutMs;
        return next(req);
      },
    });
  }
  return client;
}

function wrapFactory(f: ConnectorFactoryLike, timeoutMs: number): ConnectorFactoryLike {
  return { create: async (serviceUrl, audience) => tune(await f.create(serviceUrl, audience), timeoutMs) };
}

/**
 * Makes every connector client the adapter creates (inbound turns, proactive turns, new
 * conversations) single-shot with a timeout. The adapter creates clients through its
 * `BotFrameworkAuthentication`, so that is where the hook goes.
 */
export function singleShotConnectors(adapter: TeamsAdapter, timeoutMs: number): void {
  const auth = (adapter as unknown as { botFrameworkAuthentication?: AuthLike }).botFrameworkAuthentication;
  if (!auth || typeof auth.createConnectorFactory !== 'function' || typeof auth.authenticateRequest !== 'function') {
    throw new Error('botbuilder CloudAdapter changed shape: cannot configure connector clients (see adapters/teams/connector-pipeline.ts)');
  }
  const createFactory = auth.createConnectorFactory.bind(auth);
  const authenticate = auth.authenticateRequest.bind(auth);
  auth.createConnectorFactory = (claims) => wrapFactory(createFactory(claims), timeoutMs);
  auth.authenticateRequest = async (activity, header) => {
    const r = await authenticate(activity, header);
    return r.connectorFactory ? { ...r, connectorFactory: wrapFactory(r.connectorFactory, timeoutMs) } : r;
  };
}
