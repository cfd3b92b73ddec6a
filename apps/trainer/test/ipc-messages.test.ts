import { describe, expect, it } from 'vitest';
import { parseProgressMessage, parseStopMessage } from '../src/ipc-messages.ts';

const progress = {
  stage: 'train',
  epoch: 1,
  totalEpochs: 3,
  batch: 10,
  totalBatches: 40,
  loss: 1.25,
  acc: 0.5,
  etaSeconds: 95,
  etaLowerBound: false,
};

describe('IPC messages', () => {
  it('parses what each side sends and drops anything else', () => {
    expect(parseStopMessage({ type: 'stop', reason: 'cancel' })).toEqual({
      type: 'stop',
      reason: 'cancel',
    });
    expect(parseStopMessage({ type: 'stop', reason: 'reboot' })).toBeNull();
    expect(parseStopMessage('stop')).toBeNull();
    const message = { type: 'progress', progress, batchSize: 32 };
    expect(parseProgressMessage(message)).toEqual(message);
    expect(
      parseProgressMessage({ ...message, progress: { ...progress, stage: 'fly' } }),
    ).toBeNull();
    expect(parseProgressMessage({ type: 'progress', progress })).toBeNull();
    expect(parseStopMessage(message)).toBeNull();
  });
});
