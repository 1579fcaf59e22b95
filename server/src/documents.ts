// Open documents and their analyses. The editor's text is the only input:
// nothing here reads files. Analyses are computed lazily per version and
// dropped on close.

import * as core from './core';

interface Entry {
  /** Small number naming the document in what the editor hands back (code lens data). */
  id: number;
  languageId: string;
  version: number;
  /**
   * The text, until it is analysed (and for a document of neither language). Once analysed,
   * the analysis holds it and edits wait in `pending`: the core re-parses from the changes,
   * so a huge document's whole text is not rebuilt on every keystroke.
   */
  text: string | undefined;
  pending: core.TextChange[];
  analysis: core.Analysis | null | undefined; // undefined = never analysed; null = neither language
  analyzedVersion: number;
}

export class DocumentStore {
  private readonly entries = new Map<string, Entry>();
  private readonly byId = new Map<number, string>();
  private nextId = 1;

  open(uri: string, languageId: string, version: number, text: string): void {
    const was = this.entries.get(uri);
    if (was) this.byId.delete(was.id);
    const id = this.nextId++;
    this.byId.set(id, uri);
    this.entries.set(uri, { id, languageId, version, text: typeof text === 'string' ? text : '', pending: [], analysis: undefined, analyzedVersion: -1 });
  }

  /** Records LSP content changes (incremental or full; out-of-range positions are clamped as editors expect). */
  change(uri: string, version: number, changes: core.TextChange[]): boolean {
    const e = this.entries.get(uri);
    if (!e) return false;
    // (what is not a change, from a broken client, is left out)
    const valid = Array.isArray(changes) ? changes.filter((c) => typeof c?.text === 'string' && (c.range === undefined || (typeof c.range === 'object' && c.range !== null))) : [];
    if (e.analysis) for (const c of valid) e.pending.push(c);
    else e.text = core.applyChanges(e.text ?? '', valid);
    e.version = version;
    return true;
  }

  close(uri: string): void {
    const e = this.entries.get(uri);
    if (e) this.byId.delete(e.id);
    this.entries.delete(uri);
  }

  /** The id of an open document (ids are not reused: a reopened document gets a new one). */
  id(uri: string): number | undefined {
    return this.entries.get(uri)?.id;
  }

  /** The open document with this id. */
  uriOf(id: number): string | undefined {
    return this.byId.get(id);
  }

  version(uri: string): number | undefined {
    return this.entries.get(uri)?.version;
  }

  /** Number of lines of an open document (0 when not open). */
  lineCount(uri: string): number {
    const a = this.get(uri);
    if (a) return core.lineCount(a);
    const t = this.entries.get(uri)?.text;
    return t === undefined ? 0 : core.splitLines(t).length;
  }

  /** `p` moved into the document (line, then column within that line). */
  clamp(uri: string, p: core.Position): core.Position {
    const n = this.lineCount(uri);
    if (!n) return { line: 0, character: 0 };
    // A broken client may send strings, NaN or fractions: those become integers first.
    const line = Math.max(0, Math.min(core.coord(p?.line), n - 1));
    const a = this.get(uri);
    const len = a ? core.lineLength(a, line) : core.splitLines(this.entries.get(uri)?.text ?? '')[line].text.length;
    return { line, character: Math.max(0, Math.min(core.coord(p?.character), len)) };
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  /** The analysis of the current version, or null when the document is neither language or not open. */
  get(uri: string): core.Analysis | null {
    const e = this.entries.get(uri);
    if (!e) return null;
    if (e.analyzedVersion !== e.version || e.pending.length) {
      if (e.analysis && e.pending.length) {
        e.analysis = core.reanalyze(e.analysis, e.pending);
        e.pending = [];
      } else if (!e.analysis) {
        // (a document of neither language is looked at again: an edit may make it one)
        e.analysis = core.analyze(e.languageId, uri, e.text ?? '');
        if (e.analysis) e.text = undefined;
      }
      e.analyzedVersion = e.version;
    }
    return e.analysis ?? null;
  }
}
