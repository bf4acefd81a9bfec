// The inspection page's views: repositories -> a repository's deliveries -> one delivery (and those of page.views, such
// as delivery recovery), kept live by asking the API again every two seconds while the tab is visible; a view is
// redrawn only when its answer changed.
'use strict';

(() => {
  const { Unauthorized, HttpError, token, api, repoPath, el, table, state, time, href, route } = page;
  const POLL_MS = 2000;
  const STATES = ['queued', 'applied', 'no-manifest', 'ignored-ref', 'ignored', 'rejected', 'failed', 'superseded',
    'stale', 'awaiting-approval', 'triggered'];
  const $ = (id) => document.getElementById(id);
  let generation = 0;
  let timer = 0;
  let shown = '';
  let failing = false;
  let settings = null;

  const repoParts = (repo) => repo.split('/');
  const pick = (params, names) => Object.fromEntries(names.filter((n) => params[n]).map((n) => [n, params[n]]));
  const isMissing = (e) => e instanceof HttpError && e.status === 404;
  const nextPage = (list, parts, params) =>
    list.next ? el('p', {}, el('a', { href: href(parts, { ...params, cursor: list.next }) }, 'Next page')) : null;

  const views = {
    repositories: {
      title: () => 'Repositories',
      frame: (r) => [el('h1', {}, 'Repositories'), openForm(), filterForm(r, [], [['state', 'With deliveries in state']])],
      async load(r) {
        const query = new URLSearchParams(pick(r.params, ['state', 'cursor']));
        try {
          return await api('api/repositories?' + query);
        } catch (e) {
          if (isMissing(e)) return null; // a handler without the list: open a repository by name instead
          throw e;
        }
      },
      draw(list, r) {
        if (!list) return [el('p', {}, 'This handler does not list repositories: open one by name above.')];
        return [table('Repositories, by name', ['Repository', 'Deliveries by state', 'Last activity'],
          list.items.map((i) => [el('a', { href: href(['repo', ...repoParts(i.repository)]) }, i.repository),
            counts(i.counts), time(i.lastActivity)]),
          'none yet.'), nextPage(list, [], r.params)];
      },
    },
    repo: {
      title: (r) => r.repo,
      frame: (r) => [el('h1', {}, r.repo),
        filterForm(r, ['repo', ...repoParts(r.repo)], [['state', 'State'], ['ref', 'Ref'], ['event', 'Event']])],
      async load(r) {
        const query = new URLSearchParams(pick(r.params, ['state', 'ref', 'event', 'cursor']));
        try {
          return await api(repoPath(r.repo, 'deliveries') + '?' + query);
        } catch (e) {
          if (!isMissing(e)) throw e;
          // A handler without the deliveries list: the repository's snapshot keeps the recent ones.
          const snapshot = await api(repoPath(r.repo));
          const items = snapshot.deliveries.filter((d) => matches(d, r.params));
          return { items: items.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt)), next: null };
        }
      },
      draw: (list, r) => [table('Deliveries, newest first',
        ['Delivery', 'Event', 'Ref', 'Revision', 'State', 'Attempts', 'Received', 'Reason'],
        list.items.map((d) => [el('a', { href: href(['delivery', ...repoParts(r.repo), d.delivery]) }, d.delivery),
          eventOf(d), d.ref || '—', el('code', {}, d.revision.slice(0, 7)), state(d.state), String(d.attempts),
          time(d.receivedAt), el('span', { class: 'reason' }, d.reason || '—')]),
        'none match.'), nextPage(list, ['repo', ...repoParts(r.repo)], r.params)],
    },
    delivery: {
      title: (r) => `Delivery ${r.id}`,
      frame: (r) => [el('h1', {}, 'Delivery ', el('code', {}, r.id)),
        el('p', {}, 'Of ', el('a', { href: href(['repo', ...repoParts(r.repo)]) }, r.repo))],
      async load(r) {
        settings ??= await api('api/settings').catch((e) => {
          if (e instanceof Unauthorized) throw e;
          return { workflowUrl: null };
        });
        return api(repoPath(r.repo, 'deliveries', r.id));
      },
      draw: (d, r) => [facts(d), retryButton(r),
        objects('Objects applied', d.objects, 'none.'),
        objects('Objects stopped (superseded by this delivery)', d.stopped || [], 'none.'),
        reports(d.reports || [])],
    },
    ...page.views,
  };

  const eventOf = (d) => (d.action ? `${d.eventType} (${d.action})` : d.eventType);

  function matches(d, params) {
    const ref = params.ref;
    return (!params.state || d.state === params.state) && (!params.event || d.eventType === params.event)
      && (!ref || d.ref === ref || d.ref === `refs/heads/${ref}` || d.ref === `refs/tags/${ref}`);
  }

  function counts(byState) {
    const entries = Object.entries(byState || {}).filter(([, n]) => n > 0);
    return el('ul', { class: 'counts' }, entries.map(([s, n]) => el('li', {}, state(s), ` ${n}`)));
  }

  function facts(d) {
    const rows = [['State', state(d.state)], ['Event', eventOf(d)], ['Ref', d.ref || '—'],
      ['Revision', el('code', {}, d.revision)], ['Before', d.before ? el('code', {}, d.before) : null],
      ['Deleted', d.deleted ? 'yes: the ref was deleted' : null], ['Received', time(d.receivedAt)],
      ['Completed', time(d.completedAt)], ['Attempts', String(d.attempts)], ['Re-runs', String(d.rerun || 0)],
      ['Reason', d.reason || '—']];
    return el('dl', { class: 'facts' }, rows.filter(([, v]) => v !== null)
      .map(([k, v]) => [el('dt', {}, k), el('dd', { 'data-fact': k.toLowerCase() }, v)]));
  }

  function objects(caption, list, empty) {
    return table(caption, ['Name', 'Kind', 'Namespace', 'Argo'],
      list.map((o) => [o.name, `${o.kind} (${o.apiVersion})`, o.namespace || '—', workflowLink(o)]), empty);
  }

  /** The object's page in the Argo UI from the configured template, for Workflows only. */
  function workflowLink(o) {
    const template = settings && settings.workflowUrl;
    if (!template || o.kind !== 'Workflow') return '—';
    const url = template.replaceAll('{namespace}', encodeURIComponent(o.namespace || ''))
      .replaceAll('{name}', encodeURIComponent(o.name));
    if (!/^https?:\/\//i.test(url)) return '—';
    return el('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, `Open ${o.name} in Argo`);
  }

  function reports(list) {
    return table('Reports to GitHub', ['Context', 'Object', 'Outcome', 'Description', 'Queued', 'Sent', 'Error'],
      list.map((p) => [p.context, p.object || '—', p.outcome, p.description, time(p.queuedAt), time(p.sentAt),
        p.error || '—']), 'none.');
  }

  function retryButton(r) {
    return el('p', { class: 'actions' },
      el('button', { type: 'button', id: 'retry', onclick: () => retry(r) }, 'Retry'),
      ' runs this delivery again, as a new run of the same event.');
  }

  async function retry(r) {
    $('retry').disabled = true;
    try {
      const record = await api(repoPath(r.repo, 'deliveries', r.id, 'retry'), { method: 'POST' });
      say(`Retry accepted: the delivery is ${record.state}.`);
      generation += 1; // an answer already on its way predates the retry
      show(views.delivery, record, r);
    } catch (e) {
      if (e instanceof Unauthorized) return askForToken();
      say(`Retry refused: ${e.message}`);
    } finally {
      if ($('retry')) $('retry').disabled = false;
    }
    restart();
  }

  function openForm() {
    const input = el('input', { name: 'repository', placeholder: 'owner/name', required: true, pattern: '[^/\\s]+/[^/\\s]+' });
    const form = el('form', { class: 'open' }, el('label', {}, 'Repository ', input), el('button', { type: 'submit' }, 'Open'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = href(['repo', ...repoParts(input.value.trim())]);
    });
    return form;
  }

  function filterForm(r, parts, fields) {
    const inputs = fields.map(([name, label]) => el('label', {}, `${label} `, name === 'state'
      ? el('select', { name }, el('option', { value: '' }, 'any'),
        STATES.map((s) => el('option', { value: s, selected: s === r.params.state }, s)))
      : el('input', { name, value: r.params[name] || '', size: 20 })));
    const form = el('form', { class: 'filters', 'aria-label': 'Filters' }, inputs,
      el('button', { type: 'submit' }, 'Filter'), el('a', { href: href(parts) }, 'Clear'));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      location.hash = href(parts, Object.fromEntries(new FormData(form)));
    });
    return form;
  }

  function say(text) {
    if ($('status').textContent !== text) $('status').textContent = text;
  }

  /** Draws a view's answer unless it is the one on screen, keeping the focus on the control that had it. */
  function show(view, data, r) {
    const json = JSON.stringify(data);
    if (json === shown) return;
    shown = json;
    const focused = document.activeElement && document.activeElement.id;
    $('data').replaceChildren(...view.draw(data, r).filter(Boolean));
    if (focused && $(focused)) $(focused).focus();
  }

  async function refresh(mine) {
    const r = route();
    const view = views[r.view];
    try {
      const data = await view.load(r);
      if (mine !== generation) return;
      showView();
      show(view, data, r);
      $('live').textContent = `Live, updated ${new Date().toLocaleTimeString()}`;
      if (failing) say('');
      failing = false;
    } catch (e) {
      if (mine !== generation) return;
      if (e instanceof Unauthorized) return askForToken(); // no polling until a token is given
      failing = true;
      say(`Could not read the handler's answer: ${e.message}`);
    }
    if (document.visibilityState === 'visible') timer = setTimeout(() => refresh(mine), POLL_MS);
  }

  function restart() {
    generation += 1;
    clearTimeout(timer);
    refresh(generation);
  }

  function navigate() {
    const r = route();
    const view = views[r.view];
    shown = '';
    document.title = `${view.title(r)} · k8s-webhook-handler`;
    const crumbs = view.nav ? [] : [el('li', {}, el('a', { href: '#/' }, 'Repositories'))];
    for (const link of document.querySelectorAll('a.to-view')) {
      if (link.id === view.nav) link.setAttribute('aria-current', 'page');
      else link.removeAttribute('aria-current');
    }
    if (r.repo) crumbs.push(el('li', {}, el('a', { href: href(['repo', ...repoParts(r.repo)]) }, r.repo)));
    if (r.id) crumbs.push(el('li', {}, el('a', { href: location.hash, 'aria-current': 'page' }, r.id)));
    $('crumbs').replaceChildren(...crumbs);
    $('crumbs').parentElement.hidden = crumbs.length === 0;
    $('view').replaceChildren(...view.frame(r, { say, restart, askForToken }), el('div', { id: 'data' }, el('p', {}, 'Loading…')));
    restart();
  }

  function askForToken() {
    const form = $('token-form');
    if (token.get()) {
      token.forget();
      $('token-problem').textContent = 'The handler refused that token.';
      $('token-problem').hidden = false;
    }
    $('view').hidden = true;
    $('forget-token').hidden = true;
    if (form.hidden) {
      form.hidden = false;
      $('token').focus();
    }
  }

  function showView() {
    $('token-form').hidden = true;
    $('view').hidden = false;
    $('forget-token').hidden = !token.get();
  }

  $('token-form').addEventListener('submit', (e) => {
    e.preventDefault();
    token.set($('token').value);
    $('token').value = '';
    $('token-problem').hidden = true;
    showView();
    restart();
  });
  /**
   * The Orleans dashboard is a page of its own that cannot send the header: the token is first turned into the
   * management port's session cookie (HttpOnly, this browser session), then the dashboard opens.
   */
  async function session(method) {
    const headers = token.get() ? { Authorization: 'Bearer ' + token.get() } : {};
    return fetch('api/session', { method, headers, credentials: 'same-origin', cache: 'no-store' });
  }

  $('dashboard').addEventListener('click', async () => {
    const response = await session('POST');
    if (response.ok) window.location.assign('dashboard/');
    else if (response.status === 401) askForToken();
    else say(`The dashboard could not be opened: ${response.status} ${response.statusText}`.trim());
  });
  $('forget-token').addEventListener('click', async () => {
    await session('DELETE');
    token.forget();
    restart();
  });
  document.addEventListener('visibilitychange', () => (document.visibilityState === 'visible' ? restart() : clearTimeout(timer)));
  window.addEventListener('hashchange', () => {
    navigate();
    $('main').focus();
  });
  navigate();
})();
