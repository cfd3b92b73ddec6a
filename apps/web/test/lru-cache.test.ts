import { describe, expect, it } from 'vitest';
import { LruCache } from '~/server/lru-cache.ts';

describe('LruCache', () => {
  it('keeps the most recently used entries up to its capacity', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3); // drops b
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    cache.delete('a');
    expect(cache.get('a')).toBeUndefined();
  });
});

describe('LruCache onEvict', () => {
  it('is called for entries dropped, replaced, deleted and cleared, once each', () => {
    const evicted: string[] = [];
    const cache = new LruCache<string, number>(2, (value, key) => evicted.push(`${key}=${value}`));
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3); // drops a
    cache.set('b', 20); // replaces b
    cache.set('b', 20); // same value: nothing to dispose
    cache.delete('c');
    cache.delete('missing');
    cache.set('d', 4);
    cache.clear();
    expect(evicted).toEqual(['a=1', 'b=2', 'c=3', 'b=20', 'd=4']);
    expect(cache.size).toBe(0);
  });
});
