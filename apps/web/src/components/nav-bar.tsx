'use client';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { useTRPC } from '~/trpc/client.tsx';

const LINKS = [
  { href: '/', label: 'Runs' },
  { href: '/queue', label: 'Queue a run' },
  { href: '/sweeps', label: 'Sweeps' },
  { href: '/compare', label: 'Compare' },
  { href: '/datasets', label: 'Datasets' },
  { href: '/workers', label: 'Workers' },
] as const;

function isActive(pathname: string, href: string): boolean {
  return href === '/'
    ? pathname === '/' || pathname.startsWith('/runs')
    : pathname.startsWith(href);
}

export function NavBar() {
  const pathname = usePathname();
  const trpc = useTRPC();
  const auth = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 30_000 }));
  return (
    <header className="topbar">
      <Link href="/" className="brand">
        convlab
      </Link>
      <nav aria-label="Main">
        {LINKS.map((link) => (
          <Link
            key={link.href}
            href={link.href}
            aria-current={isActive(pathname, link.href) ? 'page' : undefined}
          >
            {link.label}
          </Link>
        ))}
      </nav>
      <div className="auth">
        {auth.data?.tokenRequired &&
          (auth.data.canWrite ? (
            <form action="/api/logout" method="post">
              <button type="submit" className="small">
                Sign out
              </button>
            </form>
          ) : (
            <Link href={`/login?next=${encodeURIComponent(pathname)}`}>
              {auth.data.canRead ? 'Read-only: sign in to change runs' : 'Sign in'}
            </Link>
          ))}
      </div>
    </header>
  );
}
