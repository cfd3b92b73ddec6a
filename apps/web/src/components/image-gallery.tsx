/** Test images, drawn by the server from the dataset's own pixels (GET /api/runs/:id/images/:index). */
export interface GalleryItem {
  index: number;
  caption: string;
  detail?: string;
  wrong?: boolean;
  actualLabel?: string;
  predictedLabel?: string;
}

export function ImageGallery({
  runId,
  items,
  testId,
}: {
  runId: string;
  items: GalleryItem[];
  testId?: string;
}) {
  return (
    <div className="gallery" data-testid={testId}>
      {items.map((item) => (
        <figure
          key={item.index}
          data-index={item.index}
          data-actual-label={item.actualLabel}
          data-predicted-label={item.predictedLabel}
        >
          <img
            src={`/api/runs/${runId}/images/${item.index}`}
            alt={`test image ${item.index}: ${item.caption}`}
            loading="lazy"
          />
          <figcaption>
            <span className={item.wrong ? 'wrong' : undefined}>{item.caption}</span>
            {item.detail && <div className="muted gallery-detail">{item.detail}</div>}
          </figcaption>
        </figure>
      ))}
    </div>
  );
}
