// Types of stats.mjs, for the TypeScript side of the bench.
export declare function median(values: readonly number[]): number;
export declare function quantile(values: readonly number[], q: number): number;
