import type { Metadata } from 'next';
import type { ReactNode } from 'react';
import { NavBar } from '~/components/nav-bar.tsx';
import { TRPCReactProvider } from '~/trpc/client.tsx';
import './globals.css';

export const metadata: Metadata = {
  title: 'convlab',
  description: 'Queue, train, evaluate and compare image classifiers',
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>
          <NavBar />
          <main>{children}</main>
        </TRPCReactProvider>
      </body>
    </html>
  );
}
