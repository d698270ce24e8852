// Kruise's resource expression calculator (pkg/util/calculator), the language of
// SidecarSet resourcesPolicy.resourcesExpr: numbers (3.5, 1e3, 50% = 0.5), quantities with a unit
// (100m, 2Gi; k M G T P and Ki Mi Gi Ti Pi), variables (cpu / memory), + - * /, parentheses, unary
// minus and max()/min() of exactly two arguments. A number meeting a quantity becomes
// int64(number*1000) milli-units; quantity*quantity and anything/quantity are errors, as is a
// negative final result.
//
// Go evaluates while its LALR parser reduces, so when an expression is both semantically and
// syntactically wrong, the error reported is the last semantic error raised by the parts reduced
// before the syntax error was seen. This recursive-descent parser keeps the same "reduced so far"
// list (the yacc value stack) so that the evaluator can reproduce that choice exactly.
import { SidecarsetError } from '../../errors.js';
import type { Quantity } from '../../k8s/quantity.js';
import { CalculatorLexer, type Token } from './calculator-lexer.js';
import {
  add,
  asGoQuantity,
  cmp,
  float64ToInt64,
  int64ToFloat64,
  milliValue,
  neg,
  newMilliQuantity,
  parseGoQuantity,
  quantityString,
  setMilli,
  sign,
  toQuantity,
  type GoQuantity,
} from '../../k8s/quantity-math.js';

export type ExprNode =
  | { type: 'number'; text: string }
  | { type: 'quantity'; text: string }
  | { type: 'variable'; name: string }
  | { type: 'negate'; operand: ExprNode }
  | { type: 'binary'; op: '+' | '-' | '*' | '/'; left: ExprNode; right: ExprNode }
  | { type: 'call'; name: string; args: ExprNode[] };

export interface ParsedExpr {
  /** the expression tree, when the text is syntactically valid */
  root?: ExprNode;
  /** Go's syntax-error text, e.g. `parse error: syntax error at line 1, col 7` */
  syntaxError?: string;
  /** on a syntax error: the complete sub-expressions Go had already reduced (and evaluated), left to right */
  reduced: ExprNode[];
}

/** calculator.Value: a plain number or a Quantity. */
export type CalcValue = { isQuantity: false; number: number } | { isQuantity: true; quantity: Quantity };

// ---- parsing ----

class SyntaxStop extends Error {}

class Parser {
  private tok: Token;
  readonly reduced: ExprNode[] = [];

  constructor(private readonly lexer: CalculatorLexer) {
    this.tok = lexer.next();
  }

  parseInput(): ExprNode {
    const root = this.parseExpr();
    if (this.tok.kind !== 'eof') throw new SyntaxStop();
    return root;
  }

  private parseExpr(): ExprNode {
    let left = this.parseTerm();
    for (let op = this.opOf(this.tok); op === '+' || op === '-'; op = this.opOf(this.tok)) {
      this.advance();
      const right = this.parseTerm();
      left = this.reduce({ type: 'binary', op, left, right }, 2);
    }
    return left;
  }

  private parseTerm(): ExprNode {
    let left = this.parseFactor();
    for (let op = this.opOf(this.tok); op === '*' || op === '/'; op = this.opOf(this.tok)) {
      this.advance();
      const right = this.parseFactor();
      left = this.reduce({ type: 'binary', op, left, right }, 2);
    }
    return left;
  }

  private parseFactor(): ExprNode {
    const tok = this.tok;
    if (tok.kind === 'number' || tok.kind === 'quantity') {
      this.advance();
      return this.reduce({ type: tok.kind, text: tok.text }, 0);
    }
    if (tok.kind === 'ident') {
      this.advance();
      if (this.opOf(this.tok) !== '(') return this.reduce({ type: 'variable', name: tok.text }, 0);
      this.advance();
      const args = [this.parseExpr()];
      if (this.opOf(this.tok) === ',') {
        this.advance();
        args.push(this.parseExpr());
      }
      this.expect(')');
      return this.reduce({ type: 'call', name: tok.text, args }, args.length);
    }
    const op = this.opOf(tok);
    if (op === '(') {
      this.advance();
      const inner = this.parseExpr();
      this.expect(')');
      return inner;
    }
    if (op === '-') {
      // unary minus binds to a single factor: -2*3 is (-2)*3
      this.advance();
      const operand = this.parseFactor();
      return this.reduce({ type: 'negate', operand }, 1);
    }
    throw new SyntaxStop();
  }

  private opOf(tok: Token): string | undefined {
    return tok.kind === 'op' ? tok.op : undefined;
  }

  private advance(): void {
    this.tok = this.lexer.next();
  }

  private expect(op: ')'): void {
    if (this.opOf(this.tok) !== op) throw new SyntaxStop();
    this.advance();
  }

  /** Replaces the node's children on the reduced list by the node itself. */
  private reduce(node: ExprNode, children: number): ExprNode {
    this.reduced.splice(this.reduced.length - children, children, node);
    return node;
  }
}

/** Parses an expression as Kruise's grammar does, without evaluating it. */
export function parseResourceExpression(expr: string): ParsedExpr {
  const lexer = new CalculatorLexer(expr);
  const parser = new Parser(lexer);
  try {
    return { root: parser.parseInput(), reduced: [] };
  } catch (e) {
    if (!(e instanceof SyntaxStop)) throw e;
    return {
      syntaxError: `parse error: syntax error at line ${lexer.line}, col ${lexer.col}`,
      reduced: parser.reduced,
    };
  }
}

// ---- evaluation ----

type Val = { kind: 'number'; n: number } | { kind: 'quantity'; q: GoQuantity };

/** Evaluates like the grammar's actions: a failed part yields undefined and records the error; the last error wins. */
class Evaluator {
  lastError: string | undefined;

  constructor(private readonly variables: Map<string, Val>) {}

  eval(node: ExprNode): Val | undefined {
    switch (node.type) {
      case 'number':
        return { kind: 'number', n: parseGoNumber(node.text) };
      case 'quantity':
        try {
          return { kind: 'quantity', q: parseGoQuantity(node.text) };
        } catch (e) {
          if (!(e instanceof SidecarsetError)) throw e;
          return this.fail(e.message);
        }
      case 'variable': {
        const name = node.name.toLowerCase();
        return this.variables.get(name) ?? this.fail(`undefined variable: ${name}`);
      }
      case 'negate': {
        const v = this.eval(node.operand);
        if (!v) return undefined;
        return v.kind === 'quantity' ? { kind: 'quantity', q: neg(v.q) } : { kind: 'number', n: -v.n };
      }
      case 'binary': {
        const l = this.eval(node.left);
        const r = this.eval(node.right);
        if (!l || !r) return undefined;
        return this.binary(node.op, l, r);
      }
      case 'call':
        return this.call(
          node.name,
          node.args.map((a) => this.eval(a)),
        );
    }
  }

  private fail(message: string): undefined {
    this.lastError = message;
    return undefined;
  }

  private binary(op: '+' | '-' | '*' | '/', l: Val, r: Val): Val | undefined {
    if (op === '+' || op === '-') {
      if (l.kind === 'number' && r.kind === 'number') return { kind: 'number', n: op === '+' ? l.n + r.n : l.n - r.n };
      const right = toGoQuantity(r);
      return { kind: 'quantity', q: add(toGoQuantity(l), op === '+' ? right : neg(right)) };
    }
    if (op === '*') {
      if (l.kind === 'quantity') {
        if (r.kind === 'quantity') return this.fail('multiplication of two quantities');
        const factor = r.n;
        return { kind: 'quantity', q: scaleMilli(l.q, (m) => m * factor) };
      }
      const factor = l.n;
      if (r.kind === 'quantity') return { kind: 'quantity', q: scaleMilli(r.q, (m) => m * factor) };
      return { kind: 'number', n: factor * r.n };
    }
    if (r.kind === 'quantity') return this.fail('division by quantity');
    if (r.n === 0) return this.fail('division by zero');
    if (l.kind === 'quantity') return { kind: 'quantity', q: scaleMilli(l.q, (m) => m / r.n) };
    return { kind: 'number', n: l.n / r.n };
  }

  private call(name: string, args: (Val | undefined)[]): Val | undefined {
    const fn = name.toLowerCase();
    if (fn !== 'max' && fn !== 'min') return this.fail(`unknown function: ${name}`);
    if (args.length !== 2) return this.fail(`${fn} function requires exactly 2 arguments, got ${args.length}`);
    const [l, r] = args;
    if (!l || !r) return undefined;
    return pick(l, r, fn);
  }
}

/** max/min of two values; a number meeting a quantity is compared (and returned) as milli-units. */
function pick(l: Val, r: Val, fn: 'max' | 'min'): Val {
  if (l.kind === 'number' && r.kind === 'number') {
    // comparisons with NaN are false in both languages, so the right operand wins
    return (fn === 'max' ? l.n >= r.n : l.n <= r.n) ? l : r;
  }
  const left = toGoQuantity(l);
  const right = toGoQuantity(r);
  const c = cmp(left, right);
  return { kind: 'quantity', q: (fn === 'max' ? c >= 0 : c <= 0) ? left : right };
}

/** SetMilli(int64(f(float64(MilliValue())))) on a copy: the calculator's quantity-by-number arithmetic. */
function scaleMilli(q: GoQuantity, f: (milli: number) => number): GoQuantity {
  return setMilli(q, float64ToInt64(f(int64ToFloat64(milliValue(q)))));
}

/** toQuantity: quantities as they are, numbers as int64(n*1000) milli-units (DecimalSI). */
function toGoQuantity(v: Val): GoQuantity {
  return v.kind === 'quantity' ? v.q : newMilliQuantity(float64ToInt64(v.n * 1000), 'DecimalSI');
}

/**
 * strconv.ParseFloat with its error ignored, as the grammar's NUMBER action does: malformed text
 * (`1e`, `5.5.`) counts as 0, out-of-range as ±Inf; a trailing `%` divides by 100 (malformed or
 * out of range before the `%` gives 0).
 */
function parseGoNumber(text: string): number {
  const percent = text.endsWith('%');
  const body = percent ? text.slice(0, -1) : text;
  if (!/^([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(body)) return 0;
  const n = Number(body);
  if (!percent) return n;
  return Number.isFinite(n) ? n / 100 : 0;
}

function toVal(v: CalcValue): Val {
  return v.isQuantity ? { kind: 'quantity', q: asGoQuantity(v.quantity) } : { kind: 'number', n: v.number };
}

function fromVal(v: Val): CalcValue {
  return v.kind === 'quantity' ? { isQuantity: true, quantity: toQuantity(v.q) } : { isQuantity: false, number: v.n };
}

/**
 * Evaluates a parsed expression with the given variables (keys in lower case), as
 * Calculator.Parse does. Throws SidecarsetError with the calculator's message.
 */
export function evaluateParsedExpression(parsed: ParsedExpr, variables: Record<string, CalcValue>): CalcValue {
  const evaluator = new Evaluator(new Map(Object.entries(variables).map(([k, v]) => [k, toVal(v)])));
  let result: Val | undefined;
  if (parsed.root) result = evaluator.eval(parsed.root);
  else for (const node of parsed.reduced) evaluator.eval(node);
  if (!result) throw new SidecarsetError(evaluator.lastError ?? parsed.syntaxError ?? 'no result from parser');
  if (result.kind === 'quantity' ? sign(result.q) < 0 : result.n < 0) {
    throw new SidecarsetError(`calculation result is negative: ${valueString(result)}`);
  }
  return fromVal(result);
}

/** Parses and evaluates an expression with any variables (calculator.ParseWithVariables). */
export function evaluateExpression(expr: string, variables: Record<string, CalcValue> = {}): CalcValue {
  return evaluateParsedExpression(parseResourceExpression(expr), variables);
}

/** What resourcesPolicy evaluates: the expression with its one variable bound to the aggregated quantity. */
export function evaluateResourceExpression(
  expr: string,
  variable: { name: 'cpu' | 'memory'; value: Quantity },
): CalcValue {
  return evaluateExpression(expr, { [variable.name]: { isQuantity: true, quantity: variable.value } });
}

/**
 * Kruise's SidecarSet validation of one expression: evaluated with the variable bound to the
 * number 1. Returns the validation message, or undefined when the expression is accepted.
 */
export function validateResourceExpression(expr: string, variable: 'cpu' | 'memory'): string | undefined {
  if (expr === '') return undefined;
  try {
    evaluateExpression(expr, { [variable]: { isQuantity: false, number: 1 } });
    return undefined;
  } catch (e) {
    if (!(e instanceof SidecarsetError)) throw e;
    return `invalid expression: ${e.message}`;
  }
}

/** Value.String(): a quantity's Go text, a number as %g. */
export function calcValueString(v: CalcValue): string {
  return valueString(toVal(v));
}

function valueString(v: Val): string {
  return v.kind === 'quantity' ? quantityString(v.q) : formatGoFloat(v.n);
}

/** fmt's %g for a float64: shortest digits, exponent form below 1e-4 and from 1e6 (two exponent digits at least). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 6) return String(f);
  const digits = String(Math.abs(exp)).padStart(2, '0');
  return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
}
