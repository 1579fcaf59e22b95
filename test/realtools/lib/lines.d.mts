export declare const FGETS_CHUNK: number;
export declare function physicalLines(text: string): string[];
export declare function physicalToLsp(text: string): number[];
export declare function restoreLineMapper(buf: Uint8Array): (n: number) => number;
export declare function restoreLineToLsp(buf: Uint8Array, text: string): (n: number) => number;
export declare function getlineToLsp(text: string): (n: number) => number;
