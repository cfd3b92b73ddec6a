/** A server path shown whole: wrapped where it must, selected in one click to copy, full on hover. */
export function DatasetPath({ path }: { path: string }) {
  return (
    <code className="dataset-path" title={path}>
      {path}
    </code>
  );
}
