// The one pull-request comment of a staged pipeline: a section per stage (its diff, failures
// and security-relevant count), then the raw reports. Each part is a function of its own so
// that other sections can be added to the same comment.
const marker = '<!-- stackwright-diff -->';

// The environment the workflow passes: STAGES (names, in order), REPORT_<i>, SECURITY_<i>.
function readStages() {
  const names = (process.env.STAGES || '').split(' ').filter((n) => n.length > 0);
  return names.map((name, i) => {
    const raw = process.env[`REPORT_${i}`] || '';
    let report = null;
    try { report = JSON.parse(raw || 'null'); } catch (e) { report = null; }
    // The picture of the change (`diff --json`'s `diagram`) is shown once, above the raw report.
    let picture = null;
    if (report && typeof report.diagram === 'string') { picture = report.diagram; delete report.diagram; }
    return { name, raw, report, picture, security: Number(process.env[`SECURITY_${i}`] || '0') };
  });
}

// The picture of a stage's change as a mermaid block (GitHub renders it), or nothing.
function stagePicture(stage) {
  return stage.picture ? `\n\`\`\`mermaid\n${stage.picture.trimEnd()}\n\`\`\`\n` : '';
}

// The section of one stage, with its picture unless `pictures` is false.
function stageSection(stage, pictures = true) {
  let text = `#### ${stage.name}\n\n`;
  if (stage.report === null) return text + (stage.raw ? ':x: the diff report is not JSON.\n' : 'No diff (a pull request from a fork, or the diff job failed).\n');
  const lines = diffLines(stage.report);
  if (stage.report.truncated === true) {
    text += `The report is too long for this comment: see the log of the job *Diff ${stage.name}*.\n`;
  } else text += lines.length ? '```diff\n' + lines.join('\n') + '\n```\n' : 'No changes.\n';
  const failed = Array.isArray(stage.report.failed) ? stage.report.failed : [];
  failed.forEach((f) => { text += `\n:x: ${f.target}: ${f.message}\n`; });
  if (stage.security > 0) text += `\n**${stage.security} security-relevant change(s).**\n`;
  if (pictures) text += stagePicture(stage);
  else if (stage.picture) text += '\n_The picture of the change is left out (the comment would pass GitHub\'s size limit): see diagram.svg in the assembly._\n';
  return text;
}

// The raw reports, folded, within the comment's size limit.
function rawSection(stages) {
  const per = Math.floor(40000 / Math.max(stages.length, 1));
  return stages.map((s) => {
    const raw = JSON.stringify(s.report, null, 2) || s.raw;
    return `\n<details><summary>${s.name}: diff --json</summary>\n\n\`\`\`json\n${raw.slice(0, per)}\n\`\`\`\n</details>\n`;
  }).join('');
}

// GitHub refuses a comment longer than 65,536 characters: the raw reports go first, then the
// sections are cut (with a note), so that the comment is always posted.
const LIMIT = 65000;

function commentBody(stages) {
  const head = `${marker}\n### stackwright diff, per stage\n\n`;
  let body = head + stages.map((s) => stageSection(s, true)).join('\n');
  // The pictures go before the diff lines do.
  if (body.length > LIMIT - 2000) body = head + stages.map((s) => stageSection(s, false)).join('\n');
  const security = stages.reduce((n, s) => n + s.security, 0);
  if (security > 0) body += `\n**${security} security-relevant change(s) in all.** Review them, then add the label \`${process.env.LABEL}\` to accept.\n`;
  const raw = rawSection(stages);
  if (body.length + raw.length <= LIMIT) return body + raw;
  const note = '\n(the raw reports are left out: the comment would pass GitHub\'s size limit; see the diff jobs\' logs)\n';
  if (body.length + note.length <= LIMIT) return body + note;
  return body.slice(0, LIMIT - 200) + '\n```\n\n(cut here: the comment would pass GitHub\'s size limit; see the diff jobs\' logs)\n';
}

await upsertComment(marker, commentBody(readStages()));
