import type Database from 'better-sqlite3';

/**
 * How a free-text search is put to the full-text index. Every word of the search must occur as a word
 * prefix (`"w"*` in FTS5). FTS5 answers a prefix query by first copying every matching row id into one
 * list, which costs about four times a single-term lookup and is done again for the page and for the
 * total. Most searched words are a whole term, or a term plus a few rare longer ones (`4444` is also
 * the prefix of `44440`…`444499`), so each plain ASCII word is looked up in the index's vocabulary
 * first and rewritten as the exact terms it stands for, which FTS5 reads lazily. The rewrite matches
 * exactly the rows the prefix query matches; it only changes how they are found.
 *
 * For the total, OR-ing many terms costs a comparison per term and row, so a word is split into its
 * most frequent term and the rest minus that term: disjoint parts whose counts add up.
 */
export interface TextPlan {
  /** The FTS5 query for the matching rows (pages, and every filter that combines text with more). */
  match: string;
  /** Disjoint FTS5 queries whose match counts add up to the number of matching rows. */
  countParts: string[];
}

/** A word the vocabulary rewrite applies to: its terms are then its own lower-cased prefix range. */
const PLAIN_WORD = /^[a-z0-9]+$/;
/** More terms than this under one word and the prefix query is the cheaper plan. */
const MAX_TERMS = 256;
/** Words split for the total at most; each doubles the number of count queries. */
const MAX_SPLIT_WORDS = 3;

interface Word {
  /** The word as a whole: the prefix query, or its exact terms OR-ed. */
  all: string;
  /** Present when the word is split for the total: its most frequent term, and the rest minus it. */
  split?: { head: string; rest: string };
}

/** Looks words up in the vocabulary of the full-text table `fts` (an fts5vocab `row` table over it). */
export class TextPlanner {
  private readonly terms: Database.Statement<[string, string, number], { term: string; doc: number }>;

  constructor(db: Database.Database, fts: string) {
    // A temp table: the vocabulary is a view of the index, nothing is stored, the file's schema is untouched.
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${fts}_vocab USING fts5vocab(main, ${fts}, row)`);
    this.terms = db.prepare(`SELECT term, doc FROM temp.${fts}_vocab WHERE term >= ? AND term < ? LIMIT ?`);
  }

  /** The plan for a search's words (as `toFtsQuery` splits them); undefined for no words. */
  plan(words: readonly string[]): TextPlan | undefined {
    if (words.length === 0) return undefined;
    const planned = words.map((w) => this.word(w));
    const match = planned.map((w) => w.all).join(' AND ');
    const split = planned.filter((w) => w.split).slice(0, MAX_SPLIT_WORDS);
    const countParts: string[] = [];
    // One part per choice of head or rest for each split word: the choices are disjoint and cover all.
    for (let choice = 0; choice < 1 << split.length; choice++) {
      countParts.push(
        planned
          .map((w) => {
            const at = split.indexOf(w);
            if (at < 0 || !w.split) return w.all;
            return choice & (1 << at) ? w.split.rest : w.split.head;
          })
          .join(' AND '),
      );
    }
    return { match, countParts };
  }

  private word(word: string): Word {
    const prefix = `"${word}"*`;
    const lower = word.toLowerCase();
    // Outside plain ASCII the tokenizer's folding (case, diacritics) is not ours to imitate.
    if (!PLAIN_WORD.test(lower)) return { all: prefix };
    // Every term starting with `lower` sorts in [lower, lower with its last character incremented).
    const end = lower.slice(0, -1) + String.fromCharCode(lower.charCodeAt(lower.length - 1) + 1);
    const found = this.terms.all(lower, end, MAX_TERMS + 1);
    if (found.length === 0 || found.length > MAX_TERMS || !found.every((t) => PLAIN_WORD.test(t.term))) return { all: prefix };
    found.sort((a, b) => b.doc - a.doc);
    const [head, ...rest] = found;
    if (!head) return { all: prefix };
    if (rest.length === 0) return { all: `"${head.term}"` };
    const any = (terms: readonly { term: string }[]) => `(${terms.map((t) => `"${t.term}"`).join(' OR ')})`;
    const all = any(found);
    // The rest's OR costs a comparison per term for each of its rows; past this the prefix scan is cheaper.
    const restDocs = rest.reduce((n, t) => n + t.doc, 0);
    if (restDocs * rest.length > 4 * (head.doc + restDocs)) return { all: prefix };
    return { all, split: { head: `"${head.term}"`, rest: `(${any(rest)} NOT "${head.term}")` } };
  }
}
