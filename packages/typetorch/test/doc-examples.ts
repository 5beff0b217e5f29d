// Turns the TypeScript blocks of a Markdown file into a module whose `// value` comments are checks.
//
// A line `expr;   // 'text'` becomes a check that `expr` evaluates to what the comment says: a string
// literal, a number, true/false, an array, `≈ number` (within 0.05), `tensor(...)` (compared with
// the tensor's printed form, whitespace-insensitive) or `Float32Array [..]`. `const [a] = ...; // v`
// checks `a`. Several statements on one line with comma-separated comments check pairwise. Other
// comments are prose and are left alone.

/** The code blocks of a Markdown file fenced as ts, joined in order (later blocks build on earlier). */
export function codeBlocks(markdown: string): string {
  const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  const imports = new Set<string>();
  const body: string[] = [];
  for (const line of blocks.join('\n').split('\n')) {
    if (/^import /.test(line)) imports.add(line.replace(/\s*\/\/.*$/, ''));
    else body.push(line);
  }
  return [...imports, ...body].join('\n');
}

const VALUE = /^(?:'.*'|-?\d+(?:\.\d+)?(?:e-?\d+)?|true|false|\[.*\]|≈ -?\d+(?:\.\d+)?|tensor\(.*\)|Float32Array \[.*\])$/;

function checkCall(expr: string, expected: string, line: number): string {
  return `await __docCheck(async () => (${expr}), ${JSON.stringify(expected)}, ${line});`;
}

/** Rewrites checkable lines into `__docCheck` calls; returns the module source. */
export function instrument(code: string): string {
  const out = code.split('\n').map((text, i) => {
    const m = /^(\S.*?);\s*\/\/\s*(.+?)\s*$/.exec(text);
    if (!m) return text;
    const [, statement, comment] = m;
    const destructured = /^const \[(\w+)\] = (.+)$/.exec(statement);
    if (destructured && VALUE.test(comment)) return `${text}\n${checkCall(destructured[1], comment, i + 1)}`;
    if (/^(const|let|for|if|import)\b/.test(statement)) return text;
    const statements = statement.split(/;\s*/);
    const values = statements.length > 1 ? comment.split(/,\s*/) : [comment];
    if (values.length !== statements.length || !values.every((v) => VALUE.test(v))) return text;
    return statements.map((s, k) => checkCall(s, values[k], i + 1)).join('\n');
  });
  return out.join('\n');
}
