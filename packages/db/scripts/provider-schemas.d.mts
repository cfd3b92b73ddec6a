export declare const PACKAGE_DIR: string;
export declare const SOURCE_SCHEMA_PATH: string;
export declare const POSTGRES_SCHEMA_PATH: string;
export declare function postgresSchemaText(source?: string): string;
