// A large JSON List (`kubectl get pods -A -o json`) cut into pieces of its `items` that can be parsed apart,
// in any thread, without parsing the whole text as one value. Cuts are made only where the printer put a line
// break between two items: the items start at the same indentation after a line break (a raw line break
// cannot occur inside a JSON string), so `,` + that break and indentation + `{` separates two items.
// Nothing here trusts the cuts blindly: a cut is made only when the skeleton (the text with all the items
// replaced by one marker value) is a List holding only that marker, and the caller parses every piece as
// `[piece]`. When every piece is a non-empty list of values, the whole text is then one valid JSON value whose
// items are the pieces' items in order; anything else goes to the whole-text reader.
import { isAscii } from 'node:buffer';

/** The byte ranges of a JSON List's text: its head (up to the `[` of items), the items in pieces, its tail. */
export interface JsonListCut {
  /** end of the head: just after the `[` of "items" */
  itemsStart: number;
  /** start of the tail: the `]` that closes "items" */
  itemsEnd: number;
  /** [start, end) of each piece: consecutive, separated by one `,` */
  pieces: [number, number][];
}

const ITEMS_KEY = /"items"[ \t\r\n]*:[ \t\r\n]*\[/;
/** How far into the text the "items" key is looked for (kubectl prints apiVersion and then items). */
const HEAD_WINDOW = 1 << 16;

/**
 * Cuts the text into pieces of about `pieceBytes` bytes; undefined when it is not a List whose items start on
 * lines of their own (compact JSON, YAML, a List with fewer than two pieces' worth of items).
 */
export function cutJsonList(bytes: Uint8Array, pieceBytes: number): JsonListCut | undefined {
  const buf = asBuffer(bytes);
  const head = buf.toString('latin1', 0, Math.min(buf.length, HEAD_WINDOW));
  if (!/^[ \t\r\n]*\{/.test(head)) return undefined;
  const key = ITEMS_KEY.exec(head);
  if (!key) return undefined;
  const itemsStart = key.index + key[0].length;
  // the break and indentation before the first item
  let first = itemsStart;
  while (
    first < buf.length &&
    (buf[first] === 0x20 || buf[first] === 0x09 || buf[first] === 0x0d || buf[first] === 0x0a)
  )
    first++;
  if (buf[first] !== 0x7b || !buf.subarray(itemsStart, first).includes(0x0a)) return undefined; // `{`, after a line break
  // the `]` that closes the items: the last one, unless the List's other fields hold some
  let itemsEnd = buf.lastIndexOf(0x5d);
  for (let tries = 0; itemsEnd > first && !isListAround(buf, itemsStart, itemsEnd); tries++) {
    itemsEnd = tries < TAIL_TRIES ? buf.lastIndexOf(0x5d, itemsEnd - 1) : -1;
  }
  if (itemsEnd <= first) return undefined;
  const separator = Buffer.concat([Buffer.from(','), buf.subarray(itemsStart, first), Buffer.from('{')]);
  const pieces: [number, number][] = [];
  let from = itemsStart;
  for (;;) {
    const at = buf.indexOf(separator, from + pieceBytes);
    if (at < 0 || at >= itemsEnd) break;
    pieces.push([from, at]);
    from = at + 1;
  }
  pieces.push([from, itemsEnd]);
  return pieces.length < 2 ? undefined : { itemsStart, itemsEnd, pieces };
}

/** parseListPiece's bytes between brackets, kept from one piece to the next (each thread has its own). */
let scratch = Buffer.allocUnsafe(0);

/** The items of one piece: JSON.parse of `[piece]`; undefined when that is not a non-empty JSON array. */
export function parseListPiece(bytes: Uint8Array, [start, end]: [number, number]): unknown[] | undefined {
  const buf = asBuffer(bytes);
  // the piece between brackets as bytes, decoded into one flat string (`[${text}]` would be copied again), in
  // memory kept for the next piece: fresh memory for each piece costs more than the copy
  if (scratch.length < end - start + 2) scratch = Buffer.allocUnsafe(end - start + 2);
  const bracketed = scratch.subarray(0, end - start + 2);
  bracketed[0] = 0x5b;
  buf.copy(bracketed, 1, start, end);
  bracketed[bracketed.length - 1] = 0x5d;
  // ASCII (kubectl's output, mostly) is the same text read as Latin-1, which decodes more cheaply
  const text = isAscii(bracketed) ? bracketed.toString('latin1') : bracketed.toString('utf8');
  let items: unknown;
  try {
    items = JSON.parse(text);
  } catch {
    return undefined;
  }
  return Array.isArray(items) && items.length > 0 ? items : undefined;
}

// A value no List carries, and text no List contains: it stands for all the items at once.
const MARKER = '\u0000kubectl-sidecarset:items';
const MARKER_TEXT = JSON.stringify(MARKER);

/** How many `]` from the end are tried as the end of the items. */
const TAIL_TRIES = 16;

/**
 * Whether the text around [itemsStart, itemsEnd), with one marker value in its place, is a JSON List (an object
 * whose kind ends in List) holding only that marker: then that range holds the List's items.
 */
function isListAround(buf: Buffer, itemsStart: number, itemsEnd: number): boolean {
  const head = buf.toString('utf8', 0, itemsStart);
  const tail = buf.toString('utf8', itemsEnd);
  if (head.includes(MARKER_TEXT) || tail.includes(MARKER_TEXT)) return false;
  let list: unknown;
  try {
    list = JSON.parse(head + MARKER_TEXT + tail);
  } catch {
    return false;
  }
  if (typeof list !== 'object' || list === null || Array.isArray(list)) return false;
  const { kind, items } = list as Record<string, unknown>;
  return (
    typeof kind === 'string' &&
    kind.endsWith('List') &&
    Array.isArray(items) &&
    items.length === 1 &&
    items[0] === MARKER
  );
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
