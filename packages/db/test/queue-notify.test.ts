import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enqueueRun, listenForQueuedRuns } from '../src/index.ts';
import { createTempDatabase, type TempDatabase } from './helpers.ts';

describe('LISTEN/NOTIFY wake-up', () => {
  let temp: TempDatabase;
  afterEach(async () => {
    await temp.cleanup();
  });

  describe('on PostgreSQL', () => {
    beforeEach(async () => {
      temp = await createTempDatabase('postgresql');
    });

    it('notifies listeners when a run is queued', async () => {
      let heard: () => void = () => undefined;
      const notified = new Promise<void>((resolve) => (heard = resolve));
      const listener = await listenForQueuedRuns(
        temp.url,
        () => heard(),
        () => undefined,
      );
      expect(listener).not.toBeNull();
      try {
        await enqueueRun(temp.db, { config: { preset: 'tiny-cnn' } });
        await notified; // the test times out if no notification comes
      } finally {
        await listener?.close();
      }
    });
  });

  describe('on SQLite', () => {
    beforeEach(async () => {
      temp = await createTempDatabase('sqlite');
    });

    it('has no listener: daemons poll', async () => {
      expect(
        await listenForQueuedRuns(
          temp.url,
          () => undefined,
          () => undefined,
        ),
      ).toBeNull();
    });
  });
});
