import { describe, expect, it } from 'vitest';
import { fetchJobNote } from '~/components/datasets/fetch-job-note.ts';

const failed = { state: 'failed' as const, messages: [], result: 'fetch failed: ECONNREFUSED' };
const done = { state: 'done' as const, messages: [], result: 'md5 verified (from mirror, 2 s)' };

describe('fetchJobNote', () => {
  it('shows a running fetch’s last progress message', () => {
    expect(fetchJobNote({ state: 'running', messages: ['a', 'b'], result: null }, 'missing')).toBe(
      'b',
    );
    expect(fetchJobNote({ state: 'running', messages: [], result: null }, 'missing')).toBe(
      'starting…',
    );
  });

  it('shows a failure while the dataset is still missing or corrupt', () => {
    expect(fetchJobNote(failed, 'missing')).toMatch(/^fetch failed: /);
    expect(fetchJobNote(failed, 'corrupt')).toMatch(/ECONNREFUSED/);
  });

  it('hides a failure once the dataset is present (imported or copied in since)', () => {
    expect(fetchJobNote(failed, 'present')).toBeNull();
  });

  it('shows a success while the dataset is present, hides it once it is not', () => {
    expect(fetchJobNote(done, 'present')).toBe('fetched: md5 verified (from mirror, 2 s)');
    expect(fetchJobNote(done, 'missing')).toBeNull();
    expect(fetchJobNote(done, 'corrupt')).toBeNull();
  });
});
