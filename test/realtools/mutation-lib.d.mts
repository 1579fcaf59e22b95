export function prng(seed: number): () => number;
export interface LineToken {
  start: number;
  end: number;
  text: string;
}
export function lineTokens(line: string): LineToken[];
export const OPERATORS: string[];
export interface Mutation {
  text: string;
  op: string;
  /** 1-based line of the source the mutation edited. */
  line: number;
  detail: string;
}
export function mutate(text: string, op: string, rng: () => number): Mutation | null;
export interface Mutant extends Mutation {
  id: number;
  source: string;
}
export function generateMutants(sources: { key: string; text: string }[], count: number, seed: number): Mutant[];
export function mutantKey(m: { source: string; op: string; line: number; detail: string }): string;
export interface DocumentedCase {
  source: string;
  op: string;
  line: string;
  detail: string;
  re: RegExp | null;
  reason: string;
  /** Names one mutant (no `*`, no regex). */
  exact: boolean;
  key: string;
}
export function parseCases(tsv: string): DocumentedCase[];
export function findCase(cases: DocumentedCase[], m: { source: string; op: string; line: number; detail: string }): DocumentedCase | null;
