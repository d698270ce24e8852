// resource.Quantity as Kubernetes' apimachinery parses, rounds and serialises it.
// The data shape is shared: src/kruise/resources/ does arithmetic on it.

export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

export interface Quantity {
  /** The value is `value * 10^exp` exactly. */
  value: bigint;
  exp: number;
  format: QuantityFormat;
  /** The original text, kept only where apimachinery keeps it; MarshalJSON then writes it verbatim. */
  cached?: string;
}

/** Parses like resource.ParseQuantity (after UnmarshalJSON's trimming). Throws SidecarsetError on bad input. */
export function parseQuantity(text: string): Quantity {
  void text;
  throw new Error('parseQuantity: not implemented yet');
}

/** What Quantity.MarshalJSON / String() writes: the cached text if any, else the canonical form. */
export function marshalQuantity(q: Quantity): string {
  void q;
  throw new Error('marshalQuantity: not implemented yet');
}

/** Quantity.RoundUp(scale): rounds away from zero to 10^scale; drops the cached text if the value changed. */
export function roundUpQuantity(q: Quantity, scale: number): Quantity {
  void q;
  void scale;
  throw new Error('roundUpQuantity: not implemented yet');
}
