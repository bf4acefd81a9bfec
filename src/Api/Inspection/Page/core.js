// The inspection page's plumbing: the API client (with the optional bearer token), DOM helpers and the hash route.
// Plain browser JavaScript with no dependencies; app.js draws the views with it, recovery.js adds one to views.
'use strict';

const page = (() => {
  const TOKEN_KEY = 'k8s-webhook-handler.token';

  /** The API answered 401: the management port wants a token. */
  class Unauthorized extends Error {}

  /** Any other answer that is not a success, with the API's own explanation. */
  class HttpError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  const token = {
    get: () => sessionStorage.getItem(TOKEN_KEY),
    set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
    forget: () => sessionStorage.removeItem(TOKEN_KEY),
  };

  /** Calls the API at a path relative to the page (so a path prefix in front of the port keeps working). */
  async function api(path, init = {}) {
    const headers = { Accept: 'application/json' };
    const bearer = token.get();
    if (bearer) headers.Authorization = 'Bearer ' + bearer;
    const response = await fetch(path, { ...init, headers, cache: 'no-store', credentials: 'omit' });
    if (response.status === 401) throw new Unauthorized('the management port needs a token');
    const body = await response.json().catch(() => null);
    if (!response.ok) throw new HttpError(response.status, explain(body, response));
    return body;
  }

  /** Problem details' detail or title, or the older { error } shape, or the status line. */
  function explain(body, response) {
    const text = body && (body.detail || body.error || body.title);
    return text || `${response.status} ${response.statusText}`.trim();
  }

  /** A path of the inspection API for a repository, "owner/name", each part escaped. */
  function repoPath(repo, ...rest) {
    return ['api/repositories', ...repo.split('/'), ...rest].map((p, i) => (i === 0 ? p : encodeURIComponent(p))).join('/');
  }

  /** An element with attributes (on* are listeners, text is its text) and children (strings become text). */
  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : value);
    }
    node.append(...children.flat(Infinity).filter((c) => c !== undefined && c !== null && c !== ''));
    return node;
  }

  /** A table with a caption, column headers and, per row, a row header (the first cell) and data cells. */
  function table(caption, headers, rows, empty) {
    if (rows.length === 0) return el('p', { class: 'empty' }, el('strong', {}, `${caption}: `), empty);
    return el('table', {},
      el('caption', {}, caption),
      el('thead', {}, el('tr', {}, headers.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows.map((cells) => el('tr', {},
        cells.map((cell, i) => (i === 0 ? el('th', { scope: 'row' }, cell) : el('td', {}, cell)))))));
  }

  /** A delivery state as words (never colour alone); the class only adds colour. */
  const state = (value) => el('span', { class: `state state-${value}` }, value);

  /** A moment as a <time>, in the reader's locale, or a dash. */
  function time(iso) {
    if (!iso) return '—';
    return el('time', { datetime: iso }, new Date(iso).toLocaleString());
  }

  /** Link to #/ path parts, each escaped; query is an object of hash parameters (empty ones left out). */
  function href(parts, query = {}) {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v));
    const search = params.toString();
    return '#/' + parts.map(encodeURIComponent).join('/') + (search ? '?' + search : '');
  }

  /** The view the hash names: #/, #/repo/owner/name, #/delivery/owner/name/id, #/recovery. */
  function route() {
    const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
    const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
    const params = Object.fromEntries(new URLSearchParams(query));
    if (parts[0] === 'recovery' && parts.length === 1) return { view: 'recovery', params };
    if (parts[0] === 'repo' && parts.length === 3) return { view: 'repo', repo: `${parts[1]}/${parts[2]}`, params };
    if (parts[0] === 'delivery' && parts.length === 4) return { view: 'delivery', repo: `${parts[1]}/${parts[2]}`, id: parts[3], params };
    return { view: 'repositories', params };
  }

  /**
   * Views besides app.js's own, by route name: { title(r), nav, frame(r, live), load(r), draw(data, r) }, where nav is
   * the id of the header link that leads to the view and live is { say(text), restart(), askForToken() } of app.js.
   */
  const views = {};

  return { Unauthorized, HttpError, token, api, repoPath, el, table, state, time, href, route, views };
})();
