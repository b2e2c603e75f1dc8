import * as client from 'openid-client';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** `${BATON_PUBLIC_URL}/console/auth/callback`, registered with the provider. */
  redirectUri: string;
  /** The claim holding the address matched against the roster (`email`; Entra ID may need `preferred_username`). */
  emailClaim: string;
}

/** What one sign-in needs to remember until the provider sends the browser back. */
export interface LoginChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
}

/** Who the provider says signed in. */
export interface ProviderIdentity {
  subject: string;
  email: string | undefined;
  emailVerified: boolean | undefined;
}

/** An expected failure of the provider's part, with a short code for the audit and the page (never the provider's own words, which may quote input). */
export class SignInError extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
  ) {
    super(code);
    this.name = 'SignInError';
  }
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/;
const SCOPE = 'openid email profile';

/**
 * The clinic's identity provider through `openid-client` v6: authorization code flow with
 * PKCE (S256), state and nonce. Discovery runs when first needed and is kept; a provider that
 * cannot be reached is retried at the next sign-in rather than stopping Baton.
 */
export class Oidc {
  private config: Promise<client.Configuration> | undefined;
  constructor(private readonly s: OidcSettings) {}

  private discover(): Promise<client.Configuration> {
    this.config ??= client
      .discovery(new URL(this.s.issuer), this.s.clientId, { redirect_uris: [this.s.redirectUri], response_types: ['code'] }, client.ClientSecretBasic(this.s.clientSecret), {
        // Plain http only for a provider on this machine (tests); env.ts refuses it elsewhere.
        execute: LOOPBACK.test(new URL(this.s.issuer).hostname) ? [client.allowInsecureRequests] : [],
        timeout: 10,
      })
      .catch((e: unknown) => {
        this.config = undefined;
        throw new SignInError(`discovery_failed:${codeOf(e)}`, 502);
      });
    return this.config;
  }

  /** Warms discovery at start-up; a failure is only reported (the next sign-in tries again). */
  async warm(): Promise<string | null> {
    try {
      await this.discover();
      return null;
    } catch (e) {
      return (e as SignInError).code;
    }
  }

  static newChecks(): LoginChecks {
    return { state: client.randomState(), nonce: client.randomNonce(), codeVerifier: client.randomPKCECodeVerifier() };
  }

  async authorizationUrl(checks: LoginChecks): Promise<URL> {
    const config = await this.discover();
    return client.buildAuthorizationUrl(config, {
      redirect_uri: this.s.redirectUri,
      scope: SCOPE,
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
  }

  /**
   * Checks the provider's answer (state, issuer), redeems the code with the PKCE verifier, and
   * verifies the ID token (signature, audience, nonce, expiry). The address comes from the ID
   * token, else from the userinfo endpoint (providers that follow OpenID Connect's rule of
   * putting scope claims there when an access token is issued).
   */
  async complete(callbackUrl: URL, checks: LoginChecks): Promise<ProviderIdentity> {
    const config = await this.discover();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: checks.codeVerifier, expectedState: checks.state, expectedNonce: checks.nonce, idTokenExpected: true });
    } catch (e) {
      throw new SignInError(codeOf(e), e instanceof client.AuthorizationResponseError ? 400 : 502);
    }
    const claims = tokens.claims()!;
    let source: Record<string, unknown> = claims;
    if (claims[this.s.emailClaim] === undefined && config.serverMetadata().userinfo_endpoint) {
      try {
        source = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
      } catch (e) {
        throw new SignInError(`userinfo:${codeOf(e)}`, 502);
      }
    }
    const email = source[this.s.emailClaim];
    const verified = source.email_verified;
    return {
      subject: claims.sub,
      email: typeof email === 'string' ? email : undefined,
      emailVerified: typeof verified === 'boolean' ? verified : verified === 'false' ? false : verified === 'true' ? true : undefined,
    };
  }
}

/** A short, stable code for an error: the OAuth `error`, openid-client's `code`, or the class name. */
function codeOf(e: unknown): string {
  const o = e as { error?: unknown; code?: unknown; name?: unknown };
  const c = typeof o?.error === 'string' ? o.error : typeof o?.code === 'string' ? o.code : typeof o?.name === 'string' ? o.name : 'error';
  return c.replace(/[^\w.:-]/g, '').slice(0, 64) || 'error';
}
