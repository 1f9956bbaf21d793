import { mkdirSync, writeFileSync } from 'node:fs';

export interface Figure {
  figure: string;
  measured: string;
  target: string;
  /** undefined: shown for context, not a target. */
  met?: boolean;
}

/** Everything the bench prints goes to the console and, at the end, to .tmp/bench.txt. */
export class Report {
  private readonly lines: string[] = [];
  readonly figures: Figure[] = [];

  line(text = ''): void {
    this.lines.push(text);
    console.log(text);
  }

  section(title: string): void {
    this.line();
    this.line(`== ${title} ==`);
  }

  figure(f: Figure): void {
    this.figures.push(f);
    this.line(`  ${f.figure}: ${f.measured} (target ${f.target}) ${f.met === undefined ? '' : f.met ? 'MET' : 'MISSED'}`.trimEnd());
  }

  get allMet(): boolean {
    return this.figures.every((f) => f.met !== false);
  }

  table(): void {
    const rows = [['figure', 'measured', 'target', 'met'], ...this.figures.map((f) => [f.figure, f.measured, f.target, f.met === undefined ? '-' : f.met ? 'yes' : 'NO'])];
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join(' | ');
    this.line();
    this.line(fmt(rows[0]));
    this.line(widths.map((w) => '-'.repeat(w)).join('-|-'));
    for (const r of rows.slice(1)) this.line(fmt(r));
  }

  save(file: string): void {
    mkdirSync(file.replace(/\/[^/]*$/, ''), { recursive: true });
    writeFileSync(file, this.lines.join('\n') + '\n');
  }
}
