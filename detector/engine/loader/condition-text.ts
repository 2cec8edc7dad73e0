/**
 * A condition's text together with where each part of it came from in the rules files, so that a
 * parse or compile error at an offset in the (possibly appended-to, exception-extended) condition can
 * be reported at its line and column in the file.
 */
import type { Scalar } from 'yaml';
import type { LoadContext } from './context.js';

/** A stretch of the condition text that is the value of one YAML scalar. */
interface Piece {
  /** Start and end (exclusive) in the condition text. */
  from: number;
  to: number;
  node: Scalar;
  /** The `… condition` context of the item this piece was written in. */
  ctx: LoadContext;
}

/** Where an offset of a scalar's value is in the file: a best-effort walk that follows folding. */
function mapScalarOffset(content: string, node: Scalar, value: string, index: number): number {
  const [start, end] = node.range ?? [0, 0];
  let j = start;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') j++;
  else if (node.type === 'BLOCK_FOLDED' || node.type === 'BLOCK_LITERAL') {
    const eol = content.indexOf('\n', j);
    j = eol === -1 ? end : eol + 1;
  }
  const limit = Math.min(end, content.length);
  for (let i = 0; i < index && i < value.length; i++) {
    const c = value[i] as string;
    if (/\s/.test(c)) {
      // Folding turns a line break plus indentation into one space; literal blocks keep the break.
      while (j < limit && !/\s/.test(content[j] as string)) j++;
      if (j < limit) j++;
      const next = value[i + 1];
      if (next !== undefined && !/\s/.test(next)) while (j < limit && /\s/.test(content[j] as string)) j++;
    } else {
      while (j < limit && content[j] !== c) j++;
      if (j < limit) j++;
    }
  }
  if (index < value.length && /\S/.test(value[index] as string)) while (j < limit && content[j] !== value[index]) j++;
  return Math.min(j, limit);
}

/** A condition and the origin of its parts. */
export class ConditionText {
  private constructor(
    readonly text: string,
    private readonly pieces: readonly Piece[],
    /** Where to point for offsets outside any piece (text the loader added). */
    private readonly fallback: LoadContext,
  ) {}

  /** The value of a `condition:` scalar. */
  static of(value: string, node: Scalar, ctx: LoadContext): ConditionText {
    return new ConditionText(value, [{ from: 0, to: value.length, node, ctx }], ctx);
  }

  /** Falco's append: the two conditions joined by one space. */
  append(other: ConditionText): ConditionText {
    const shift = this.text.length + 1;
    const moved = other.pieces.map((p) => ({ ...p, from: p.from + shift, to: p.to + shift }));
    return new ConditionText(`${this.text} ${other.text}`, [...this.pieces, ...moved], this.fallback);
  }

  /** The text with something around it (the exception clauses); added text maps to the condition start. */
  wrap(prefix: string, suffix: string): ConditionText {
    const moved = this.pieces.map((p) => ({ ...p, from: p.from + prefix.length, to: p.to + prefix.length }));
    return new ConditionText(`${prefix}${this.text}${suffix}`, moved, this.fallback);
  }

  /** The context of the condition as a whole: where its (first) `condition:` value is. */
  conditionContext(): LoadContext {
    return this.pieces[0]?.ctx ?? this.fallback;
  }

  /** The context of the character at `index`: its item's condition context plus a condition-expression location. */
  contextAt(index: number): LoadContext {
    const piece = this.pieces.find((p) => index >= p.from && index < p.to) ?? (index >= this.text.length ? this.pieces.at(-1) : undefined);
    if (!piece) {
      const first = this.pieces[0];
      const offset = first ? (first.node.range?.[0] ?? 0) : 0;
      return this.fallback.conditionExpression(this.text, index, offset);
    }
    const value = this.text.slice(piece.from, piece.to);
    const local = Math.max(0, Math.min(index - piece.from, value.length));
    const fileOffset = mapScalarOffset(piece.ctx.text.content, piece.node, value, local);
    return piece.ctx.conditionExpression(this.text, index, fileOffset);
  }
}
