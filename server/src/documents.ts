// Open documents and their analyses. The editor's text is the only input:
// nothing here reads files. Analyses are computed lazily per version and
// dropped on close.

import { TextDocument } from 'vscode-languageserver-textdocument';
import * as core from './core';

interface Entry {
  /** Small number naming the document in what the editor hands back (code lens data). */
  id: number;
  doc: TextDocument;
  languageId: string;
  analysis: core.Analysis | null | undefined; // undefined = not computed for this version
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
    this.entries.set(uri, { id, doc: TextDocument.create(uri, languageId, version, text), languageId, analysis: undefined, analyzedVersion: -1 });
  }

  /** Applies LSP content changes (incremental or full). Out-of-range positions are clamped by TextDocument. */
  change(uri: string, version: number, changes: { range?: core.Range; text: string }[]): boolean {
    const e = this.entries.get(uri);
    if (!e) return false;
    e.doc = TextDocument.update(e.doc, changes as Parameters<typeof TextDocument.update>[1], version);
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
    return this.entries.get(uri)?.doc.version;
  }

  /** Number of lines of an open document (0 when not open). */
  lineCount(uri: string): number {
    return this.entries.get(uri)?.doc.lineCount ?? 0;
  }

  text(uri: string): string | undefined {
    return this.entries.get(uri)?.doc.getText();
  }

  /** `p` moved into the document (line, then column within that line); O(log lines). */
  clamp(uri: string, p: core.Position): core.Position {
    const d = this.entries.get(uri)?.doc;
    if (!d) return { line: 0, character: 0 };
    // A broken client may send strings, NaN or fractions: those become integers first.
    const int = (x: unknown): number => (typeof x === 'number' && Number.isFinite(x) ? Math.floor(x) : 0);
    const line = Math.max(0, Math.min(int(p?.line), d.lineCount - 1));
    const start = d.offsetAt({ line, character: 0 });
    const len = d.offsetAt({ line, character: Number.MAX_SAFE_INTEGER }) - start;
    return { line, character: Math.max(0, Math.min(int(p?.character), len)) };
  }

  uris(): string[] {
    return [...this.entries.keys()];
  }

  /** The analysis of the current version, or null when the document is neither language or not open. */
  get(uri: string): core.Analysis | null {
    const e = this.entries.get(uri);
    if (!e) return null;
    if (e.analysis === undefined || e.analyzedVersion !== e.doc.version) {
      const text = e.doc.getText();
      e.analysis = e.analysis ? core.reanalyze(e.analysis, text) : core.analyze(e.languageId, uri, text);
      e.analyzedVersion = e.doc.version;
    }
    return e.analysis;
  }
}
