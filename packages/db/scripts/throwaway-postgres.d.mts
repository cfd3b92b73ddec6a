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
export declare function startThrowawayPostgres(): Promise<RunningPostgres>;
export declare function provideTestPostgres(): Promise<RunningPostgres>;
