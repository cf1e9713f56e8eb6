// browse.js: search as you type on /browse. The page works without it: the
// form submits to /browse, which renders the same search on the server.
// This script asks the FHIR $expand operation (JSON) for the first results
// as the person types, with the same value set and parameters the server
// uses, so that both rank alike; it marks the matched words the way the
// server does (highlight.go), and lets the arrow keys move through the
// results. It builds every node with textContent: nothing typed is ever
// parsed as HTML.
'use strict';

(function () {
  const form = document.getElementById('search-form');
  if (!form) {
    return;
  }
  const input = document.getElementById('q');
  const list = document.getElementById('results');
  const status = document.getElementById('status');
  const fhirLinks = document.getElementById('fhir-links');
  const expandBase = form.dataset.fhir;
  const system = form.dataset.system;
  const count = 20;
  let seq = 0;
  let timer = 0;

  function field(name) {
    return form.elements.namedItem(name);
  }

  function query() {
    return {
      q: input.value.trim(),
      release: field('release').value,
      kind: field('kind').value,
      coverage: field('coverage').value,
      betos: field('betos').value,
      active: field('active').checked,
    };
  }

  // valueSetURL is searchQuery.valueSetURL in search.go.
  function valueSetURL(s) {
    const filters = [['kind', s.kind], ['coverage', s.coverage], ['betos', s.betos]]
      .filter((f) => f[1] !== '')
      .map((f) => 'filter/' + f[0] + '/=/' + f[1]);
    return system + '?fhir_vs' + (filters.length ? '=' + filters.join(';') : '');
  }

  function hasWords(text) {
    return /[\p{L}\p{N}]/u.test(text);
  }

  function pageURL(s) {
    const p = new URLSearchParams();
    for (const k of ['q', 'release', 'kind', 'coverage', 'betos']) {
      if (s[k] !== '') {
        p.set(k, s[k]);
      }
    }
    if (s.active) {
      p.set('active', 'true');
    }
    const qs = p.toString();
    return '/browse' + (qs ? '?' + qs : '');
  }

  function expandURL(s) {
    const p = new URLSearchParams();
    p.set('url', valueSetURL(s));
    if (s.q !== '') {
      p.set('filter', s.q);
    }
    p.set('count', String(count));
    if (s.active) {
      p.set('activeOnly', 'true');
    }
    p.set('system-version', system + '|' + s.release);
    return expandBase + '?' + p.toString();
  }

  // The words of the query, and whether a word of the text matches one:
  // highlight.go's queryParts, matchesAny and stem.
  function queryParts(q) {
    return q.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== '');
  }

  function stem(t) {
    const n = t.length;
    if (n <= 3) {
      return t;
    }
    if (t.endsWith('ies') && n > 4) {
      return t.slice(0, n - 3) + 'y';
    }
    if (t.endsWith('ches') || t.endsWith('shes') || t.endsWith('sses') || t.endsWith('xes')) {
      return t.slice(0, n - 2);
    }
    if (t.endsWith('ss') || t.endsWith('us') || t.endsWith('is')) {
      return t;
    }
    if (t.endsWith('s')) {
      return t.slice(0, n - 1);
    }
    return t;
  }

  function matches(token, words) {
    const lower = token.toLowerCase();
    return words.some((w) => lower.startsWith(w) || stem(lower) === stem(w));
  }

  function appendHighlighted(parent, text, words) {
    for (const part of text.split(/([\p{L}\p{N}]+)/u)) {
      if (part === '') {
        continue;
      }
      if (words.length && /^[\p{L}\p{N}]/u.test(part) && matches(part, words)) {
        const mark = document.createElement('mark');
        mark.textContent = part;
        parent.appendChild(mark);
      } else {
        parent.appendChild(document.createTextNode(part));
      }
    }
  }

  function render(s, vs) {
    const exp = vs.expansion || {};
    const contains = exp.contains || [];
    const words = queryParts(s.q);
    const items = contains.map((c) => {
      const li = document.createElement('li');
      const a = document.createElement('a');
      a.href = '/browse/code/' + encodeURIComponent(c.code) + '?release=' + encodeURIComponent(s.release);
      const code = document.createElement('span');
      code.className = 'code';
      appendHighlighted(code, c.code, words);
      const display = document.createElement('span');
      display.className = 'display';
      appendHighlighted(display, c.display || '', words);
      a.append(code, ' ', display);
      if (c.inactive) {
        const badge = document.createElement('span');
        badge.className = 'badge';
        badge.textContent = 'terminated';
        a.append(' ', badge);
      }
      li.appendChild(a);
      return li;
    });
    list.removeAttribute('start');
    list.replaceChildren(...items);
    const total = typeof exp.total === 'number' ? exp.total : items.length;
    let text = total + ' codes found in release ' + s.release;
    if (items.length) {
      text += ', ranked by match; showing 1–' + items.length;
      if (total > items.length) {
        text += '. Press Enter in the search box for the full list';
      }
    }
    status.textContent = text + '.';
    const pager = document.getElementById('result-pager');
    if (pager) {
      pager.hidden = true;
    }
    const url = expandURL(s);
    document.getElementById('expand-json').href = url;
    document.getElementById('expand-xml').href = url + '&_format=xml';
    fhirLinks.hidden = false;
  }

  function clear(s) {
    list.replaceChildren();
    status.textContent = 'Type to search release ' + s.release + '.';
    fhirLinks.hidden = true;
  }

  async function run() {
    const s = query();
    const mine = ++seq;
    history.replaceState(null, '', pageURL(s));
    if (!hasWords(s.q) && s.kind === '' && s.coverage === '' && s.betos === '') {
      clear(s);
      return;
    }
    form.setAttribute('aria-busy', 'true');
    try {
      // The browser's own Accept-Language (en-US) is sent: HCPCS displays
      // are English, so $expand answers with the CMS long description, as
      // the server-rendered page shows it.
      const res = await fetch(expandURL(s), { headers: { Accept: 'application/fhir+json' } });
      const body = await res.json();
      if (mine !== seq) {
        return; // a newer search has started
      }
      if (!res.ok) {
        const issue = (body.issue || [])[0] || {};
        status.textContent = 'The search failed: ' + (issue.diagnostics || (issue.details || {}).text || res.status);
        return;
      }
      render(s, body);
    } catch (err) {
      if (mine === seq) {
        status.textContent = 'The search failed: ' + err.message;
      }
    } finally {
      if (mine === seq) {
        form.removeAttribute('aria-busy');
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(run, 150);
  }

  function links() {
    return Array.from(list.querySelectorAll('a'));
  }

  input.addEventListener('input', schedule);
  form.addEventListener('change', (e) => {
    if (e.target !== input) {
      run();
    }
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' && links().length) {
      e.preventDefault();
      links()[0].focus();
    }
  });
  list.addEventListener('keydown', (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement);
    if (i < 0) {
      return;
    }
    let next = null;
    switch (e.key) {
      case 'ArrowDown': next = all[Math.min(i + 1, all.length - 1)]; break;
      case 'ArrowUp': next = i === 0 ? input : all[i - 1]; break;
      case 'Home': next = all[0]; break;
      case 'End': next = all[all.length - 1]; break;
      case 'Escape': next = input; break;
      default: return;
    }
    e.preventDefault();
    next.focus();
  });
}());
