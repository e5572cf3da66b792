const marker = '<!-- stackwright-diff -->';
const security = Number(process.env.SECURITY || '0');
let report = null;
try { report = JSON.parse(process.env.REPORT || 'null'); } catch (e) { report = null; }
const lines = diffLines(report);
const failed = (report && Array.isArray(report.failed)) ? report.failed : [];
let body = `${marker}\n### stackwright diff\n\n`;
body += lines.length ? '```diff\n' + lines.join('\n') + '\n```\n' : 'No changes.\n';
body += diagramBlock(report, body.length);
failed.forEach((f) => { body += `\n:x: ${f.target}: ${f.message}\n`; });
if (security > 0) body += `\n**${security} security-relevant change(s).** Review them, then add the label \`${process.env.LABEL}\` to accept.\n`;
const raw = JSON.stringify(report, null, 2) || String(process.env.REPORT || '');
body += `\n<details><summary>diff --json</summary>\n\n\`\`\`json\n${raw.slice(0, 50000)}\n\`\`\`\n</details>\n`;
// The picture of the change (diff --json's `diagram`: Mermaid with what the change adds,
// changes or removes marked; docs/diagram.md) as a ```mermaid block, which GitHub renders; one
// per report when the report holds several (per stage, named by their key). Each is taken out of
// the report, so that the JSON below does not repeat it; the blocks are left out, with a line
// saying so, when the comment would pass GitHub's 65,536 characters.
function diagramBlock(report, used) {
  const found = [];
  const take = (value, name) => {
    if (value === null || typeof value !== 'object') return;
    if (typeof value.diagram === 'string') { found.push([name, value.diagram]); delete value.diagram; }
    Object.entries(value).forEach(([k, v]) => take(v, Array.isArray(value) ? name : k));
  };
  take(report, '');
  if (!found.length) return '';
  const json = Math.min(50000, (JSON.stringify(report, null, 2) || '').length) + 200;
  const notes = 1000;
  const block = found.map(([name, d]) => `\n#### Picture of the change${found.length > 1 && name ? ` (${name})` : ''}\n\n\`\`\`mermaid\n${d.trimEnd()}\n\`\`\`\n`).join('');
  if (used + block.length + json + notes > 65536) {
    const size = found.reduce((n, [, d]) => n + d.length, 0);
    return `\n_The picture of the change (${size} characters) does not fit in this comment: see diagram.svg in the assembly._\n`;
  }
  return block;
}
await upsertComment(marker, body);
