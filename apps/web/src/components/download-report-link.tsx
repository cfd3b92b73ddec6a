/** "Download report": the lab report of these runs as one offline HTML file (GET /api/report). */
export function DownloadReportLink({ runIds }: { runIds: string[] }) {
  const query = new URLSearchParams({ runs: runIds.join(','), format: 'html' });
  return (
    <p className="actions">
      {/* A plain link: the browser downloads the attachment; client-side navigation would not. */}
      <a className="button small" href={`/api/report?${query.toString()}`} download>
        Download report
      </a>
    </p>
  );
}
