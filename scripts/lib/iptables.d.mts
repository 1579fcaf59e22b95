export type Family = 'ipv4' | 'ipv6';
export interface ToolResult {
  rc: number;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}
export declare const RESTORE: Record<Family, string>;
export declare const SAVE: Record<Family, string>;
export declare const LEGACY_RESTORE: Record<Family, string>;
export declare function legacyAvailable(): boolean;
export declare function netnsProblem(): string | null;
export declare function restoreInNetns(file: string, opts?: { family?: Family; backend?: 'nft' | 'legacy'; timeoutMs?: number }): Promise<ToolResult>;
export declare function restoreAndSave(file: string, opts?: { family?: Family; timeoutMs?: number }): Promise<ToolResult>;
export declare function detectFamily(text: string, name?: string): Family;
export declare function runPool<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]>;
