// What a read document is: the plain object the core reads, and the parsed source document the writers put back
// as it was (text, layout, comments).
import type { Document, Node } from 'yaml';
import { SidecarsetError } from '../errors.js';
import type { ItemType } from './list-items.js';

export type ManifestFormat = 'yaml' | 'json';

/** Layout conventions of a YAML document, so that re-rendered and new nodes look like the rest of it. */
export interface YamlStyle {
  indent: number;
  indentSeq: boolean;
  flowCollectionPadding: boolean;
}

/**
 * One document of a source stream, as parsed: the unit the writer renders. All items of a List share one.
 * `before + text + after` of every document of a source reproduce the source exactly.
 */
export interface SourceDocument {
  source: string;
  /** 0-based position in the source's stream of documents (empty documents count) */
  index: number;
  format: ManifestFormat;
  /** the yaml Document to patch; for JSON input a block-style document built from the value */
  doc: Document;
  /** exact source text of the document ('' for JSON, which is always re-rendered) */
  text: string;
  /** source text before it that belongs to no kept document: comments, directives, empty documents */
  before: string;
  /** source text after it: a `...` marker and, for a source's last document, whatever trails it */
  after: string;
  /** exact text of the comments that close the document (part of `text`), re-used when it is re-rendered */
  trailer: string;
  /** the document carries its own `---` marker */
  explicitStart: boolean;
  /** `before` holds %directives (a writer joining streams must end the previous document with `...`) */
  directivesBefore: boolean;
  style: YamlStyle;
  /** for a List: how many items it has (each is a ManifestDocument of its own) */
  listSize?: number;
  /** set by patchDocument once the document no longer matches `text` */
  changed: boolean;
  /**
   * Each map and sequence node -> the plain value made of it for `ManifestDocument.object`, while the node is
   * unchanged (patchDocument forgets the nodes it edits). Lets a patch skip a subtree by identity. Absent when
   * the document was converted by the yaml library (aliases, merge keys, special tags).
   */
  plain?: Map<Node, unknown>;
}

/** One Kubernetes object read from a source. */
export interface ManifestDocument {
  /** path as the user gave it (joined with the file name inside a directory), or "<stdin>" */
  source: string;
  /** 0-based position in the source's stream of documents */
  index: number;
  /** position inside a List document */
  listItem?: number;
  /** an item of a typed List that names no apiVersion or kind: those the List gives it (the text stays without) */
  listType?: ItemType;
  /** plain value the core reads; patchDocument keeps it in step with the yaml document */
  object: Record<string, unknown>;
  origin: SourceDocument;
}

/** A parsed document and how to turn an offset in it into a 1-based line of its source. */
export interface Parsed {
  origin: SourceDocument;
  lineAt: (offset: number | undefined) => number;
}

export function placedError(source: string, index: number, line: number, message: string): SidecarsetError {
  // The place goes in `place`; the CLI prints it in front of the message (src/cli/errors.ts).
  return new SidecarsetError(message, {
    source,
    document: index,
    line,
  });
}
