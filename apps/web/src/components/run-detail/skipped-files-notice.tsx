const SKIP_KINDS: Record<string, string> = {
  'too-many-pixels': 'over the pixel limit',
  'file-too-large': 'over the file size limit',
  'not-an-image': 'not PNG or JPEG',
  corrupt: 'could not be decoded',
  unreadable: 'could not be read',
};

/** The image-folder files the run did not train on: counts by reason, and the first few by name. */
export function SkippedFilesNotice({
  skipped,
}: {
  skipped: {
    count: number;
    byKind: Record<string, number>;
    examples: { file: string; reason: string }[];
  };
}) {
  const kinds = Object.entries(skipped.byKind).map(
    ([kind, count]) => `${count} ${SKIP_KINDS[kind] ?? kind}`,
  );
  return (
    <div className="notice warn" role="status" data-testid="skipped-files">
      <strong>
        {skipped.count} {skipped.count === 1 ? 'file' : 'files'} of the dataset skipped
      </strong>{' '}
      ({kinds.join(', ')}).
      <ul>
        {skipped.examples.map((example) => (
          <li key={example.file}>
            <code>{example.file}</code>: {example.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}
