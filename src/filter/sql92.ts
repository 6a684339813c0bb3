// SQL92 message filters: compile once (cached, like SelectorParser's cache), match many times.
import { matchesSql92 } from './sql92-eval.js';
import { type Expr, parseSql92, Sql92SyntaxError } from './sql92-parse.js';

export { Sql92SyntaxError };

export interface Sql92Filter {
  readonly expression: string;
  /** Whether a message with these properties passes the filter. */
  matches(properties: Record<string, string>): boolean;
}

const CACHE_MAX = 256;
const cache = new Map<string, Sql92Filter | Sql92SyntaxError>();

/** Compiles an expression; throws Sql92SyntaxError (with a column) when it is not valid. */
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
