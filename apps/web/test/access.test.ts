import { describe, expect, it } from 'vitest';
import { checkListeningHost, isLoopbackHost, listeningHost, parseWebEnv } from '~/env.ts';
import {
  accessPolicyFromEnv,
  decideAccess,
  isSameOriginRequest,
  presentedToken,
  safeNextPath,
} from '~/server/access.ts';

const TOKEN = 'correct-horse-battery';
const remote = accessPolicyFromEnv(parseWebEnv({ HOST: '0.0.0.0', CONVLAB_TOKEN: TOKEN }));

describe('env', () => {
  it('binds loopback by default and needs no token there', () => {
    const env = parseWebEnv({});
    expect(env).toMatchObject({ HOST: '127.0.0.1', PORT: 3000, CONVLAB_PUBLIC_READS: false });
    expect(accessPolicyFromEnv(env).loopback).toBe(true);
  });

  it('requires CONVLAB_TOKEN when HOST is not loopback', () => {
    expect(() => parseWebEnv({ HOST: '0.0.0.0' })).toThrow(/CONVLAB_TOKEN: required when HOST/);
    expect(() => parseWebEnv({ HOST: '0.0.0.0', CONVLAB_TOKEN: 'short' })).toThrow(/CONVLAB_TOKEN/);
    expect(() => parseWebEnv({ PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => parseWebEnv({ CONVLAB_PUBLIC_READS: 'yes' })).toThrow(/CONVLAB_PUBLIC_READS/);
    expect(
      parseWebEnv({ HOST: '0.0.0.0', CONVLAB_TOKEN: TOKEN, CONVLAB_PUBLIC_READS: '1' })
        .CONVLAB_PUBLIC_READS,
    ).toBe(true);
  });

  it('takes the listening address from the next command line and refuses a mismatch', () => {
    const next = ['node', '/repo/node_modules/next/dist/bin/next'];
    expect(listeningHost([...next, 'start', '-H', '127.0.0.1', '-p', '3000'])).toBe('127.0.0.1');
    expect(listeningHost([...next, 'start', '--hostname=::1'])).toBe('::1');
    expect(listeningHost([...next, 'start', '-p', '3000'])).toBe('0.0.0.0'); // every interface
    expect(listeningHost(['node', '/repo/server.js'])).toBeNull();
    const loopback = parseWebEnv({});
    expect(() => checkListeningHost(loopback, '127.0.0.1')).not.toThrow();
    expect(() => checkListeningHost(loopback, '0.0.0.0')).toThrow(/listens on 0\.0\.0\.0/);
    const remote = parseWebEnv({ HOST: '0.0.0.0', CONVLAB_TOKEN: TOKEN });
    expect(() => checkListeningHost(remote, '0.0.0.0')).not.toThrow();
  });

  it('knows loopback hosts', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '192.168.1.4', '::', 'example.com', '127.0.0.1.nip.io']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });
});

describe('access decisions', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads the token from the header, a bearer token or the cookie', () => {
    expect(presentedToken(headers({ 'x-convlab-token': TOKEN }))).toBe(TOKEN);
    expect(presentedToken(headers({ authorization: `Bearer ${TOKEN}` }))).toBe(TOKEN);
    expect(
      presentedToken(headers({ cookie: `a=b; convlab_token=${encodeURIComponent(TOKEN)}` })),
    ).toBe(TOKEN);
    expect(presentedToken(headers({}))).toBeUndefined();
  });

  it('off loopback, reads and writes need the token', () => {
    expect(decideAccess(remote, headers({}), 'read')).toMatchObject({
      allowed: false,
      status: 401,
    });
    expect(decideAccess(remote, headers({}), 'write')).toMatchObject({
      allowed: false,
      status: 401,
    });
    expect(
      decideAccess(remote, headers({ 'x-convlab-token': 'wrong-token-here' }), 'write').allowed,
    ).toBe(false);
    expect(decideAccess(remote, headers({ 'x-convlab-token': TOKEN }), 'write').allowed).toBe(true);
  });

  it('CONVLAB_PUBLIC_READS opens reads only', () => {
    const policy = { ...remote, publicReads: true };
    expect(decideAccess(policy, headers({}), 'read').allowed).toBe(true);
    expect(decideAccess(policy, headers({}), 'write').allowed).toBe(false);
  });

  it('on loopback, refuses requests addressed to another host (DNS rebinding)', () => {
    const loopback = accessPolicyFromEnv(parseWebEnv({}));
    expect(decideAccess(loopback, headers({ host: '127.0.0.1:3000' }), 'write').allowed).toBe(true);
    expect(decideAccess(loopback, headers({ host: 'localhost:3000' }), 'write').allowed).toBe(true);
    expect(decideAccess(loopback, headers({ host: '[::1]:3000' }), 'read').allowed).toBe(true);
    expect(decideAccess(loopback, headers({ host: 'evil.example:3000' }), 'read')).toMatchObject({
      allowed: false,
      status: 403,
    });
  });

  it('only redirects to same-site paths after login', () => {
    expect(safeNextPath('/runs/abc')).toBe('/runs/abc');
    expect(safeNextPath('/compare?ids=a,b#top')).toBe('/compare?ids=a,b#top');
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', null, 3]) {
      expect(safeNextPath(bad)).toBe('/');
    }
  });

  it('the redirect variants a URL parser would resolve to another origin all land on /', () => {
    // As the login form posts them: `next=/%09/evil.com` arrives decoded, with a real TAB.
    for (const encoded of [
      '/%09/evil.com',
      '/%0a/evil.com',
      '/%0d%0a/evil.com',
      '/\\evil.com',
      '//evil.com',
      '/%5C/evil.com',
      '/\\/evil.com',
    ]) {
      const next = new URLSearchParams(`next=${encoded}`).get('next');
      expect(safeNextPath(next), encoded).toBe('/');
      // What a browser makes of whatever we return stays on our origin.
      expect(new URL(safeNextPath(next), 'http://127.0.0.1:3000').origin).toBe(
        'http://127.0.0.1:3000',
      );
    }
  });

  it('form posts from other sites are refused (login, logout)', () => {
    const headers = (h: Record<string, string>) => new Headers({ host: '127.0.0.1:3000', ...h });
    expect(isSameOriginRequest(headers({ origin: 'http://127.0.0.1:3000' }))).toBe(true);
    expect(isSameOriginRequest(headers({}))).toBe(true); // curl, scripts
    expect(isSameOriginRequest(headers({ origin: 'https://evil.example' }))).toBe(false);
    expect(isSameOriginRequest(headers({ 'sec-fetch-site': 'cross-site' }))).toBe(false);
    expect(isSameOriginRequest(headers({ origin: 'null' }))).toBe(false);
  });
});
