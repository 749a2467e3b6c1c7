// A real OpenID provider for authd's tests: npm's oidc-provider (OpenID Certified), run on
// loopback with a test client per signing algorithm, keys of its own, and people the tests
// define. Usage: node provider.mjs PORT [post]
//   POST /test/accounts {"sub": {claims...}}  adds or replaces people (email, email_verified,
//                                            preferred_username, name)
//   GET  /interaction/:uid                   the sign-in form: one field, "login" (the sub)
//   POST /interaction/:uid                   signs that person in and consents for them
// Clients (secret "provider-test-secret"), each a native application so that any port of
// authd on 127.0.0.1 or localhost (the browser tests') is a valid redirect (RFC 8252 7.3):
//   authd-rs  RS256 ID tokens   redirect /api/oidc/corp/callback/
//   authd-es  ES256 ID tokens   redirect /api/oidc/corp_es/callback/
// They authenticate with client_secret_basic; with "post", the provider offers and accepts
// only client_secret_post (so its discovery makes authd use that).
// Prints "listening" once it serves.
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const authMethod = process.argv[3] === 'post' ? 'client_secret_post' : 'client_secret_basic';
const issuer = `http://127.0.0.1:${port}`;
const accounts = new Map();

function privateJwk(type, options, alg, kid) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: 'jwk' }), alg, use: 'sig', kid };
}

function client(id, alg, providerId) {
  return {
    client_id: id,
    client_secret: 'provider-test-secret',
    application_type: 'native',
    redirect_uris: [`http://127.0.0.1/api/oidc/${providerId}/callback/`,
      `http://localhost/api/oidc/${providerId}/callback/`],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: authMethod,
    id_token_signed_response_alg: alg,
  };
}

const provider = new Provider(issuer, {
  clients: [
    client('authd-rs', 'RS256', 'corp'),
    client('authd-es', 'ES256', 'corp_es'),
  ],
  jwks: {
    keys: [
      privateJwk('rsa', { modulusLength: 2048 }, 'RS256', 'rsa-1'),
      privateJwk('ec', { namedCurve: 'P-256' }, 'ES256', 'ec-1'),
    ],
  },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['preferred_username', 'name'],
  },
  // Standard behaviour: claims asked for by scope come from userinfo, not the ID token, so
  // authd's userinfo step is exercised on every sign-in.
  conformIdTokenClaims: true,
  features: { devInteractions: { enabled: false } },
  pkce: { required: () => true },
  clientAuthMethods: [authMethod],
  cookies: { keys: ['authd-test-cookie-key'] },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    if (!accounts.has(sub)) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...accounts.get(sub) }) };
  },
});

async function readBody(req) {
  let text = '';
  for await (const chunk of req) text += chunk;
  return text;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

provider.use(async (ctx, next) => {
  const path = ctx.path;
  if (path === '/test/accounts' && ctx.method === 'POST') {
    const people = JSON.parse(await readBody(ctx.req));
    for (const [sub, claims] of Object.entries(people)) accounts.set(sub, claims);
    ctx.body = { accounts: accounts.size };
    return;
  }
  const m = path.match(/^\/interaction\/([^/]+)$/);
  if (m && ctx.method === 'GET') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Test provider</title><h1>Sign in at the test provider</h1>
<form method="post" action="/interaction/${escape(details.uid)}">
<label>Login <input name="login" autocomplete="off"></label>
<button type="submit">Sign in</button></form>`;
    return;
  }
  if (m && ctx.method === 'POST') {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const login = new URLSearchParams(await readBody(ctx.req)).get('login') || '';
    if (!accounts.has(login)) {
      ctx.status = 400;
      ctx.body = 'unknown login';
      return;
    }
    const grant = new provider.Grant({ accountId: login, clientId: details.params.client_id });
    grant.addOIDCScope(details.params.scope);
    const grantId = await grant.save();
    await provider.interactionFinished(ctx.req, ctx.res,
      { login: { accountId: login }, consent: { grantId } }, { mergeWithLastSubmission: false });
    return;
  }
  await next();
});

provider.listen(port, '127.0.0.1', () => console.log('listening'));
