export declare const TEST_POSTGRES_ENV: 'CONVLAB_TEST_POSTGRES_URL';
export interface RunningPostgres {
  /** postgresql://… of the server's maintenance database. */
  url: string;
  /** Stops the server, keeping its data; resume() starts it again (throwaway servers only). */
  pause(): void;
  resume(): void;
  stop(): void;
}
export declare function findPostgresBin(): string | null;
export interface ThrowawayPostgresOptions {
  /** Address to listen on (default 127.0.0.1). */
  listen?: string;
  /** A network namespace to run the server in. */
  netns?: string;
  /** Clients to trust besides loopback, e.g. 10.0.0.0/24. */
  allowCidr?: string;
}
export declare function startThrowawayPostgres(
  options?: ThrowawayPostgresOptions,
): Promise<RunningPostgres>;
export declare function provideTestPostgres(): Promise<RunningPostgres>;
