// The inspection page's delivery recovery view (#/recovery): whether the reconciler runs (or why not), the hooks it
// reconciles and its recent runs, live like the other views; "Run now" asks for a run and says how it ended.
// Loaded after core.js and before app.js, which draws it like its own views.
'use strict';

(() => {
  const { Unauthorized, api, el, table, state, time } = page;

  /** A .NET TimeSpan as JSON writes it ("[d.]hh:mm:ss[.fffffff]") in words: "10 minutes", "1 day 2 hours". */
  function duration(text) {
    const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+)/.exec(text || '');
    if (!match) return text || '—';
    const words = [['day', match[1]], ['hour', match[2]], ['minute', match[3]], ['second', match[4]]]
      .map(([unit, n]) => [unit, Number(n || 0)])
      .filter(([, n]) => n > 0)
      .map(([unit, n]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
    return words.join(' ') || '0 seconds';
  }

  /** On, and how often; or off, and the handler's own reason (switched off, or nothing to list deliveries with). */
  function standing(view) {
    if (view.enabled) {
      return el('p', { id: 'recovery-state' }, el('strong', {}, 'On'), `: a run at start-up and every ${duration(view.interval)}.`);
    }

    return el('p', { id: 'recovery-state' }, el('strong', {}, 'Off'), `: ${view.disabled || 'recovery does not run'}.`);
  }

  function hooks(list) {
    return [el('h2', {}, 'Hooks'), table('GitHub webhooks reconciled', ['Hook', 'Kind', 'Repository', 'Hook id'],
      list.map((h) => [h.name, h.kind === 'app' ? "the GitHub App's webhook" : 'repository webhook', h.repository || '—',
        h.hookId ? String(h.hookId) : '—']),
      'none yet. A repository webhook is learned from the X-GitHub-Hook-ID of a delivery received, '
        + 'or configured in Handler:GitHub:Recovery:RepositoryHooks.')];
  }

  function runs(list) {
    return [el('h2', {}, 'Runs'), table('Runs, newest first',
      ['Started', 'Trigger', 'Outcome', 'Finished', 'Listed', 'Failed', 'Recorded already', 'Requested', 'Errors'],
      list.map((run) => [time(run.startedAt), run.trigger, state(run.outcome), time(run.finishedAt), String(run.listed),
        String(run.failed), String(run.alreadyRecorded), requested(run), errors(run.errors)]),
      'none yet.')];
  }

  /** How many redeliveries the run asked for, and which (the run keeps up to a hundred ids). */
  function requested(run) {
    const ids = run.deliveries || [];
    if (ids.length === 0) return String(run.requested);
    return el('details', {}, el('summary', {}, String(run.requested)),
      el('ul', { class: 'ids', 'aria-label': 'Deliveries requested again' }, ids.map((id) => el('li', {}, el('code', {}, id)))));
  }

  const errors = (list) => (list && list.length ? el('ul', { class: 'errors' }, list.map((e) => el('li', {}, e))) : '—');

  const counts = (run) =>
    `${run.listed} listed, ${run.failed} failed, ${run.alreadyRecorded} recorded already, ${run.requested} requested`;

  /** The answer of POST /api/recovery/runs in a sentence: the finished run, or the one still under way after 20 s. */
  function summary(run) {
    if (run.outcome === 'running') return `The run is still under way (${counts(run)} so far); the table below follows it.`;
    const why = run.errors && run.errors.length ? ` ${run.errors.join(' ')}` : '';
    return `Run ${run.outcome}: ${counts(run)}.${why}`;
  }

  function runButton(live) {
    return el('p', { class: 'actions' },
      el('button', { type: 'button', id: 'run-now', onclick: () => runNow(live) }, 'Run now'),
      " lists GitHub's record of the deliveries now and asks again for the failed ones the handler never recorded.");
  }

  async function runNow(live) {
    const button = () => document.getElementById('run-now');
    button().disabled = true;
    live.say('Running: listing the deliveries GitHub recorded…');
    try {
      live.say(summary(await api('api/recovery/runs', { method: 'POST' })));
    } catch (e) {
      if (e instanceof Unauthorized) return live.askForToken();
      live.say(`Run refused: ${e.message}`);
    } finally {
      if (button()) button().disabled = false;
    }
    live.restart(); // the runs table shows the new run without waiting for the next poll
  }

  page.views.recovery = {
    title: () => 'Delivery recovery',
    nav: 'to-recovery',
    frame: (r, live) => [el('h1', {}, 'Delivery recovery'), runButton(live)],
    load: () => api('api/recovery'),
    draw: (view) => [standing(view), ...hooks(view.hooks || []), ...runs(view.runs || [])],
  };
})();
