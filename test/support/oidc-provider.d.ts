// oidc-provider ships no types; the tests use a small part of its API (test/adapters/console/test-idp.ts).
declare module 'oidc-provider' {
  const Provider: any;
  export default Provider;
}
