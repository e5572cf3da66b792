// Shared by the pull-request comment scripts: prepended to each where it is included (`COMMENT_SCRIPT`).

// Updates the bot's own comment (the one starting with `marker`), or creates it once.
async function upsertComment(marker, body) {
  const { owner, repo } = context.repo;
  const issue_number = context.issue.number;
  const comments = await github.paginate(github.rest.issues.listComments, { owner, repo, issue_number, per_page: 100 });
  const mine = comments.find((c) => c.user && c.user.type === 'Bot' && (c.body || '').startsWith(marker));
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body });
  }
}

// One line per changed resource or Kubernetes object of a `diff --json` report.
function diffLines(report) {
  const lines = [];
  const walk = (value, stack) => {
    if (Array.isArray(value)) { value.forEach((v) => walk(v, stack)); return; }
    if (value === null || typeof value !== 'object') return;
    const here = value.stack_name || value.stack || stack;
    if (typeof value.logical_id === 'string' && typeof value.action === 'string') {
      const sign = { Add: '+', Remove: '-', Modify: value.replacement === 'True' ? '±' : '~' }[value.action] || '~';
      lines.push(`${sign} ${here ? here + ' ' : ''}${value.logical_id} (${value.type || ''})${value.path ? ' ' + value.path : ''}${value.replacement === 'True' ? ' [REPLACE]' : ''}${value.security ? ' [SECURITY]' : ''}`);
    }
    const o = value.object;
    if (o && typeof o === 'object' && typeof value.action === 'string' && value.action !== 'unchanged') {
      const sign = { create: '+', delete: '-' }[value.action] || '~';
      lines.push(`${sign} ${value.cluster || here || ''} ${o.kind}/${o.namespace ? o.namespace + '/' : ''}${o.name}${value.path ? ' ' + value.path : ''}`);
    }
    Object.entries(value).forEach(([k, v]) => { if (k !== 'object') walk(v, value.cluster || here); });
  };
  walk(report, null);
  return lines;
}

