// SQL92 message filters, the entry point of src/filter/sql92 (lexer → parser → evaluator):
// compile once, match many times. The broker compiles a subscription on CHECK_CLIENT_CONFIG and
// on every pull (answered from this cache, as SelectorParser#parse caches its trees and its
// failures), then calls matches() with each candidate record's properties. Pure: no I/O.
import { matchesSql92 } from './evaluator.js';
import { Sql92SyntaxError } from './lexer.js';
import { type Expr, parseSql92 } from './parser.js';

export { Sql92SyntaxError };

export interface Sql92Filter {
  readonly expression: string;
  /** Whether a message with these properties passes the filter. */
  matches(properties: Record<string, string>): boolean;
}

const CACHE_MAX = 256;
const cache = new Map<string, Sql92Filter | Sql92SyntaxError>();

/** Compiles an expression; throws Sql92SyntaxError (line, column, token) when it is invalid. */
export function compileSql92(expression: string): Sql92Filter {
  const hit = cache.get(expression);
  if (hit instanceof Sql92SyntaxError) throw hit;
  if (hit) return hit;
  let result: Sql92Filter | Sql92SyntaxError;
  try {
    const ast: Expr = parseSql92(expression);
    result = { expression, matches: (props) => matchesSql92(ast, props) };
  } catch (err) {
    if (!(err instanceof Sql92SyntaxError)) throw err;
    result = err;
  }
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value!);
  cache.set(expression, result);
  if (result instanceof Sql92SyntaxError) throw result;
  return result;
}
