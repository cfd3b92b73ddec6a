import Link from 'next/link';

export default function NotFound() {
  return (
    <div className="panel">
      <div className="empty">
        <strong>There is no page here.</strong>
        <p>
          Go to the <Link href="/">runs</Link>.
        </p>
      </div>
    </div>
  );
}
