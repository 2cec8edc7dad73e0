/**
 * Load results in Falco's shape: per file, whether it loaded and its errors and warnings with codes,
 * descriptions, messages and contexts. `toJSON()` gives exactly what `falco -V --json` prints (keys in
 * nlohmann::json's sorted order, so the serialized text matches too).
 */
import { ERROR_CODEDESCS, WARNING_CODEDESCS, type LoadErrorCode, type LoadWarningCode } from './codes.js';
import type { LoadContext, LoadLocation } from './context.js';

/** One error or warning, as collected. */
export interface LoadProblem<Code extends string> {
  code: Code;
  message: string;
  context: LoadContext;
}

/** One error or warning in the JSON result. */
export interface LoadProblemJson {
  code: string;
  codedesc: string;
  context: { locations: LoadLocation[]; snippet: string };
  message: string;
}

/** One file's entry in `falco_load_results`. */
export interface FileLoadResultJson {
  errors: LoadProblemJson[];
  name: string;
  successful: boolean;
  warnings: LoadProblemJson[];
}

/** The whole `falco -V --json` object. */
export interface LoadResultJson {
  falco_load_results: FileLoadResultJson[];
}

function problemJson(problem: LoadProblem<string>, codedesc: string): LoadProblemJson {
  return {
    code: problem.code,
    codedesc,
    context: { locations: problem.context.locations.map((l) => ({ ...l, position: { ...l.position } })), snippet: problem.context.snippet() },
    message: problem.message,
  };
}

/** The result of loading one rules file. */
export class FileLoadResult {
  readonly errors: LoadProblem<LoadErrorCode>[] = [];
  readonly warnings: LoadProblem<LoadWarningCode>[] = [];

  constructor(readonly name: string) {}

  get successful(): boolean {
    return this.errors.length === 0;
  }

  addError(code: LoadErrorCode, message: string, context: LoadContext): void {
    this.errors.push({ code, message, context });
  }

  addWarning(code: LoadWarningCode, message: string, context: LoadContext): void {
    this.warnings.push({ code, message, context });
  }

  toJSON(): FileLoadResultJson {
    return {
      errors: this.errors.map((e) => problemJson(e, ERROR_CODEDESCS[e.code])),
      name: this.name,
      successful: this.successful,
      warnings: this.warnings.map((w) => problemJson(w, WARNING_CODEDESCS[w.code])),
    };
  }
}

/** The result of loading several files in order. */
export class LoadResult {
  constructor(readonly files: readonly FileLoadResult[]) {}

  /** True when no file has an error. */
  get successful(): boolean {
    return this.files.every((f) => f.successful);
  }

  toJSON(): LoadResultJson {
    return { falco_load_results: this.files.map((f) => f.toJSON()) };
  }
}
