/**
 * Where a load problem is: the chain of locations Falco reports (`rules content` → `rule 'x'` →
 * `rule condition` → `condition expression`) and the snippet with a caret under the spot.
 */
import { LineCounter } from 'yaml';

/** Falco's item-type names, as they appear in `locations[].item_type`. */
export type ItemType =
  | 'value for'
  | 'exceptions'
  | 'exception'
  | 'exception values'
  | 'exception value'
  | 'rules content'
  | 'rules content item'
  | 'required_engine_version'
  | 'required plugin versions'
  | 'required plugin versions entry'
  | 'required plugin versions alternative'
  | 'list'
  | 'list item'
  | 'macro'
  | 'macro condition'
  | 'rule'
  | 'rule condition'
  | 'condition expression'
  | 'rule output'
  | 'rule output expression'
  | 'rule priority'
  | 'overrides';

/**
 * A position as Falco writes it. For YAML locations `line` and `column` are 0-based (yaml-cpp marks);
 * for a `condition expression` they are the condition's 0-based origin plus the parser's 1-based
 * position, which Falco adds up — i.e. 1-based file line and column for one-line conditions.
 */
export interface LoadPosition {
  column: number;
  line: number;
  name: string;
  offset: number;
}

/** One step of a problem's context, in Falco's JSON key order. */
export interface LoadLocation {
  item_name: string;
  item_type: ItemType;
  position: LoadPosition;
}

/** A rules file's text, with line positions computed once. */
export class RulesText {
  readonly lines = new LineCounter();

  constructor(
    readonly name: string,
    readonly content: string,
  ) {
    // LineCounter learns line starts from the parser; when the parser is not run (e.g. the file is
    // rejected before parsing) we feed it ourselves.
  }

  /** Fills the line table by scanning the text (used when the YAML parser did not). */
  indexLines(): void {
    if (this.lines.lineStarts.length > 0) return;
    this.lines.addNewLine(0);
    for (let i = this.content.indexOf('\n'); i !== -1; i = this.content.indexOf('\n', i + 1)) this.lines.addNewLine(i + 1);
  }

  /** 1-based line and column of an offset. */
  linePos(offset: number): { line: number; column: number } {
    if (this.lines.lineStarts.length === 0) this.indexLines();
    const { line, col } = this.lines.linePos(Math.max(0, Math.min(offset, this.content.length)));
    return { line, column: col };
  }
}

/** Falco's default snippet width: at most this many characters around the position. */
const SNIPPET_WIDTH = 160;

/** One step of a context, before positions are computed. */
interface Step {
  itemType: ItemType;
  itemName: string;
  /** Offset in the file of the located character. */
  offset: number;
  /** For a condition expression: the condition text, and the index in it. */
  condition?: { text: string; index: number };
}

/**
 * A problem's context: the locations, plus what the snippet and the text report are built from.
 * Contexts are made for every item read but used only when something is wrong, so positions are
 * computed on demand.
 */
export class LoadContext {
  private cachedLocations: LoadLocation[] | undefined;

  private constructor(
    readonly text: RulesText,
    private readonly parent: LoadContext | undefined,
    private readonly step: Step,
  ) {}

  /** The context every problem of a file starts with: the whole rules content. */
  static root(text: RulesText): LoadContext {
    return new LoadContext(text, undefined, { itemType: 'rules content', itemName: '', offset: 0 });
  }

  /** A nested location at `offset` in the file. */
  child(itemType: ItemType, itemName: string, offset: number): LoadContext {
    return new LoadContext(this.text, this, { itemType, itemName, offset });
  }

  /**
   * A location inside a condition: `index` is the 0-based offset in `condition`, `fileOffset` where
   * that character is in the file. Falco names such a location after the condition's first 17
   * characters.
   */
  conditionExpression(condition: string, index: number, fileOffset: number): LoadContext {
    return new LoadContext(this.text, this, { itemType: 'condition expression', itemName: '', offset: fileOffset, condition: { text: condition, index } });
  }

  private location(): LoadLocation {
    const { step, text } = this;
    if (!this.parent) return { item_name: '', item_type: 'rules content', position: { column: 0, line: 0, name: text.name, offset: 0 } };
    const { line, column } = text.linePos(step.offset);
    if (step.condition) {
      const c = step.condition.text;
      const name = (c.length > 20 ? `"${c.slice(0, 17)}..."` : `"${c}"`).replace(/[\r\n]/g, ' ');
      return { item_name: '', item_type: 'condition expression', position: { column, line, name, offset: step.offset } };
    }
    return { item_name: step.itemName, item_type: step.itemType, position: { column: column - 1, line: line - 1, name: text.name, offset: step.offset } };
  }

  /** The chain of locations, outermost first. */
  get locations(): readonly LoadLocation[] {
    if (!this.cachedLocations) this.cachedLocations = [...(this.parent?.locations ?? []), this.location()];
    return this.cachedLocations;
  }

  /** 1-based line and column in the file, for `file:line:column` in text reports. */
  get at(): { line: number; column: number } {
    return this.parent ? this.text.linePos(this.step.offset) : { line: 1, column: 1 };
  }

  /** The line around the position, shortened to Falco's width, with a caret line under it. */
  snippet(): string {
    const content = this.step.condition ? this.step.condition.text : this.text.content;
    if (content.length === 0) return '<No context available>\n';
    let pos = Math.min(this.step.condition ? this.step.condition.index : this.step.offset, content.length - 1);
    // A position at a line end (or past the text, e.g. a dangling `tags:`) snips the line before it.
    while (pos > 0 && content[pos] === '\n') pos--;
    const half = SNIPPET_WIDTH / 2;
    let from = pos;
    while (from > 0 && content[from - 1] !== '\n' && pos - from < half) from--;
    let to = pos;
    while (to < content.length - 1 && content[to + 1] !== '\n' && to - pos < half) to++;
    let line = content.slice(from, to + 1);
    if (content[pos] === '\n') line = '';
    if (line.length === 0) return '<No context available>\n';
    if (pos - from >= half) line = `...${line.slice(3)}`;
    if (to - pos >= half) line = `${line.slice(0, -3)}...`;
    return `${line}\n${' '.repeat(pos - from)}^\n`;
  }
}
