import { describe, expect, it } from 'vitest';
import { isLoopbackHost, parseWebEnv } from '~/env.ts';
import {
  accessPolicyFromEnv,
  decideAccess,
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
    for (const bad of ['//evil.example', '/\\evil.example', 'https://evil.example', null, 3]) {
      expect(safeNextPath(bad)).toBe('/');
    }
  });
});
