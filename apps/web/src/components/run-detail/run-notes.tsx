'use client';
/** The run's tags and note: edited here, saved with runs.annotate (tags filter the leaderboard). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '~/trpc/client.tsx';
import { errorMessage } from '../query-state.tsx';
import type { DetailRun } from './detail-types.ts';

/** "baseline, lr-test  v2" → ["baseline", "lr-test", "v2"]. */
export function parseTagsInput(text: string): string[] {
  return text.split(/[\s,]+/).filter((tag) => tag !== '');
}

export function RunNotes({ run }: { run: Pick<DetailRun, 'id' | 'tags' | 'note'> }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Typed text is kept while the page polls; it starts from what is saved.
  const [tags, setTags] = useState(run.tags.join(' '));
  const [note, setNote] = useState(run.note ?? '');
  const annotate = useMutation(
    trpc.runs.annotate.mutationOptions({
      onSuccess: (saved) => {
        setTags(saved.tags.join(' '));
        setNote(saved.note ?? '');
      },
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
    }),
  );

  function submit(event: FormEvent) {
    event.preventDefault();
    annotate.mutate({
      id: run.id,
      tags: parseTagsInput(tags),
      note: note.trim() === '' ? null : note,
    });
  }

  return (
    <section className="panel" aria-labelledby="notes-title" data-testid="run-notes">
      <h2 id="notes-title">Tags &amp; notes</h2>
      <form className="notes-form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="run-tags">Tags</label>
          <input
            id="run-tags"
            value={tags}
            placeholder="baseline lr-test"
            onChange={(e) => setTags(e.target.value)}
          />
          <span className="hint">separated by spaces or commas: letters, digits, _ . -</span>
        </div>
        <div className="field">
          <label htmlFor="run-note">Note</label>
          <textarea id="run-note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className="form-actions">
          <button type="submit" className="primary small" disabled={annotate.isPending}>
            {annotate.isPending ? 'Saving…' : 'Save notes'}
          </button>
          {annotate.isSuccess && !annotate.isPending && (
            <span className="small muted" role="status">
              Saved.
            </span>
          )}
          {annotate.isError && (
            <span className="small" role="alert" style={{ color: 'var(--bad)' }}>
              {errorMessage(annotate.error)}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}
