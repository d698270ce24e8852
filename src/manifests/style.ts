// Layout conventions of a YAML document read from its own text, so that re-rendered and new nodes look like the
// rest of it.
import type { CST } from 'yaml';
import type { YamlStyle } from './types.js';

export const DEFAULT_STYLE: YamlStyle = { indent: 2, indentSeq: false, flowCollectionPadding: false };

/** Reads indentation width, sequence indentation and flow padding from the document's own text. */
export function detectStyle(token: CST.Document): YamlStyle {
  const style = { ...DEFAULT_STYLE };
  let indent: number | undefined;
  let indentSeq: boolean | undefined;
  let padding: boolean | undefined;
  const walk = (node: CST.Token | undefined): void => {
    if (!node) return;
    if (node.type === 'block-map') {
      for (const item of node.items) {
        const v = item.value;
        if (v?.type === 'block-map' && indent === undefined) indent = v.indent - node.indent;
        if (v?.type === 'block-seq' && indentSeq === undefined) indentSeq = v.indent > node.indent;
        walk(v);
      }
    } else if (node.type === 'block-seq') {
      for (const item of node.items) walk(item.value);
    } else if (node.type === 'flow-collection') {
      if (padding === undefined && node.items.length > 0) {
        padding = node.items[0].start.some((t) => t.type === 'space');
      }
      for (const item of node.items) walk(item.value);
    }
  };
  walk(token.value);
  if (indent !== undefined && indent > 0) style.indent = indent;
  if (indentSeq !== undefined) style.indentSeq = indentSeq;
  if (padding !== undefined) style.flowCollectionPadding = padding;
  return style;
}
